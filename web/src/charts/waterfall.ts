/// Points waterfall: base points -> one step per feature (points gained or lost) -> the score.
/// Labels wrap onto several lines (never cut); the tooltip shows the full label and the points.
import type { TooltipItem } from 'chart.js';
import { axis, colors, renderChart } from './register';
import { wrapLabel, type PointsWaterfall } from '../decision/waterfall_steps';

export interface WaterfallOptions {
  waterfall: PointsWaterfall;
  /// Characters per label line.
  labelWidth?: number;
}

const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)}`;

export function drawWaterfall(canvas: HTMLCanvasElement, o: WaterfallOptions): void {
  const w = o.waterfall;
  const width = o.labelWidth ?? 30;
  const full = ['Base points', ...w.steps.map((s) => s.label), 'Score'];
  const labels = full.map((l) => wrapLabel(l, width));
  const data: [number, number][] = [[0, w.basePoints], ...w.steps.map((s): [number, number] => [s.from, s.to]), [0, w.points]];
  const fill = [colors.neutral, ...w.steps.map((s) => (s.points >= 0 ? colors.safe : colors.risk)), colors.ink];
  const values = [w.basePoints, ...w.steps.map((s) => s.points), w.points];
  const lo = Math.min(...data.map((d) => Math.min(d[0], d[1])).filter((x) => x > 0));
  renderChart(canvas, {
    type: 'bar',
    data: { labels, datasets: [{ label: 'Points', data, backgroundColor: fill, borderWidth: 0, barPercentage: 0.8, categoryPercentage: 0.9 }] },
    options: {
      indexAxis: 'y',
      plugins: {
        title: { display: true, text: 'How the score was built — points by feature' },
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items: TooltipItem<'bar'>[]) => full[items[0]?.dataIndex ?? 0],
            label: (item: TooltipItem<'bar'>) => {
              const i = item.dataIndex;
              if (i === 0) return `${values[i].toFixed(1)} points to start from`;
              if (i === values.length - 1) return `score ${values[i].toFixed(1)} points`;
              return `${signed(values[i])} points (${values[i] >= 0 ? 'lowers' : 'raises'} the risk)`;
            },
          },
        },
      },
      scales: {
        x: axis('Points (blue: gained, lower risk; red: lost)', { min: Math.floor((Number.isFinite(lo) ? lo : 0) * 0.9 / 10) * 10 }),
        y: { grid: { display: false }, ticks: { autoSkip: false, font: { size: 11 } } },
      },
    },
  });
}
