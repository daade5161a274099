/** One environment variable that is missing or malformed, and why. */
export interface ConfigProblem {
  variable: string;
  problem: string;
}

/** A service's configuration did not validate: the message names every variable at fault. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `${service} refuses to start: ${problems.map(({ variable, problem }) => `${variable} ${problem}`).join('; ')}`,
    );
    this.name = 'ConfigError';
  }
}
