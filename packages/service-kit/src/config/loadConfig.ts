import { z } from 'zod';
import { ConfigError, type ConfigProblem } from './ConfigError.ts';

/** A family of variables named by a pattern (e.g. `SUBGRAPH_<NAME>_URL`), each validated by `value`. */
export interface VariablePattern {
  match: RegExp;
  value: z.ZodType<string, string>;
}

/** One service's configuration: its variables (one zod schema each), the secrets it needs, and the typed result. */
export interface ConfigSpec<Shape extends z.ZodRawShape, Config> {
  service: string;
  variables: Shape;
  /** Families of variables by name pattern, keyed by how the documentation writes them. */
  patterns?: Record<string, VariablePattern>;
  /** Variables that must be set unless AUTH_MODE=dev (the only mode with public dev secrets). */
  requiredUnlessDev?: (keyof Shape & string)[];
  /** Rules across variables (one of two set, ...), on the values as given. */
  check?(present: Readonly<Record<string, string>>): ConfigProblem[];
  build(env: z.output<z.ZodObject<Shape>>, matched: Record<string, Record<string, string>>): Config;
}

/** For typing a spec where it is written; returns it unchanged. */
export function defineConfig<Shape extends z.ZodRawShape, Config>(
  spec: ConfigSpec<Shape, Config>,
): ConfigSpec<Shape, Config> {
  return spec;
}

/**
 * Validates the environment against a service's spec once, at start. Empty values count as unset (compose passes
 * `${X:-}` through as ""); every problem is reported at once, each naming its variable.
 */
export function loadConfig<Shape extends z.ZodRawShape, Config>(
  spec: ConfigSpec<Shape, Config>,
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value !== '') present[name] = value;
  const problems: ConfigProblem[] = [];
  const parsed = z.object(spec.variables).safeParse(present);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ variable: issue.path.map(String).join('.') || 'the environment', problem: issue.message });
    }
  }
  const matched: Record<string, Record<string, string>> = {};
  for (const [family, pattern] of Object.entries(spec.patterns ?? {})) {
    matched[family] = {};
    for (const [name, value] of Object.entries(present)) {
      if (!pattern.match.test(name)) continue;
      const checked = pattern.value.safeParse(value);
      if (checked.success) matched[family][name] = checked.data;
      else for (const issue of checked.error.issues) problems.push({ variable: name, problem: issue.message });
    }
  }
  problems.push(...(spec.check?.(present) ?? []));
  if (present.AUTH_MODE !== 'dev') {
    for (const variable of spec.requiredUnlessDev ?? []) {
      if (present[variable] === undefined) {
        problems.push({
          variable,
          problem: 'is required (only AUTH_MODE=dev, for a local run, falls back to a public dev secret)',
        });
      }
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(spec.service, problems);
  return spec.build(parsed.data, matched);
}

/** For main.ts: the configuration, or the problem on stderr and exit code 1 (no stack trace for a typo). */
export function configOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
