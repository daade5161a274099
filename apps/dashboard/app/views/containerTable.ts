import { type ContainerStatus, outOfRange, statusLabels } from '../model/containerStatus.ts';
import { coverageOf } from '../model/coverage.ts';
import type { ContainerEntry, Ingest } from '../model/entries.ts';
import { duration, formatNumber, formatPercent } from '../model/format.ts';
import { el, timeOf } from './dom.ts';

export interface TableOptions {
  statusOf: (entry: ContainerEntry) => ContainerStatus;
  selected: string | null;
  updated: ReadonlySet<string>;
  onSelect: (code: string) => void;
}

const statusOrder: Record<ContainerStatus, number> = {
  excursion: 0,
  offline: 1,
  'in-range': 2,
  'no-data': 3,
  unregistered: 4,
};

/** Time in range over the time there is data for, and how much of the window that is, beside it. */
export function timeInRangeCell(entry: ContainerEntry): HTMLTableCellElement {
  const compliance = entry.compliance;
  const cell = el('td', {
    className: 'num figure',
    dataset: { label: 'Time in range (24 h)', figure: 'time-in-range' },
  });
  if (!compliance) {
    cell.append('—');
    return cell;
  }
  const coverage = coverageOf(compliance);
  if (coverage.inRangeOfCoveredPct === null) {
    cell.classList.add('no-data');
    cell.title = 'No readings in the window: unknown, not compliant';
    cell.append('— no data');
    return cell;
  }
  const partial = coverage.coveragePct < 90;
  cell.title =
    `In range for ${formatPercent(coverage.inRangeOfCoveredPct)} of the ${duration(coverage.coveredMinutes)} with data; ` +
    `${duration(coverage.windowMinutes - coverage.coveredMinutes)} of the window has no data (unknown, not compliant). ` +
    `${formatPercent(compliance.inRangePct)} of ${compliance.readings} readings in range.`;
  cell.append(
    el('span', { className: 'headline' }, formatPercent(coverage.inRangeOfCoveredPct)),
    el(
      'small',
      { className: `coverage${partial ? ' partial' : ''}`, dataset: { figure: 'coverage' } },
      `of ${duration(coverage.coveredMinutes)} with data (${formatPercent(coverage.coveragePct)} covered)`,
    ),
  );
  return cell;
}

function profileRange(entry: ContainerEntry): string {
  const profile = entry.container.storageProfile;
  if (!profile) return '—';
  const min = profile.minTempC === null ? '' : `${profile.minTempC}`;
  const max = profile.maxTempC === null ? '' : `${profile.maxTempC}`;
  return `${profile.name} (${min || '≤ '}${min && max ? '…' : ''}${max} °C)`;
}

export function renderContainerTable(
  body: HTMLTableSectionElement,
  entries: readonly ContainerEntry[],
  options: TableOptions,
): void {
  const rows = [...entries]
    .map((entry) => ({ entry, status: options.statusOf(entry) }))
    .sort(
      (a, b) =>
        statusOrder[a.status] - statusOrder[b.status] || a.entry.container.code.localeCompare(b.entry.container.code),
    )
    .map(({ entry, status }) => containerRow(entry, status, options));
  body.replaceChildren(...rows);
}

function containerRow(entry: ContainerEntry, status: ContainerStatus, options: TableOptions): HTMLTableRowElement {
  const { container, live, compliance } = entry;
  const offline = status === 'offline';
  const code = container.code;
  const row = el(
    'tr',
    {
      dataset: { code, status },
      className: [offline && 'offline', options.updated.has(code) && 'updated', options.selected === code && 'selected']
        .filter(Boolean)
        .join(' '),
      tabIndex: 0,
      'aria-selected': options.selected === code ? 'true' : 'false',
    },
    el(
      'th',
      { scope: 'row', dataset: { label: 'Container' } },
      el('span', { className: 'status-dot', dataset: { status }, title: statusLabels[status] }),
      el('span', { className: 'code' }, code),
      status === 'in-range'
        ? null
        : el('span', { className: 'status-label', dataset: { status } }, statusLabels[status]),
      container.label ? el('small', { className: 'label' }, container.label) : null,
    ),
    el('td', { dataset: { label: 'Site' } }, container.site?.name ?? '—'),
    el('td', { dataset: { label: 'Profile' } }, profileRange(entry)),
    el(
      'td',
      {
        className: `num${outOfRange(live?.temperatureC, container.storageProfile) ? ' out' : ''}`,
        dataset: { label: 'Temp' },
      },
      formatNumber(live?.temperatureC, 1, ' °C'),
      live?.humidityPct === null || live?.humidityPct === undefined
        ? null
        : el('small', {}, formatNumber(live.humidityPct, 0, ' % RH')),
    ),
    el(
      'td',
      { dataset: { label: 'Last reading' } },
      live?.at ? timeOf(live.at, offline ? 'last ' : '') : 'no reading yet',
    ),
    timeInRangeCell(entry),
    el(
      'td',
      { className: 'num', dataset: { label: 'Excursion', figure: 'excursion-minutes' } },
      compliance ? duration(compliance.excursionMinutes) : '—',
    ),
    el('td', { className: 'num', dataset: { label: 'MKT' } }, formatNumber(compliance?.mktC, 2, ' °C')),
  );
  row.addEventListener('click', () => options.onSelect(code));
  row.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') options.onSelect(code);
  });
  return row;
}

/** Codes that sent readings but that core does not know: kept, shown, never auto-created. */
export function renderUnregistered(list: HTMLElement, ingest: Ingest | null): void {
  const codes = ingest?.unregisteredCodes ?? [];
  list.replaceChildren(
    ...codes.map((code) =>
      el(
        'li',
        { dataset: { code: code.code } },
        el('span', { className: 'status-dot', dataset: { status: 'unregistered' } }),
        el('span', { className: 'code' }, code.code),
        ` ${code.entityType.toLowerCase()} · ${code.readings} readings · last `,
        timeOf(code.lastSeenAt),
      ),
    ),
  );
  list.closest('section')?.toggleAttribute('hidden', codes.length === 0);
}
