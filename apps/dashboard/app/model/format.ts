// How the page writes numbers and times: the operator's locale and time zone, with ages relative to now.

const relativeTime = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndClock = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' });

export function formatNumber(value: number | null | undefined, digits: number, unit: string): string {
  return value === null || value === undefined ? '—' : `${Number(value).toFixed(digits)}${unit}`;
}

/** A percentage that never rounds a shortfall away: 99.96 % is "99.9 %", not "100.0 %". */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value > 0 && value < 0.1) return '< 0.1 %';
  const floored = Math.floor(value * 10) / 10;
  return `${(value < 100 ? Math.min(floored, 99.9) : 100).toFixed(1)} %`;
}

/** Local wall-clock time; with the date once it is not today. */
export function localTime(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return date.toDateString() === now.toDateString() ? clock.format(date) : dayAndClock.format(date);
}

/** Full local date, time and zone, for a tooltip. */
export function localTimeInFull(iso: string | null | undefined): string {
  return iso ? full.format(new Date(iso)) : '';
}

/** "just now", "12 min. ago", "3 hr. ago", "yesterday". */
export function age(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const magnitude = Math.abs(seconds);
  if (magnitude < 45) return 'just now';
  if (magnitude < 3600) return relativeTime.format(Math.round(seconds / 60), 'minute');
  if (magnitude < 86_400) return relativeTime.format(Math.round(seconds / 3600), 'hour');
  return relativeTime.format(Math.round(seconds / 86_400), 'day');
}

/** A minute count as "45 min", "3 h 20 min" or "2 d 4 h". */
export function duration(minutes: number): string {
  const rounded = Math.round(minutes);
  if (rounded < 60) return `${rounded} min`;
  if (rounded >= 48 * 60) return `${Math.floor(rounded / 1440)} d ${Math.round((rounded % 1440) / 60)} h`;
  const rest = rounded % 60;
  return rest ? `${Math.floor(rounded / 60)} h ${rest} min` : `${rounded / 60} h`;
}
