/** Redis Cluster's key slot of a hash tag (CRC16/XMODEM modulo 16384, as the cluster spec defines it). */
export function keySlot(tag: string): number {
  let crc = 0;
  for (const byte of Buffer.from(tag, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

/** Which partition an entity key lives in: FNV-1a (32 bit), stable across processes, versions and adapters. */
export function partitionOf(entityKey: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < entityKey.length; i++) {
    hash ^= entityKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/**
 * The hash tag of each partition: `p{n}.{k}` with the smallest k whose slot falls in the n-th of `partitions` equal
 * slot ranges, so partitions spread evenly over the slots and therefore over the masters (which own slot ranges).
 */
export function partitionTags(partitions: number): string[] {
  const tags: string[] = [];
  for (let n = 0; n < partitions; n++) {
    const from = Math.floor((n * 16384) / partitions);
    const to = Math.floor(((n + 1) * 16384) / partitions);
    for (let k = 0; ; k++) {
      const slot = keySlot(`p${n}.${k}`);
      if (slot >= from && slot < to) {
        tags.push(`p${n}.${k}`);
        break;
      }
    }
  }
  return tags;
}

export const maxPartitions = 1024;
