// Writes the seed corpora of the fuzz targets (tests/fuzz) into OUT/<target>/: small slices of
// the shipped bundles (models/*.json with a few trees, support vectors and curve points), of the
// example data (models/data/*.csv) and of the XGBoost fixture, plus hand-written edge cases.
// The committed seeds in tests/fuzz/corpus/ are a few of these; `npm run fuzz` generates the
// rest at run time. Usage: node scripts/fuzz-seeds.mjs OUT
import { readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join, basename } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = process.argv[2];
if (!out) throw new Error('usage: node scripts/fuzz-seeds.mjs OUT');
const write = (target, name, bytes) => {
  mkdirSync(join(out, target), { recursive: true });
  writeFileSync(join(out, target, name), bytes);
};
const json = (p) => JSON.parse(readFileSync(join(root, p), 'utf8'));

// A bundle with at most `keep` of every long list (trees, support vectors, curves, background).
function shrinkBundle(b, keep) {
  const cut = (v, depth = 0) => {
    if (Array.isArray(v)) return v.slice(0, depth === 0 ? keep : v.length);
    return v;
  };
  const m = b.model;
  if (Array.isArray(m.trees)) m.trees = m.trees.slice(0, keep);
  if (Array.isArray(m.support_vectors)) {
    m.support_vectors = m.support_vectors.slice(0, keep);
    if (Array.isArray(m.dual_coef)) m.dual_coef = m.dual_coef.slice(0, keep);
  }
  const ks = b.explain?.kernel_shap;
  if (ks) {
    ks.background = cut(ks.background);
    if (Array.isArray(ks.weight)) ks.weight = ks.weight.slice(0, ks.background.length);
    ks.num_coalitions = 32;
  }
  const v = b.metrics?.validation;
  if (v) {
    for (const [k, x] of Object.entries(v)) {
      if (Array.isArray(x)) v[k] = x.slice(0, 3);
      else if (x && typeof x === 'object')
        for (const [kk, xx] of Object.entries(x)) if (Array.isArray(xx)) x[kk] = xx.slice(0, 3);
    }
  }
  for (const k of Object.keys(b.metrics ?? {})) if (k !== 'validation') delete b.metrics[k];
  return b;
}

// bundle: every shipped bundle, shrunk.
const models = readdirSync(join(root, 'models')).filter((f) => f.endsWith('.json'));
for (const f of models) {
  let previous = '';
  for (const keep of [1, 3]) {
    const text = JSON.stringify(shrinkBundle(json(`models/${f}`), keep));
    if (text !== previous) write('bundle', `${basename(f, '.json')}_${keep}.json`, text);
    previous = text;
  }
}

// explain_row: byte 0 picks the bundle (order of fuzz_explain_row.cpp), +4 asks for interactions.
const rowBundles = ['credit_risk_logistic', 'german_credit_gbdt', 'german_credit_random_forest',
  'german_credit_svm'];
const csvRow = (file, n) => {
  const lines = readFileSync(join(root, 'models/data', file), 'utf8').split(/\r?\n/);
  const header = lines[0].split(','), cells = lines[n].split(',');
  return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
};
rowBundles.forEach((name, i) => {
  const b = json(`models/${name}.json`);
  const features = b.schema.columns.filter((c) => c.role === 'feature');
  const data = name.startsWith('german') ? csvRow('german_credit.csv', 2)
    : csvRow('credit_risk_dataset.csv', 2);
  const row = Object.fromEntries(features.map((c) => {
    const v = data[c.name];
    return [c.name, c.type === 'numeric' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v];
  }));
  write('explain_row', `${name}.json`, String.fromCharCode(i) + JSON.stringify(row));
  write('explain_row', `${name}_interactions.json`, String.fromCharCode(i + 4) + JSON.stringify(row));
  const partial = Object.fromEntries(Object.entries(row).slice(0, 2));
  partial[features[0].name] = null;
  write('explain_row', `${name}_partial.json`, String.fromCharCode(i) + JSON.stringify(partial));
});

// xgboost_import: the fixture with 1 and 3 trees, with and without feature names.
for (const keep of [1, 3]) {
  const x = json('tests/fixtures/xgboost/model.json');
  const model = x.learner.gradient_booster.model;
  model.trees = model.trees.slice(0, keep);
  model.tree_info = model.tree_info.slice(0, keep);
  model.gbtree_model_param.num_trees = String(keep);
  write('xgboost_import', `fixture_${keep}.json`, JSON.stringify(x));
  delete x.learner.feature_names;
  delete x.learner.feature_types;
  write('xgboost_import', `fixture_${keep}_unnamed.json`, JSON.stringify(x));
}

// csv: byte 0 picks the delimiter option (0 detect, 1 ',', 2 ';', 3 tab); then the text.
for (const f of readdirSync(join(root, 'models/data')).filter((f) => f.endsWith('.csv'))) {
  const lines = readFileSync(join(root, 'models/data', f), 'utf8').split('\n').slice(0, 6);
  write('csv', `${basename(f, '.csv')}.csv`, '\x00' + lines.join('\n'));
}
const edge = {
  'quoted.csv': '\x00id,"note, with comma","say ""hi"""\r\n1,"two\nlines",x\r\n2,,"end"',
  'semicolon_bom.csv': '\x00\xEF\xBB\xBFa;b;c\n1,5;2;3\n;;\n',
  'tab_cr.csv': '\x00a\tb\rx\ty\r\r1\t2',
  'forced_comma.csv': '\x01a;b,c\n"1;2",3\n"unterminated',
};
for (const [name, text] of Object.entries(edge)) write('csv', name, Buffer.from(text, 'latin1'));
