/// Model screen (controller and its DOM): everything shown is read from the loaded bundle
/// (validation metrics and curves, importance, training summary, parameters, content hash). The
/// pure parts (what each card and chart shows, as text and arrays) are in web/src/model/.
import type { AppState, LoadedBundle } from '../state';
import type { BundleInfo, ValidationMetrics } from '../types';
import { clear, h, int } from '../dom';
import { drawRoc } from '../charts/roc';
import { drawKs } from '../charts/ks';
import { drawCalibration } from '../charts/calibration';
import { drawDistribution } from '../charts/distribution';
import { drawRanking } from '../charts/ranking';
import { calibration, explainMethod, marginScale } from '../explain';
import { calibrationChart, distributionChart, validationCurves, type RocChart, type ThresholdCurve } from '../model/curves';
import { confusionAt, confusionStatsText, rocMarker, thresholdText } from '../model/confusion';
import { calibrationRows, calibrationText, headlineMetrics, headlineText, marginScaleText, validationMetrics, type MetricCard } from '../model/headline';
import { importanceChart } from '../model/importance';
import { featureTable, parameterPairs, provenancePairs, trainingPairs, type PairValue } from '../model/provenance';
import { num } from '../model/values';
import { modelEvidence } from './model_evidence';

function kv(pairs: [string, PairValue][]): HTMLElement {
  const dl = h('dl', { class: 'kv' });
  for (const [k, v] of pairs) dl.append(h('dt', { text: k }), h('dd', {}, typeof v === 'string' ? v : h('code', { class: 'hash', 'data-testid': v.testid, text: v.code })));
  return dl;
}

function dataTable(className: string, header: string[], body: HTMLElement): HTMLElement {
  return h('div', { class: 'table-wrap' },
    h('table', { class: className },
      h('thead', {}, h('tr', {}, ...header.map((x) => h('th', { scope: 'col', text: x })))),
      body,
    ),
  );
}

function metricCard(m: MetricCard): HTMLElement {
  return h('div', { class: 'metric' }, h('div', { class: 'metric-value', text: m.value }), h('div', { class: 'metric-label', text: m.label }), m.note ? h('div', { class: 'metric-note', text: m.note }) : null);
}

/// Headline metrics, the explanation method and the margin scale.
function headlineCard(b: LoadedBundle, v: ValidationMetrics, before: ValidationMetrics | undefined): HTMLElement {
  const info = b.info;
  const method = explainMethod(info);
  return h('div', { class: 'card', 'data-testid': 'model-metrics' },
    h('div', { class: 'card-head' },
      h('h2', { text: `${b.source}` }),
      h('p', { class: 'muted small', text: headlineText(info, v) }),
      h('p', { class: 'small', 'data-testid': 'model-explain-method', 'data-method': info.explain?.method ?? '', 'data-exact': String(method.exact) },
        h('strong', { text: `Explanations: ${method.name}. ` }),
        h('span', { class: 'muted', text: method.detail }),
      ),
      h('p', { class: 'small muted', 'data-testid': 'model-margin-scale', 'data-scale': marginScale(info), text: marginScaleText(info) }),
    ),
    h('div', { class: 'metrics' }, ...headlineMetrics(v, before).map(metricCard)),
  );
}

/// The calibration step and what it changed on the validation set (before / after).
function calibrationCard(info: BundleInfo, after: ValidationMetrics, before: ValidationMetrics | undefined): HTMLElement {
  const body = h('tbody');
  for (const r of calibrationRows(after, before)) {
    body.append(h('tr', { 'data-metric': String(r.key) },
      h('th', { scope: 'row', text: r.label }),
      h('td', { class: 'num', 'data-before': r.before === undefined ? '' : String(r.before), text: r.beforeText }),
      h('td', { class: 'num', 'data-after': r.after === undefined ? '' : String(r.after), text: r.afterText }),
      h('td', { class: 'num', text: r.changeText }),
    ));
  }
  return h('div', { class: 'card', 'data-testid': 'model-calibration-step', 'data-kind': calibration(info)?.kind ?? 'none' },
    h('h3', { text: 'Calibration' }),
    h('p', { class: 'small', text: `${calibrationText(info)}. Fitted on the validation rows' margins; the after-calibration figures are cross-fitted (5 folds), never on the rows a calibrator was fitted on.` }),
    before
      ? dataTable('data compact', ['Validation metric', 'Before calibration', 'After calibration', 'Change'], body)
      : h('p', { class: 'muted small', text: 'This bundle has no before-calibration metrics (metrics.validation_uncalibrated).' }),
  );
}

