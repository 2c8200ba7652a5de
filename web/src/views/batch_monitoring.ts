/// Batch screen, Monitoring panel: the engine's PSI of the score and of every feature against
/// the bundle's drift reference (training sample), and for the selected feature the reference
/// vs batch shares per bin.
import { fmt, h, int, pct } from '../dom';
import type { BundleInfo } from '../types';
import type { MonitorReport } from '../review_types';
import { drawPsiBins } from '../charts/psi_bins';
import { dataTable, valueCell } from './evidence';

function describe(info: BundleInfo, name: string): string {
  const d = info.features.find((f) => f.name === name)?.description;
  return d ? `${d} (${name})` : name;
}

export function renderMonitoring(el: HTMLElement, info: BundleInfo, m: MonitorReport): void {
  el.replaceChildren(h('h2', { text: 'Monitoring: drift against the training sample' }));
  el.hidden = false;
  if (m.error) {
    el.append(h('p', { class: 'error-text', text: m.error }));
    return;
  }
  el.dataset.scorePsi = String(m.score.psi);
  const names = Object.keys(m.features).sort((a, b) => m.features[b].psi - m.features[a].psi || a.localeCompare(b));
  const canvas = h('canvas', { role: 'img', 'aria-label': 'Reference vs batch shares per bin' });
  const select = h('select', { id: 'monitor-feature', 'data-testid': 'monitor-feature' },
    h('option', { value: '__score__', text: 'Score (PD)' }), ...names.map((n) => h('option', { value: n, text: describe(info, n) })));
  const draw = () => {
    const v = select.value;
    if (v === '__score__') drawPsiBins(canvas, `Score (PD): PSI ${fmt(m.score.psi, 4)}, ${m.score.verdict}`, m.score.bins);
    else drawPsiBins(canvas, `${describe(info, v)}: PSI ${fmt(m.features[v].psi, 4)}, ${m.features[v].verdict}`, m.features[v].bins);
  };
  const verdict = (v: string) => h('span', { class: `chip psi-${v.replace(/ /g, '-')}`, text: v });
  const rows = names.map((n) => {
    const f = m.features[n];
    const label = h('button', { type: 'button', class: 'linklike', text: describe(info, n) });
    label.addEventListener('click', () => {
      select.value = n;
      draw();
    });
    return [label, valueCell(f.psi, fmt(f.psi, 4), 'psi'), verdict(f.verdict), `${pct(f.missing_rate, 1)} (${pct(f.missing_rate_reference, 1)})`, pct(f.out_of_range_rate, 1)];
  });
  el.append(
    h('p', { 'data-testid': 'monitor-score' }, h('strong', { text: `Score PSI ${fmt(m.score.psi, 4)}: ` }), verdict(m.score.verdict),
      h('span', { class: 'small muted', text: ` · ${int(m.rows)} rows vs the ${m.reference_sample} (${int(m.reference_rows)} rows). PSI = Σ (A − E) ln(A / E); ${m.psi_floor_note}. Below 0.10 stable, 0.10–0.25 investigate, above 0.25 significant shift.` })),
    dataTable('monitor-features', ['Feature', 'PSI', 'Verdict', 'Missing (training)', 'Outside training range'], rows),
    h('p', {}, h('label', { for: 'monitor-feature', class: 'small', text: 'Histogram of reference vs this file: ' }), select),
    h('div', { class: 'chart', 'data-testid': 'monitor-chart' }, canvas),
  );
  if (m.performance) {
    const p = m.performance;
    el.append(h('h3', { text: 'Performance on this file vs validation' }),
      dataTable('monitor-performance', ['', 'This file', 'Validation (bundle)'], [
        ['AUC', valueCell(p.auc, fmt(p.auc, 4), 'auc'), fmt(p.auc_validation, 4)],
        ['KS', valueCell(p.ks, fmt(p.ks, 4), 'ks'), fmt(p.ks_validation, 4)],
        ['Bad rate', pct(p.bad_rate, 1), pct(p.bad_rate_validation, 1)],
        ...p.band_table.map((b) => [`Bad rate, ${b.band}`, pct(b.bad_rate, 1), pct(b.bad_rate_validation, 1)]),
      ]));
  }
  select.addEventListener('change', draw);
  select.value = names[0] ?? '__score__';
  draw();
}
