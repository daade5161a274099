/** A dependency's check: resolves when it answers, throws (or times out) when it does not. */
export type DependencyCheck = () => Promise<unknown> | unknown;

export interface DependencyState {
  ready: boolean;
  /** Why not, in a line (no stack). */
  error?: string;
}

export interface Readiness {
  ready: boolean;
  /** The dependencies that are not ready, by name (empty when ready). */
  failing: string[];
  dependencies: Record<string, DependencyState>;
}

/** Runs every check at once, each bounded by `timeoutMs`, so a hung dependency makes the answer 503, not late. */
export async function checkDependencies(checks: Record<string, DependencyCheck>, timeoutMs = 1500): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, DependencyState]> => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(check),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, { ready: true }];
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return [name, { ready: false, error: reason.split('\n')[0]?.slice(0, 200) ?? 'unavailable' }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const failing = entries.filter(([, state]) => !state.ready).map(([name]) => name);
  return { ready: failing.length === 0, failing, dependencies: Object.fromEntries(entries) };
}
