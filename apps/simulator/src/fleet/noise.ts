/** A repeatable value in [-1, 1] for a sensor at a tick: smooth drift plus jitter, no clock, no global RNG. */
export function noise(code: string, tick: number): number {
  let hash = 2166136261;
  for (let i = 0; i < code.length; i++) hash = Math.imul(hash ^ code.charCodeAt(i), 16777619);
  const phase = ((hash >>> 0) % 1000) / 159;
  const jitter = mulberry32((hash ^ Math.imul(tick + 1, 2654435761)) >>> 0) * 2 - 1;
  return 0.7 * Math.sin(tick / 9 + phase) + 0.3 * jitter;
}

function mulberry32(seed: number): number {
  let t = (seed + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
