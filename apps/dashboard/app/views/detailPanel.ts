import type uPlot from 'uplot';
import { request } from '../api/request.ts';
import { drawTemperatureChart } from '../chart/temperatureChart.ts';
import { coverageOf } from '../model/coverage.ts';
import { duration, formatNumber, formatPercent } from '../model/format.ts';
import { ContainerDetailQuery, SampleExposureQuery } from '../operations.ts';
import { el, timeOf } from './dom.ts';

const windowMs = 24 * 60 * 60 * 1000;
let chart: uPlot | undefined;

function figure(label: string, value: string, title?: string): HTMLElement {
  return el('div', { className: 'figure-box', title }, el('dt', {}, label), el('dd', {}, value));
}

/** A container's last 24 h: the temperature chart with its band and excursions, the figures, and its samples. */
export async function showContainerDetail(panel: HTMLElement, code: string): Promise<void> {
  const since = new Date(Date.now() - windowMs).toISOString();
  panel.hidden = false;
  panel.dataset.code = code;
  const body = panel.querySelector<HTMLElement>('.detail-body')!;
  const title = panel.querySelector<HTMLElement>('.detail-title')!;
  title.textContent = code;
  body.replaceChildren(el('p', { className: 'empty' }, 'Loading…'));
  const { data, errors } = await request(ContainerDetailQuery, { code, since });
  if (panel.dataset.code !== code) return;
  const container = data?.container;
  if (!container) {
    body.replaceChildren(el('p', { className: 'empty' }, errors.length ? errors[0]!.message : `${code} is not known.`));
    return;
  }
  const { compliance, storageProfile: profile } = container;
  title.textContent = `${container.code}${container.label ? ` · ${container.label}` : ''}`;
  const coverage = coverageOf(compliance);
  const chartBox = el('div', { className: 'chart', role: 'img', 'aria-label': `Temperature of ${code} over 24 h` });
  const samples = el('ul', { className: 'samples' });
  const exposure = el('div', { className: 'exposure' });
  for (const sample of container.samples) {
    samples.append(
      el(
        'li',
        {},
        el(
          'button',
          {
            type: 'button',
            className: 'link',
            dataset: { sample: sample.code },
            onclick: () => void showExposure(exposure, sample.code),
          },
          sample.code,
        ),
        ` ${sample.name} (${sample.kind.toLowerCase()})`,
      ),
    );
  }
  body.replaceChildren(
    el(
      'p',
      { className: 'detail-sub' },
      `${container.site?.name ?? 'no site'} · ${profile?.name ?? 'no storage profile'}`,
      profile ? ` (${formatNumber(profile.minTempC, 0, '')} … ${formatNumber(profile.maxTempC, 0, ' °C')})` : '',
    ),
    chartBox,
    el(
      'p',
      { className: 'chart-key' },
      el('span', { className: 'key band' }),
      ' storage range ',
      el('span', { className: 'key excursion' }),
      ' excursion ',
      el('span', { className: 'key line' }),
      ' temperature',
    ),
    el(
      'dl',
      { className: 'figures' },
      figure(
        'Time in range',
        coverage.inRangeOfCoveredPct === null ? 'no data' : formatPercent(coverage.inRangeOfCoveredPct),
        'Of the time with data',
      ),
      figure('Covered', `${duration(coverage.coveredMinutes)} (${formatPercent(coverage.coveragePct)})`),
      figure('Readings in range', `${formatPercent(compliance.inRangePct)} of ${compliance.readings}`),
      figure('Excursions', `${compliance.excursionCount} · ${duration(compliance.excursionMinutes)}`),
      figure('Budget left', duration(compliance.budgetRemainingMinutes)),
      figure(
        'MKT',
        compliance.mktC === null ? 'n/a' : formatNumber(compliance.mktC, 2, ' °C'),
        compliance.mktUnavailableReason ?? 'Mean Kinetic Temperature over the window',
      ),
      figure(
        'Min / mean / max',
        `${formatNumber(compliance.minC, 1, '')} / ${formatNumber(compliance.meanC, 1, '')} / ${formatNumber(compliance.maxC, 1, ' °C')}`,
      ),
    ),
    el('h3', {}, 'Samples ', el('small', {}, 'exposure across every container that held them')),
    container.samples.length ? samples : el('p', { className: 'empty' }, 'No samples in this container.'),
    exposure,
  );
  chart?.destroy();
  chart = undefined;
  if (compliance.readings === 0 || container.readings.length === 0) {
    chartBox.append(el('p', { className: 'empty' }, 'No readings in the last 24 h.'));
    return;
  }
  chart = drawTemperatureChart(chartBox, {
    since: compliance.since,
    until: compliance.until,
    readings: container.readings,
    minTempC: profile?.minTempC ?? null,
    maxTempC: profile?.maxTempC ?? null,
    excursions: compliance.excursions,
    staleAfterSeconds: profile?.staleAfterSeconds ?? 900,
  });
  chartBox.dataset.drawn = 'true';
}

export function resizeDetailChart(panel: HTMLElement): void {
  const box = panel.querySelector<HTMLElement>('.chart');
  if (chart && box) chart.setSize({ width: Math.max(280, box.clientWidth), height: 220 });
}

/** A sample's exposure: the thermal history it inherits from each container that held it, hop by hop. */
async function showExposure(box: HTMLElement, code: string): Promise<void> {
  const since = new Date(Date.now() - windowMs).toISOString();
  box.replaceChildren(el('p', { className: 'empty' }, 'Loading…'));
  const { data, errors } = await request(SampleExposureQuery, { code, since });
  const sample = data?.sample;
  const exposure = sample?.exposure;
  if (!sample || !exposure) {
    box.replaceChildren(
      el('p', { className: 'empty' }, errors[0]?.message ?? `${code} has no storage profile: no exposure.`),
    );
    return;
  }
  box.dataset.sample = code;
  box.replaceChildren(
    el(
      'h4',
      {},
      `${sample.code} · ${sample.name} `,
      el(
        'span',
        { className: `risk ${exposure.atRisk ? 'at-risk' : 'ok'}` },
        exposure.atRisk ? 'at risk' : 'within limits',
      ),
    ),
    el(
      'p',
      {},
      `${exposure.profileName}: ${duration(exposure.excursionMinutes)} out of range in ${exposure.excursionCount} excursions, ` +
        `${duration(exposure.budgetRemainingMinutes)} of budget left, MKT ${formatNumber(exposure.mktC, 2, ' °C')}, ` +
        `${duration(exposure.unknownMinutes)} without data.`,
    ),
    el(
      'ol',
      { className: 'hops' },
      exposure.hops.map((hop) =>
        el(
          'li',
          { dataset: { container: hop.containerCode } },
          el('strong', {}, hop.containerCode),
          ' ',
          timeOf(hop.from, 'from '),
          ' ',
          timeOf(hop.to, 'to '),
          el(
            'small',
            {},
            ` · ${hop.readings} readings · ${formatPercent(hop.timeInRangePct)} of the hop in range · ${duration(hop.excursionMinutes)} excursion`,
          ),
        ),
      ),
    ),
  );
}
