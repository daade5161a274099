import uPlot from 'uplot';

export interface ChartInput {
  since: string;
  until: string;
  readings: readonly { at: string; temperatureC: number | null }[];
  /** The storage profile's band; either side may be open (cryogenic has no minimum). */
  minTempC: number | null;
  maxTempC: number | null;
  excursions: readonly { startedAt: string; endedAt: string | null; metric: string }[];
  /** A silence longer than this breaks the line instead of drawing across it. */
  staleAfterSeconds: number;
}

const bandFill = 'rgba(31, 157, 85, 0.12)';
const bandEdge = 'rgba(31, 157, 85, 0.55)';
const excursionFill = 'rgba(214, 69, 69, 0.16)';

/** The x values (epoch seconds) and temperatures, with a null where the sensor was silent too long. */
export function chartSeries(input: ChartInput): [number[], (number | null)[]] {
  const xs: number[] = [];
  const ys: (number | null)[] = [];
  let previous: number | null = null;
  for (const reading of input.readings) {
    const at = Date.parse(reading.at) / 1000;
    if (previous !== null && at - previous > input.staleAfterSeconds) {
      xs.push((previous + at) / 2);
      ys.push(null);
    }
    xs.push(at);
    ys.push(reading.temperatureC);
    previous = at;
  }
  return [xs, ys];
}

/**
 * A container's temperature over the window with the storage profile's band shaded green and every temperature
 * excursion shaded red, drawn by uPlot into `element` (which it fills); returns the chart to destroy later.
 */
export function drawTemperatureChart(element: HTMLElement, input: ChartInput): uPlot {
  const [xs, ys] = chartSeries(input);
  const values = ys.filter((value): value is number => value !== null);
  const limits = [input.minTempC, input.maxTempC].filter((value): value is number => value !== null);
  const low = Math.min(...values, ...limits);
  const high = Math.max(...values, ...limits);
  const pad = Math.max(1, (high - low) * 0.08);
  const options: uPlot.Options = {
    width: Math.max(280, element.clientWidth),
    height: 220,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true, min: Date.parse(input.since) / 1000, max: Date.parse(input.until) / 1000 },
      y: { range: () => [Number.isFinite(low) ? low - pad : 0, Number.isFinite(high) ? high + pad : 10] },
    },
    axes: [{}, { label: '°C', size: 48 }],
    series: [{}, { label: 'Temperature', stroke: '#1d4ed8', width: 1.5, spanGaps: false, points: { show: false } }],
    hooks: {
      drawClear: [
        (chart) => {
          const { ctx, bbox } = chart;
          ctx.save();
          const top = input.maxTempC === null ? bbox.top : chart.valToPos(input.maxTempC, 'y', true);
          const bottom = input.minTempC === null ? bbox.top + bbox.height : chart.valToPos(input.minTempC, 'y', true);
          ctx.fillStyle = bandFill;
          ctx.fillRect(bbox.left, top, bbox.width, bottom - top);
          ctx.strokeStyle = bandEdge;
          ctx.setLineDash([4, 4]);
          ctx.lineWidth = 1;
          for (const edge of [input.maxTempC, input.minTempC]) {
            if (edge === null) continue;
            const y = chart.valToPos(edge, 'y', true);
            ctx.beginPath();
            ctx.moveTo(bbox.left, y);
            ctx.lineTo(bbox.left + bbox.width, y);
            ctx.stroke();
          }
          ctx.fillStyle = excursionFill;
          for (const excursion of input.excursions) {
            if (excursion.metric !== 'TEMPERATURE') continue;
            const from = chart.valToPos(Date.parse(excursion.startedAt) / 1000, 'x', true);
            const to = chart.valToPos(Date.parse(excursion.endedAt ?? input.until) / 1000, 'x', true);
            const left = Math.max(bbox.left, from);
            const right = Math.min(bbox.left + bbox.width, Math.max(to, from + 2));
            if (right > left) ctx.fillRect(left, bbox.top, right - left, bbox.height);
          }
          ctx.restore();
        },
      ],
    },
  };
  element.replaceChildren();
  return new uPlot(options, [xs, ys], element);
}
