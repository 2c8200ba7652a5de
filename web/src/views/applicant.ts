/// Applicant screen: a form generated from the bundle schema, the score, the reasons and a SHAP
/// waterfall. In what-if mode every change re-scores at once.
import type { AppState, LoadedBundle } from '../state';
import type { FeatureInfo, ScoreResult } from '../types';
import { bandLabel, clear, h, uid } from '../dom';
import { drawWaterfall } from '../charts/waterfall';
import { destroyChart } from '../charts/register';
import type { RecordValue } from '../engine/protocol';
import { contributionText, explainMethod, marginScale, marginText, marginUnit, pdOfMargin, reasonText } from '../explain';

interface Field {
  feature: FeatureInfo;
  input: HTMLInputElement | HTMLSelectElement;
  flag: HTMLElement;
}

function trimNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

function defaultValue(f: FeatureInfo): string {
  if (f.type === 'numeric') return f.median !== undefined && Number.isFinite(f.median) ? trimNumber(f.median) : '';
  const cats = f.categories ?? [];
  if (f.type === 'boolean') {
    const tokens = cats.length === 2 ? cats : ['false', 'true'];
    return f.median !== undefined && f.median >= 0.5 ? tokens[1] : tokens[0];
  }
  return cats[0] ?? ''; // categories are stored most frequent first
}