/// The confusion matrix at the slider's threshold; each move also moves the marker on the ROC chart
/// (`roc`, when the ROC chart is drawn).
function confusionCard(curve: ThresholdCurve, nPos: number, nRows: number, decline: number, roc: { canvas: HTMLCanvasElement; chart: RocChart } | null): HTMLElement {
  const slider = h('input', { type: 'range', min: 0, max: 1, step: curve.step ?? 0.005, id: 'cm-threshold', 'data-testid': 'threshold-slider' });
  const thrLabel = h('output', { for: 'cm-threshold', class: 'strong' });
  const matrix = h('div', { class: 'confusion' });
  const stats = h('div', { class: 'muted small' });
  const cell = (label: string, n: number, cls: string) => h('div', { class: `cm-cell ${cls}` }, h('div', { class: 'cm-n', text: int(n) }), h('div', { class: 'cm-l', text: label }));
  const update = () => {
    const t = Number(slider.value);
    const c = confusionAt(curve, nPos, nRows, t);
    thrLabel.textContent = thresholdText(t);
    matrix.replaceChildren(
      h('div', { class: 'cm-corner' }),
      h('div', { class: 'cm-head', text: 'Predicted default' }),
      h('div', { class: 'cm-head', text: 'Predicted good' }),
      h('div', { class: 'cm-side', text: 'Actual default' }),
      cell('true positive', c.tp, 'good'),
      cell('false negative', c.fn, 'bad'),
      h('div', { class: 'cm-side', text: 'Actual good' }),
      cell('false positive', c.fp, 'bad'),
      cell('true negative', c.tn, 'good'),
    );
    stats.textContent = confusionStatsText(c, curve, nPos, nRows);
    if (roc) drawRoc(roc.canvas, roc.chart.fpr, roc.chart.tpr, roc.chart.auc, rocMarker(c, curve));
  };
  slider.value = String(decline);
  slider.addEventListener('input', update);
  const card = h('div', { class: 'card', 'data-testid': 'model-confusion' },
    h('h3', { text: 'Confusion matrix at a PD threshold (validation set)' }),
    h('div', { class: 'slider-row' }, h('label', { for: 'cm-threshold', text: 'Decline if PD ≥' }), slider, thrLabel),
    matrix,
    stats,
  );
  update();
  return card;
}

/// The chart grid: ROC, KS, calibration plot, score distribution, the confusion matrix, importance.
/// Appended to `root` first: Chart.js sizes a chart from its canvas's place in the page.
function appendChartGrid(root: HTMLElement, info: BundleInfo, v: ValidationMetrics, before: ValidationMetrics | undefined): void {
  const grid = h('div', { class: 'chart-grid' });
  root.append(grid);
  const chartCard = (testid: string, label: string) => {
    const canvas = h('canvas', { role: 'img', 'aria-label': label });
    grid.append(h('div', { class: 'card chart-card', 'data-testid': testid }, h('div', { class: 'chart' }, canvas)));
    return canvas;
  };
  const curves = validationCurves(v);
  const roc = curves.roc ? { canvas: chartCard('model-roc', 'ROC curve'), chart: curves.roc } : null;
  if (roc) drawRoc(roc.canvas, roc.chart.fpr, roc.chart.tpr, roc.chart.auc);
  const ks = curves.ks;
  if (ks) drawKs(chartCard('model-ks', 'KS curve'), ks.threshold, ks.tpr, ks.fpr, ks.ks, ks.ksThreshold);
  const cal = calibrationChart(v, before);
  if (cal) drawCalibration(chartCard('model-calibration', cal.label), cal.bins, cal.before);
  const sd = distributionChart(v, info.target.positive);
  if (sd) drawDistribution(chartCard('model-distribution', 'Score distribution by class'), sd.edges, sd.positive, sd.negative, sd.positiveLabel, sd.negativeLabel, sd.unit);
  const nRows = num(v.n_rows);
  const nPos = num(v.n_positive);
  if (curves.confusion && nRows !== undefined && nPos !== undefined) grid.append(confusionCard(curves.confusion, nPos, nRows, info.policy?.decline_at ?? 0.3, roc));
  const imp = importanceChart(info);
  if (imp) {
    const canvas = h('canvas', { role: 'img', 'aria-label': 'Global importance' });
    const box = h('div', { class: 'chart' }, canvas);
    box.classList.add(imp.size);
    grid.append(h('div', { class: 'card chart-card', 'data-testid': 'model-importance' }, box));
    drawRanking(canvas, { title: imp.title, xTitle: imp.xTitle, items: imp.items });
  }
}

/// Provenance, training, parameters and the training data summary.
function trainingCards(info: BundleInfo): HTMLElement[] {
  const params = parameterPairs(info);
  const features = featureTable(info);
  const fbody = h('tbody');
  for (const f of features.rows)
    fbody.append(h('tr', {}, h('td', {}, h('code', { text: f.name })), h('td', { text: f.type }), features.withDescriptions ? h('td', { text: f.description }) : null, h('td', { class: 'wrap', text: f.summary }), h('td', { class: 'num', text: f.missing })));
  return [
    h('div', { class: 'two-col' },
      h('div', { class: 'card' }, h('h3', { text: 'Provenance' }), kv(provenancePairs(info, calibrationText(info)))),
      h('div', { class: 'card' },
        h('h3', { text: 'Training' }),
        kv(trainingPairs(info)),
        h('h3', { text: 'Parameters' }),
        params.length ? kv(params) : h('p', { class: 'muted small', text: 'None given: the model family\'s defaults were used.' }),
      ),
    ),
    h('div', { class: 'card' }, h('h3', { text: 'Training data summary' }), dataTable('data', features.header, fbody)),
  ];
}

function render(root: HTMLElement, b: LoadedBundle): void {
  const info = b.info;
  const { after, before } = validationMetrics(info);
  root.append(headlineCard(b, after, before));
  if (calibration(info)) root.append(calibrationCard(info, after, before));
  root.append(...modelEvidence(info));
  appendChartGrid(root, info, after, before);
  root.append(...trainingCards(info));
}

export function mount(el: HTMLElement, state: AppState): void {
  const root = h('div', { class: 'model-view' });
  el.append(root);
  state.onBundle((b) => {
    clear(root);
    if (b) render(root, b);
  });
}
