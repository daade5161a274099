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

export const formatNumber = (value, digits, unit) =>
  value === null || value === undefined ? '—' : `${Number(value).toFixed(digits)}${unit}`;

/** Local wall-clock time; with the date once it is not today. */
export function localTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return date.toDateString() === new Date().toDateString() ? clock.format(date) : dayAndClock.format(date);
}

/** Full local date, time and zone, for a tooltip. */
export function localTimeInFull(iso) {
  return iso ? full.format(new Date(iso)) : '';
}

/** "just now", "12 min. ago", "3 hr. ago", "yesterday". */
export function age(iso, now = Date.now()) {
  if (!iso) return '';
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const magnitude = Math.abs(seconds);
  if (magnitude < 45) return 'just now';
  if (magnitude < 3600) return relativeTime.format(Math.round(seconds / 60), 'minute');
  if (magnitude < 86_400) return relativeTime.format(Math.round(seconds / 3600), 'hour');
  return relativeTime.format(Math.round(seconds / 86_400), 'day');
}

/** A minute count as "45 min" or "3 h 20 min". */
export function duration(minutes) {
  const rounded = Math.round(minutes);
  if (rounded < 60) return `${rounded} min`;
  const rest = rounded % 60;
  return rest ? `${Math.floor(rounded / 60)} h ${rest} min` : `${rounded / 60} h`;
}