export function mount(el: HTMLElement, state: AppState): void {
  const form = h('form', { class: 'card form-card', 'data-testid': 'applicant-form', novalidate: true, 'aria-labelledby': 'applicant-title' });
  const fieldsBox = h('div', { class: 'fields' });
  const whatIf = h('input', { type: 'checkbox', id: 'whatif', checked: true });
  const scoreButton = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'score-button', text: 'Score applicant' });
  const resetButton = h('button', { type: 'button', class: 'button secondary', text: 'Reset to typical values' });
  form.append(
    h('div', { class: 'card-head' },
      h('h2', { id: 'applicant-title', text: 'Applicant' }),
      h('p', { class: 'muted small', text: 'Defaults are typical training values (median or most frequent). Ranges are those seen in training.' }),
    ),
    fieldsBox,
    h('div', { class: 'form-actions' },
      scoreButton,
      resetButton,
      h('label', { class: 'check' }, whatIf, h('span', { text: 'What-if mode: re-score on every change' })),
    ),
  );

  const pdEl = h('div', { class: 'pd', 'data-testid': 'result-pd', 'aria-live': 'polite', text: '—' });
  const deltaEl = h('div', { class: 'delta muted small', text: '' });
  const bandEl = h('div', { class: 'band', 'data-testid': 'result-band', text: '—' });
  const pointsEl = h('div', { class: 'muted small', text: '' });
  const marginEl = h('div', { class: 'muted small', 'data-testid': 'result-margin', text: '' });
  const methodEl = h('p', { class: 'muted small method', 'data-testid': 'explain-method', text: '' });
  const reasonsEl = h('ol', { class: 'reasons', 'data-testid': 'result-reasons' });
  const warningsEl = h('ul', { class: 'warnings' });
  const errorEl = h('div', { class: 'error', role: 'alert', hidden: true });
  const canvas = h('canvas', { 'aria-label': 'SHAP waterfall chart', role: 'img' });
  const chartBox = h('div', { class: 'chart waterfall', 'data-testid': 'waterfall-chart' }, canvas);
  const result = h('section', { class: 'card result-card', 'aria-labelledby': 'result-title' },
    h('div', { class: 'card-head' }, h('h2', { id: 'result-title', text: 'Result' })),
    errorEl,
    h('div', { class: 'headline' },
      h('div', { class: 'stat' }, h('div', { class: 'stat-label', text: 'Probability of default' }), pdEl, deltaEl),
      h('div', { class: 'stat' }, h('div', { class: 'stat-label', text: 'Decision' }), bandEl, pointsEl, marginEl),
    ),
    h('h3', { text: 'Top reasons raising the risk' }),
    reasonsEl,
    warningsEl,
    chartBox,
    methodEl,
  );
  el.append(h('div', { class: 'applicant-grid' }, form, result));

  let fields: Field[] = [];
  let bundle: LoadedBundle | null = null;
  let inFlight = false;
  let dirty = false;
  let previousPd: number | null = null;

  function record(): Record<string, RecordValue> | null {
    const out: Record<string, RecordValue> = {};
    for (const f of fields) {
      if (f.input instanceof HTMLInputElement && f.input.validity.badInput) return null;
      out[f.feature.name] = f.input.value;
    }
    return out;
  }

  function flagField(f: Field): void {
    const { feature, input, flag } = f;
    if (!(input instanceof HTMLInputElement)) return;
    let msg = '';
    if (input.validity.badInput) msg = 'Not a number';
    else if (input.value.trim() === '') msg = 'Missing';
    else {
      const x = Number(input.value);
      if (feature.min !== undefined && x < feature.min) msg = `Below the training range (min ${trimNumber(feature.min)})`;
      else if (feature.max !== undefined && x > feature.max) msg = `Above the training range (max ${trimNumber(feature.max)})`;
    }
    flag.textContent = msg;
    flag.hidden = msg === '';
    input.classList.toggle('out-of-range', msg !== '');
    input.setAttribute('aria-invalid', String(input.validity.badInput));
  }

  function buildForm(b: LoadedBundle): void {
    clear(fieldsBox);
    fields = b.info.features.map((feature) => {
      const id = uid('f');
      const hintId = `${id}-hint`;
      const flagId = `${id}-flag`;
      const description = feature.description?.trim() ?? '';
      const label = description || feature.name.replace(/_/g, ' ');
      let input: HTMLInputElement | HTMLSelectElement;
      let hint = '';
      if (feature.type === 'numeric') {
        input = h('input', { id, name: feature.name, type: 'number', step: 'any', inputmode: 'decimal', 'aria-describedby': `${hintId} ${flagId}` });
        if (feature.min !== undefined && feature.max !== undefined) hint = `Training range ${trimNumber(feature.min)} – ${trimNumber(feature.max)}`;
        if (feature.median !== undefined) hint += `${hint ? ' · ' : ''}median ${trimNumber(feature.median)}`;
      } else {
        const cats = feature.categories && feature.categories.length > 0 ? feature.categories : feature.type === 'boolean' ? ['false', 'true'] : [];
        input = h('select', { id, name: feature.name, 'aria-describedby': hintId },
          ...cats.map((c) => h('option', { value: c, text: c })),
        );
        if (feature.missing && feature.missing > 0) input.append(h('option', { value: '', text: '(missing)' }));
        hint = feature.type === 'boolean' ? 'Yes / no' : `${cats.length} categories, most frequent first`;
      }
      input.value = defaultValue(feature);
      const flag = h('div', { id: flagId, class: 'flag', hidden: true, 'aria-live': 'polite' });
      const wrap = h('div', { class: 'field' },
        h('label', { for: id }, h('span', { text: label }), description && description !== feature.name ? h('code', { text: feature.name }) : null),
        input,
        h('div', { id: hintId, class: 'hint', text: hint }),
        flag,
      );
      fieldsBox.append(wrap);
      const field = { feature, input, flag };
      input.addEventListener('input', () => {
        flagField(field);
        if (whatIf.checked) requestScore();
      });
      input.addEventListener('change', () => {
        flagField(field);
        if (whatIf.checked) requestScore();
      });
      return field;
    });
    fields.forEach(flagField);
  }

  function showError(msg: string | null): void {
    errorEl.textContent = msg ?? '';
    errorEl.hidden = !msg;
  }

  function render(r: ScoreResult, b: LoadedBundle): void {
    pdEl.textContent = `${(r.pd * 100).toFixed(4)}%`;
    pdEl.dataset.pd = String(r.pd);
    if (previousPd !== null && previousPd !== r.pd) {
      const d = (r.pd - previousPd) * 100;
      deltaEl.textContent = `${d > 0 ? '▲ +' : '▼ '}${d.toFixed(4)} percentage points since the last score`;
      deltaEl.className = `delta small ${d > 0 ? 'up' : 'down'}`;
    } else if (previousPd === null) {
      deltaEl.textContent = 'Change any field to see the score move.';
      deltaEl.className = 'delta muted small';
    }
    previousPd = r.pd;
    bandEl.textContent = bandLabel(r.band);
    bandEl.className = `band band-${r.band}`;
    bandEl.dataset.band = r.band;
    const p = b.info.policy;
    pointsEl.textContent = `${Math.round(r.points)} points · approve below ${(p.approve_below * 100).toFixed(0)}%, decline at ${(p.decline_at * 100).toFixed(0)}%`;
    marginEl.textContent = `Margin ${marginText(b.info, r.margin)}`;

    clear(reasonsEl);
    const reasons = r.reasons ?? [];
    if (reasons.length === 0) reasonsEl.append(h('li', { class: 'muted', text: 'No feature raises the risk above the average applicant.' }));
    for (const reason of reasons) {
      reasonsEl.append(h('li', {},
        h('span', { text: reasonText(b.info, reason) }),
        h('span', { class: 'contrib', text: ` ${contributionText(b.info, reason.contribution)}` }),
      ));
    }
    clear(warningsEl);
    for (const w of r.warnings ?? []) warningsEl.append(h('li', { text: w.column ? `${w.column}${w.value ? ` = ${w.value}` : ''}: ${w.message}` : w.message }));

    const contributions = r.contributions ?? {};
    const byName = new Map(fields.map((f) => [f.feature.name, f]));
    const base = r.base_value ?? b.info.explain?.base_value ?? 0;
    drawWaterfall(canvas, {
      base,
      basePd: pdOfMargin(b.info, base),
      scale: marginScale(b.info),
      unit: marginUnit(b.info),
      margin: r.margin,
      pd: r.pd,
      steps: Object.entries(contributions).map(([feature, value]) => {
        const f = byName.get(feature);
        const label = f?.feature.description?.trim() || feature.replace(/_/g, ' ');
        const v = f?.input.value ?? '';
        return { feature, label: `${label.length > 32 ? `${label.slice(0, 30)}…` : label} = ${v === '' ? 'missing' : v.length > 18 ? `${v.slice(0, 16)}…` : v}`, value };
      }),
    });
    chartBox.dataset.drawn = '1';
  }

  async function score(): Promise<void> {
    if (!bundle) return;
    const rec = record();
    if (!rec) {
      showError('Some numeric fields do not hold a number.');
      return;
    }
    const b = bundle;
    inFlight = true;
    el.dataset.scoring = '1';
    try {
      const t0 = performance.now();
      const r = await state.client.score(b.handle, rec, true);
      if (b !== bundle) return; // the model changed meanwhile
      state.setScoreTiming(b, performance.now() - t0);
      showError(null);
      render(r, b);
      el.dataset.scored = String(Number(el.dataset.scored ?? 0) + 1);
    } catch (e) {
      showError((e as Error).message);
    } finally {
      inFlight = false;
      delete el.dataset.scoring;
      if (dirty) {
        dirty = false;
        void score();
      }
    }
  }

  /// Coalesces bursts of changes: at most one request in flight, then one more with the latest values.
  function requestScore(): void {
    if (inFlight) dirty = true;
    else void score();
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    requestScore();
  });
  resetButton.addEventListener('click', () => {
    for (const f of fields) {
      f.input.value = defaultValue(f.feature);
      flagField(f);
    }
    requestScore();
  });

  state.onBundle((b) => {
    bundle = b;
    previousPd = null;
    delete el.dataset.scored;
    showError(null);
    // Nothing of the previous model's result may stay on screen (or in the data-* flags).
    pdEl.textContent = '—';
    delete pdEl.dataset.pd;
    deltaEl.textContent = '';
    bandEl.textContent = '—';
    bandEl.className = 'band';
    delete bandEl.dataset.band;
    pointsEl.textContent = '';
    marginEl.textContent = '';
    clear(reasonsEl);
    clear(warningsEl);
    destroyChart(canvas);
    delete chartBox.dataset.drawn;
    if (b) {
      const method = explainMethod(b.info);
      methodEl.textContent = `Explanation: ${method.name}. ${method.detail}`;
      methodEl.dataset.method = b.info.explain?.method ?? '';
      methodEl.dataset.exact = String(method.exact);
      buildForm(b);
      void score(); // the typical applicant, so the screen is never empty
    }
  });
}
