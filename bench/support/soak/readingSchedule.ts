// The soak's load, a pure function of the reading's number: which box, its event time, its temperature. The
// publisher and the final count share it, so what "published" means is written once.

export interface ReadingSchedule {
  boxes: number;
  perSecond: number;
  /** Event time of reading 0 (epoch ms). */
  startMs: number;
}

/** Readings per box per excursion cycle and how many of them are out of range (11 °C against 2–8 °C). */
const cycle = 600;
const outOfRange = 30;

export const boxCode = (box: number) => `SOAK-${String(box + 1).padStart(4, '0')}`;

/** Reading n goes to box n mod boxes; each box's readings are `boxes / perSecond` seconds apart in event time. */
export function readingAt(schedule: ReadingSchedule, n: number) {
  const box = n % schedule.boxes;
  const k = Math.floor(n / schedule.boxes);
  const periodMs = (schedule.boxes * 1000) / schedule.perSecond;
  // Boxes start their cycles at different points, so the alert events are spread over time.
  const phase = (k + box * 7) % cycle;
  return {
    box,
    k,
    ts: schedule.startMs + Math.round(k * periodMs),
    temperature: phase < outOfRange ? 11 : 5,
  };
}
