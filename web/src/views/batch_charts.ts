/// The Batch screen's charts: PD histogram, decisions per band, mean |SHAP| per feature (the
/// engine's, from the batch summary) and the SHAP summary plot on a deterministic sample.
import type { LoadedBundle } from '../state';
import type { BatchResult } from '../batch/result';
import { h } from '../dom';
import { drawBands } from '../charts/bands';
import { drawHistogram } from '../charts/histogram';
import { drawRanking } from '../charts/ranking';
import { drawShapSummary } from '../charts/shap_summary';
import { summaryPoints } from '../charts/shap_colors';
import { destroyChart } from '../charts/register';
import { histogramCounts, pdAxisMax } from '../batch/stats';
import type { LineReader } from './batch_lines';
import { marginUnit } from '../explain';

const kMaxSummaryPoints = 1500;

export class BatchCharts {
  private readonly canvases = {
    pd: h('canvas', { role: 'img', 'aria-label': 'Histogram of predicted PD' }),
    bands: h('canvas', { role: 'img', 'aria-label': 'Counts per decision' }),
    shap: h('canvas', { role: 'img', 'aria-label': 'Mean absolute SHAP per feature' }),
    summary: h('canvas', { role: 'img', 'aria-label': 'SHAP summary plot' }),
  };
  readonly el = h('div', { class: 'chart-grid two', hidden: true },
    h('div', { class: 'card chart', 'data-testid': 'batch-pd-chart' }, this.canvases.pd),
    h('div', { class: 'card chart', 'data-testid': 'batch-band-chart' }, this.canvases.bands),
    h('div', { class: 'card chart tall', 'data-testid': 'batch-shap-chart' }, this.canvases.shap),
    h('div', { class: 'card chart tall', 'data-testid': 'batch-summary-chart' }, this.canvases.summary),
  );

  reset(): void {
    this.el.hidden = true;
    for (const c of Object.values(this.canvases)) destroyChart(c);
  }

  /// Draws the charts from the compact columns (PD histogram, band counts) and a sample of rows
  /// read from the lines (SHAP summary); resolves when they are drawn.
  async show(r: BatchResult<Blob>, b: LoadedBundle, reader: LineReader): Promise<void> {
    const n = r.store.length;
    if (n === 0) return;
    this.el.hidden = false;
    const pdColumn = r.store.numeric.get('pd');
    const pds = pdColumn ? pdColumn.toArray() : new Float64Array(0);
    const hi = pdAxisMax(pds);
    drawHistogram(this.canvases.pd, { title: 'Predicted probability of default', xTitle: 'PD bin', counts: histogramCounts(pds, 20, 0, hi), lo: 0, hi, asPercent: true });
    const c = r.store.bandCounts();
    drawBands(this.canvases.bands, { counts: { approve: c.approve ?? 0, review: c.review ?? 0, decline: c.decline ?? 0 } });
    await this.showShap(r, b, reader);
  }

  private async showShap(r: BatchResult<Blob>, b: LoadedBundle, reader: LineReader): Promise<void> {
    const mean = r.summary.mean_abs_shap;
    const shapBox = this.canvases.shap.parentElement!;
    const summaryBox = this.canvases.summary.parentElement!;
    if (!mean || Object.keys(mean).length === 0) {
      destroyChart(this.canvases.shap);
      destroyChart(this.canvases.summary);
      shapBox.hidden = true;
      summaryBox.hidden = true;
      return;
    }
    shapBox.hidden = false;
    summaryBox.hidden = false;
    const byName = new Map(b.info.features.map((f) => [f.name, f]));
    const ranked = Object.entries(mean).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
    const unit = marginUnit(b.info);
    drawRanking(this.canvases.shap, { title: 'Mean |SHAP| per feature in this batch', xTitle: `Mean |contribution| (${unit})`, items: ranked.slice(0, 15).map(([label, value]) => ({ label, value })) });
    // SHAP summary on a deterministic sample (every k-th row) of the top 10 features.
    const n = r.store.length;
    const step = Math.max(1, Math.ceil(n / kMaxSummaryPoints));
    const indices: number[] = [];
    for (let i = 0; i < n; i += step) indices.push(i);
    const sample = await reader.rows(indices);
    const series = ranked.slice(0, 10).flatMap(([name]) => {
      const f = byName.get(name);
      const shap = r.header.indexOf(`shap_${name}`);
      const value = r.header.indexOf(name);
      if (!f || shap < 0) return [];
      // Numeric values coloured by rank within the feature, categorical ones by level.
      const cells = sample.map((x) => x[value] ?? '');
      const { points, levels } = summaryPoints(f.type, cells, sample.map((x) => Number(x[shap])), f.categories ?? []);
      return [{ name, label: f.description || name, points, levels }];
    });
    drawShapSummary(this.canvases.summary, series, `SHAP value (contribution to the ${unit})`);
  }
}

