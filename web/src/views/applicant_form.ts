/// The applicant form: one field per feature of the bundle schema, derived ratios computed from
/// their parts (read-only), an applicant reference, and the range flags under the fields.
import type { FeatureInfo, SchemaColumn } from '../types';
import { clear, h, uid } from '../dom';
import { trimNumber } from '../decision/format';
import { defaultValue, featureLabel } from '../applicant/defaults';
import { derivedRatios, withDerived, type DerivedRatio } from '../applicant/derived';

interface Field {
  feature: FeatureInfo;
  input: HTMLInputElement | HTMLSelectElement;
  flag: HTMLElement;
}

function rangeFlag(feature: FeatureInfo, input: HTMLInputElement): string {
  if (input.validity.badInput) return 'Not a number';
  if (input.value.trim() === '') return 'Missing';
  const x = Number(input.value);
  if (feature.min !== undefined && x < feature.min) return `Below the training range (min ${trimNumber(feature.min)})`;
  if (feature.max !== undefined && x > feature.max) return `Above the training range (max ${trimNumber(feature.max)})`;
  return '';
}

export class ApplicantForm {
  private fields: Field[] = [];
  private ratios: DerivedRatio[] = [];

  /// `onChange` runs after every edit (derived fields already updated).
  constructor(
    private readonly box: HTMLElement,
    private readonly onChange: () => void,
  ) {}

  build(features: FeatureInfo[], columns: SchemaColumn[] | undefined): void {
    clear(this.box);
    this.ratios = derivedRatios(columns).filter((d) => features.some((f) => f.name === d.name));
    const derived = new Map(this.ratios.map((d) => [d.name, d]));
    this.fields = features.map((feature) => this.field(feature, derived.get(feature.name), features));
    this.updateDerived();
    this.fields.forEach((f) => this.flag(f));
  }

  private field(feature: FeatureInfo, ratio: DerivedRatio | undefined, all: FeatureInfo[]): Field {
    const id = uid('f');
    const hintId = `${id}-hint`;
    const flagId = `${id}-flag`;
    const description = feature.description?.trim() ?? '';
    let input: HTMLInputElement | HTMLSelectElement;
    let hint = '';
    if (feature.type === 'numeric') {
      input = h('input', { id, name: feature.name, type: 'number', step: 'any', inputmode: 'decimal', 'aria-describedby': `${hintId} ${flagId}` });
      if (feature.min !== undefined && feature.max !== undefined) hint = `Training range ${trimNumber(feature.min)} – ${trimNumber(feature.max)}`;
      if (feature.median !== undefined) hint += `${hint ? ' · ' : ''}median ${trimNumber(feature.median)}`;
    } else {
      const cats = feature.categories && feature.categories.length > 0 ? feature.categories : feature.type === 'boolean' ? ['false', 'true'] : [];
      input = h('select', { id, name: feature.name, 'aria-describedby': hintId }, ...cats.map((c) => h('option', { value: c, text: c })));
      if (feature.missing && feature.missing > 0) input.append(h('option', { value: '', text: '(missing)' }));
      hint = feature.type === 'boolean' ? 'Yes / no' : `${cats.length} categories, most frequent first`;
    }
    if (ratio && input instanceof HTMLInputElement) {
      const name = (n: string) => featureLabel(all.find((f) => f.name === n) ?? { name: n });
      input.readOnly = true;
      input.dataset.derived = '1';
      hint = `Computed: ${name(ratio.numerator)} / ${name(ratio.denominator)}`;
    }
    input.value = defaultValue(feature);
    const flag = h('div', { id: flagId, class: 'flag', hidden: true, 'aria-live': 'polite' });
    this.box.append(
      h('div', { class: `field${ratio ? ' derived' : ''}` },
        h('label', { for: id }, h('span', { text: featureLabel(feature) }), description && description !== feature.name ? h('code', { text: feature.name }) : null),
        input,
        h('div', { id: hintId, class: 'hint', text: hint }),
        flag,
      ),
    );
    const f = { feature, input, flag };
    const changed = () => {
      this.updateDerived();
      this.flag(f);
      this.onChange();
    };
    input.addEventListener('input', changed);
    input.addEventListener('change', changed);
    return f;
  }

  private flag(f: Field): void {
    if (!(f.input instanceof HTMLInputElement)) return;
    const msg = rangeFlag(f.feature, f.input);
    f.flag.textContent = msg;
    f.flag.hidden = msg === '';
    f.input.classList.toggle('out-of-range', msg !== '');
    f.input.setAttribute('aria-invalid', String(f.input.validity.badInput));
  }

  private updateDerived(): void {
    if (this.ratios.length === 0) return;
    const values = withDerived(this.rawValues(), this.ratios);
    for (const d of this.ratios) {
      const f = this.fields.find((x) => x.feature.name === d.name);
      if (f) {
        f.input.value = values[d.name];
        this.flag(f);
      }
    }
  }

  private rawValues(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.fields) out[f.feature.name] = f.input.value;
    return out;
  }

  /// The record to score, or null when a numeric field does not hold a number.
  values(): Record<string, string> | null {
    if (this.fields.some((f) => f.input instanceof HTMLInputElement && f.input.validity.badInput)) return null;
    return this.rawValues();
  }

  /// Sets the given fields (others keep their values); unknown names are ignored.
  set(values: Record<string, string | number>): void {
    for (const f of this.fields) if (f.feature.name in values) f.input.value = String(values[f.feature.name] ?? '');
    this.updateDerived();
    this.fields.forEach((f) => this.flag(f));
  }

  reset(): void {
    for (const f of this.fields) f.input.value = defaultValue(f.feature);
    this.updateDerived();
    this.fields.forEach((f) => this.flag(f));
  }

  labels(): Record<string, string> {
    return Object.fromEntries(this.fields.map((f) => [f.feature.name, featureLabel(f.feature)]));
  }
}
