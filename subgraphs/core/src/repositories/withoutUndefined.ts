/** GraphQL leaves absent input fields undefined and gives null for "clear it": only absent ones keep the old value. */
export function withoutUndefined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
