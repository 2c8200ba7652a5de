/// SHAP summary plot: one row per feature, each dot one record at its contribution (x), coloured
/// by the value's rank within the feature (numeric: blue lowest -> red highest) or by level
/// (categorical: one colour per level, legend of levels below the chart); see shap_colors.ts.
import type { TooltipItem } from 'chart.js';
import { axis, colors, renderChart } from './register';
import { levelPalette } from './shap_colors';

export interface SummaryPoint {
  shap: number;
  /// Numeric: the value's rank in [0, 1] within the plotted rows (NaN: missing, drawn grey).
  level: number;
  /// Categorical: index into the feature's legend levels (-1: missing, grey).
  category?: number;
  text: string;
}

function mix(t: number): string {
  // blue (#2f6fd6) -> purple -> red (#d43d51)
  const a = [47, 111, 214];
  const b = [212, 61, 81];
  const c = a.map((x, i) => Math.round(x + (b[i] - x) * t));
  return `rgba(${c[0]},${c[1]},${c[2]},0.7)`;
}

/// Deterministic jitter in [-0.3, 0.3] so the plot does not change between renders.
function jitter(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return (x - Math.floor(x) - 0.5) * 0.6;
}

export function drawShapSummary(
  canvas: HTMLCanvasElement,
  features: { name: string; label?: string; points: SummaryPoint[]; levels?: string[] }[],
  xTitle = 'SHAP value (contribution to log-odds of default)',
): void {
  const colour = (p: SummaryPoint) =>
    p.category !== undefined
      ? p.category >= 0 ? `${levelPalette[p.category % levelPalette.length]}bb` : 'rgba(138,148,166,0.6)'
      : Number.isFinite(p.level) ? mix(p.level) : 'rgba(138,148,166,0.6)';
  renderLegend(canvas, features);
  const n = features.length;
  const datasets = features.map((f, fi) => ({
    label: f.name,
    data: f.points.map((p, i) => ({ x: p.shap, y: n - 1 - fi + jitter(i + fi * 7919), text: p.text })),
    backgroundColor: f.points.map(colour),
    pointRadius: 2.2,
    pointHoverRadius: 4,
    borderWidth: 0,
  }));
  renderChart(canvas, {
    type: 'scatter',
    data: { datasets },
    options: {
      plugins: {
        title: { display: true, text: 'SHAP summary: numeric colour = rank of the value within the feature (blue lowest → red highest); categorical: one colour per level (legend below)' },
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'scatter'>) => {
              const raw = item.raw as { x: number; text: string };
              return `${item.dataset.label}: ${raw.text} → ${raw.x >= 0 ? '+' : ''}${raw.x.toFixed(4)}`;
            },
          },
        },
      },
      scales: {
        x: axis(xTitle),
        y: {
          min: -0.6,
          max: n - 0.4,
          grid: { color: colors.grid },
          afterBuildTicks: (scale) => {
            scale.ticks = features.map((_, i) => ({ value: i }));
          },
          ticks: { autoSkip: false, callback: (v: string | number) => { const f = features[n - 1 - Number(v)]; return f ? f.label ?? f.name : ''; } },
        },
      },
    },
  });
}

/// The legend of levels of the categorical features, in an element after the chart's card.
function renderLegend(canvas: HTMLCanvasElement, features: { name: string; label?: string; levels?: string[] }[]): void {
  const card = canvas.parentElement;
  if (!card) return;
  let legend = card.nextElementSibling as HTMLElement | null;
  if (!legend || legend.dataset.testid !== 'shap-summary-legend') {
    legend = document.createElement('div');
    legend.className = 'card small shap-legend';
    legend.dataset.testid = 'shap-summary-legend';
    card.after(legend);
  }
  legend.replaceChildren();
  const cats = features.filter((f) => f.levels && f.levels.length > 0);
  legend.hidden = cats.length === 0;
  for (const f of cats) {
    const row = document.createElement('div');
    const name = document.createElement('strong');
    name.textContent = `${f.label ?? f.name}: `;
    row.append(name);
    f.levels!.forEach((lv, i) => {
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = levelPalette[i % levelPalette.length];
      const t = document.createElement('span');
      t.textContent = ` ${lv}  `;
      row.append(sw, t);
    });
    legend.append(row);
  }
}

/// Hides the legend of levels (when the summary plot is cleared or hidden).
export function clearShapLegend(canvas: HTMLCanvasElement): void {
  const legend = canvas.parentElement?.nextElementSibling as HTMLElement | null | undefined;
  if (legend?.dataset.testid === 'shap-summary-legend') legend.hidden = true;
}
