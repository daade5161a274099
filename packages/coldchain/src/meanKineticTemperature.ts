const ACTIVATION_OVER_R_K = 10_000;
const KELVIN = 273.15;

/** One temperature's term in the MKT sum: e^(−ΔH/(R·T)), T in kelvin (weigh it by the time it held). */
export function kineticTerm(tempC: number): number {
  return Math.exp(-ACTIVATION_OVER_R_K / (tempC + KELVIN));
}

/** MKT from its sums, so rollups can add them up per hour: Σ wᵢ·e^(−ΔH/(R·Tᵢ)) and Σ wᵢ; NaN without weight. */
export function meanKineticTemperatureOfSums(weightedTerms: number, totalWeight: number): number {
  if (totalWeight === 0) return Number.NaN;
  return ACTIVATION_OVER_R_K / -Math.log(weightedTerms / totalWeight) - KELVIN;
}

/** MKT = (ΔH/R) / −ln(Σ wᵢ·e^(−ΔH/(R·Tᵢ)) / Σ wᵢ), Tᵢ in kelvin; unrounded °C, NaN when there is no weight. */
export function meanKineticTemperature(samples: readonly { tempC: number; weight: number }[]): number {
  let weighted = 0;
  let total = 0;
  for (const { tempC, weight } of samples) {
    if (weight <= 0) continue;
    weighted += weight * kineticTerm(tempC);
    total += weight;
  }
  return meanKineticTemperatureOfSums(weighted, total);
}
