/** The store was created with another partition count; every entity would land in the wrong partition. */
export class PartitionCountMismatchError extends Error {
  override readonly name = 'PartitionCountMismatchError';
  constructor(
    readonly prefix: string,
    readonly recorded: number,
    readonly configured: number,
  ) {
    super(
      `Twin store "${prefix}" has ${recorded} partitions, this process is configured for ${configured}: ` +
        'use the recorded count (or migrate the store)',
    );
  }
}
