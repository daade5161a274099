const ACTIVATION_OVER_R_K = 10_000;
const KELVIN = 273.15;

/** MKT = (ΔH/R) / −ln(Σ wᵢ·e^(−ΔH/(R·Tᵢ)) / Σ wᵢ), Tᵢ in kelvin; unrounded °C, NaN when there is no weight. */
export function meanKineticTemperature(samples: readonly { tempC: number; weight: number }[]): number {
  let weighted = 0;
  let total = 0;
  for (const { tempC, weight } of samples) {
    if (weight <= 0) continue;
    weighted += weight * Math.exp(-ACTIVATION_OVER_R_K / (tempC + KELVIN));
    total += weight;
  }
  if (total === 0) return Number.NaN;
  return ACTIVATION_OVER_R_K / -Math.log(weighted / total) - KELVIN;
}
