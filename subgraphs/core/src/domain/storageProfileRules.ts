import { badUserInput } from '@bst/subgraph-kit';

export interface StorageProfileLimits {
  minTempC: number | null;
  maxTempC: number | null;
  minHumidityPct: number | null;
  maxHumidityPct: number | null;
  excursionDelaySeconds: number;
  hysteresisC: number;
  hysteresisPct: number;
  maxExcursionMinutes: number;
  excursionBudgetMinutes: number;
  staleAfterSeconds: number;
}

/** Throws BAD_USER_INPUT naming the first field that makes the profile meaningless. */
export function checkStorageProfile(profile: StorageProfileLimits, prefix = 'input'): void {
  const field = (name: string) => `${prefix}.${name}`;
  if (profile.minTempC === null && profile.maxTempC === null) {
    throw badUserInput(field('maxTempC'), 'A storage profile needs at least one temperature limit');
  }
  if (profile.minTempC !== null && profile.maxTempC !== null && profile.minTempC >= profile.maxTempC) {
    throw badUserInput(field('minTempC'), 'minTempC must be below maxTempC');
  }
  for (const name of ['minHumidityPct', 'maxHumidityPct'] as const) {
    const value = profile[name];
    if (value !== null && (value < 0 || value > 100)) throw badUserInput(field(name), `${name} must be within 0-100`);
  }
  if (
    profile.minHumidityPct !== null &&
    profile.maxHumidityPct !== null &&
    profile.minHumidityPct >= profile.maxHumidityPct
  ) {
    throw badUserInput(field('minHumidityPct'), 'minHumidityPct must be below maxHumidityPct');
  }
  for (const name of [
    'excursionDelaySeconds',
    'hysteresisC',
    'hysteresisPct',
    'maxExcursionMinutes',
    'excursionBudgetMinutes',
  ] as const) {
    if (!(profile[name] >= 0)) throw badUserInput(field(name), `${name} must not be negative`);
  }
  if (!(profile.staleAfterSeconds > 0))
    throw badUserInput(field('staleAfterSeconds'), 'staleAfterSeconds must be positive');
  const span = profile.minTempC !== null && profile.maxTempC !== null ? profile.maxTempC - profile.minTempC : null;
  if (span !== null && profile.hysteresisC * 2 >= span) {
    throw badUserInput(field('hysteresisC'), 'hysteresisC must be less than half the temperature range');
  }
}
