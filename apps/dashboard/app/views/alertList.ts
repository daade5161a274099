import { type AlertCard, isActive } from '../model/alertFeed.ts';
import { formatNumber } from '../model/format.ts';
import { el, timeOf } from './dom.ts';

export interface AlertListOptions {
  flashId?: string | undefined;
  /** Whether acknowledging is offered (an operator token, or an anonymous visitor told how to get one). */
  onAcknowledge: (id: string, note: string, button: HTMLButtonElement) => void;
  onSelectContainer: (code: string) => void;
}

function peakOf(card: AlertCard): string | null {
  const { alert } = card;
  if (alert.peakValue === null || alert.peakValue === undefined) return null;
  return alert.kind.startsWith('HUMIDITY')
    ? formatNumber(alert.peakValue, 0, ' % RH')
    : formatNumber(alert.peakValue, 1, ' °C');
}

function alertItem(card: AlertCard, options: AlertListOptions): HTMLLIElement {
  const { alert, transition, at } = card;
  const withdrawn = transition === 'WITHDRAWN';
  const unacknowledged = !withdrawn && alert.state.endsWith('UNACKNOWLEDGED');
  const cleared = alert.state.startsWith('CLEARED');
  const peak = peakOf(card);
  const subject = alert.container?.code ?? alert.sample?.code ?? '—';
  const classes = [
    'alert',
    cleared && 'cleared',
    withdrawn && 'withdrawn',
    options.flashId === alert.id && !withdrawn && 'flash',
  ];
  const item = el(
    'li',
    {
      className: classes.filter(Boolean).join(' '),
      dataset: { severity: alert.severity, id: alert.id, transition: transition ?? 'SNAPSHOT', kind: alert.kind },
    },
    el(
      'div',
      { className: 'alert-head' },
      el('span', { className: 'badge severity' }, alert.severity),
      el(
        'button',
        {
          type: 'button',
          className: 'alert-title link',
          onclick: () => alert.container && options.onSelectContainer(alert.container.code),
        },
        `${subject} · ${alert.kind.replaceAll('_', ' ').toLowerCase()}`,
      ),
      peak ? el('span', { className: 'peak', title: 'Peak value' }, `peak ${peak}`) : null,
    ),
    withdrawn
      ? el(
          'p',
          { className: 'alert-reason' },
          'Withdrawn: a late reading showed this excursion never happened.',
          at ? [' ', timeOf(at)] : null,
        )
      : null,
    transition === 'UPDATED'
      ? el(
          'p',
          { className: 'alert-reason' },
          'Corrected by a late reading (start, peak or severity).',
          at ? [' ', timeOf(at)] : null,
        )
      : null,
    alert.message ? el('p', { className: 'alert-message' }, alert.message) : null,
    el(
      'div',
      { className: 'alert-meta' },
      el(
        'span',
        { className: 'alert-state' },
        withdrawn ? 'withdrawn' : alert.state.replaceAll('_', ' ').toLowerCase(),
      ),
      ' · ',
      timeOf(alert.startedAt, 'since '),
      alert.endedAt ? [' · ', timeOf(alert.endedAt, 'ended ')] : null,
      alert.acknowledgedAt
        ? [
            ' · ',
            timeOf(alert.acknowledgedAt, 'acknowledged '),
            alert.acknowledgedBy ? ` by ${alert.acknowledgedBy}` : '',
          ]
        : null,
      alert.note ? el('q', { className: 'alert-note' }, alert.note) : null,
    ),
  );
  if (unacknowledged) {
    const note = el('input', {
      type: 'text',
      placeholder: 'Note (optional)',
      'aria-label': `Note for alert ${alert.id}`,
    });
    const button = el('button', { type: 'button', className: 'acknowledge' }, 'Acknowledge');
    button.addEventListener('click', () => options.onAcknowledge(alert.id, note.value, button));
    item.append(el('div', { className: 'ack' }, note, button));
  }
  return item;
}

/** The feed, keeping notes being typed (events keep arriving while an operator writes one) and the focus. */
export function renderAlertList(list: HTMLElement, cards: readonly AlertCard[], options: AlertListOptions): void {
  const notes = new Map(
    [...list.querySelectorAll<HTMLLIElement>('li')].map((li) => [
      li.dataset.id,
      li.querySelector<HTMLInputElement>('.ack input')?.value ?? '',
    ]),
  );
  const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('#alerts li')?.dataset.id;
  const items = cards.map((card) => alertItem(card, options));
  for (const item of items) {
    const input = item.querySelector<HTMLInputElement>('.ack input');
    const previous = notes.get(item.dataset.id);
    if (input && previous) input.value = previous;
  }
  list.replaceChildren(...items);
  if (focused) list.querySelector<HTMLInputElement>(`li[data-id="${CSS.escape(focused)}"] .ack input`)?.focus();
}

export function alertCountText(cards: readonly AlertCard[]): string {
  if (cards.length === 0) return '';
  const active = cards.filter(isActive);
  const critical = active.filter((card) => card.alert.severity === 'CRITICAL').length;
  return `${critical ? `${critical} critical · ` : ''}${active.length} active · ${cards.length} shown`;
}
