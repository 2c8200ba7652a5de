// Issue 8's rule, kept true: no function in wasm/src, wasm/cli, wasm/bindings, wasm/python or
// web/src is longer than 80 lines (signature to closing brace). TypeScript is measured on its
// syntax tree (every function, method and arrow function). C++ is measured on the layout
// clang-format gives it: namespaces are not indented, so a definition in a .cpp file starts on a
// line at column 0 that opens a parameter list and ends where its braces close (lambdas count
// toward the function that holds them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const kMaxLines = 80;

function filesUnder(dir, ext) {
  return readdirSync(join(repo, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

/** [{ where, lines }] for each C++ definition in `text` longer than kMaxLines. */
export function longCppFunctions(text, file) {
  const out = [];
  let start = -1, depth = 0, opened = false;
  text.split('\n').forEach((l, i) => {
    if (start < 0) {
      if (l === '' || /^\s/.test(l) || !l.includes('(') || /^(\/\/|#|namespace|using|static_assert)/.test(l) || l.trimEnd().endsWith(';')) return;
      start = i;
      depth = 0;
      opened = false;
    }
    // Braces outside string and character literals and comments (a raw string's braces balance).
    const code = l.replace(/"(\\.|[^"\\])*"|'(\\.|[^'\\])*'|\/\/.*$/g, '');
    for (const c of code) {
      if (c === '{') (depth += 1), (opened = true);
      else if (c === '}') depth -= 1;
    }
    if (opened && depth <= 0) {
      if (i - start + 1 > kMaxLines) out.push({ where: `${file}:${start + 1}`, lines: i - start + 1 });
      start = -1;
    } else if (!opened && code.trimEnd().endsWith(';')) {
      start = -1; // a declaration spread over several lines
    }
  });
  return out;
}

/** [{ where, lines }] for each TypeScript function-like node longer than kMaxLines. */
function longTsFunctions(text, file) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out = [];
  const visit = (n) => {
    if (ts.isFunctionLike(n) && n.body) {
      const a = sf.getLineAndCharacterOfPosition(n.getStart()).line;
      const b = sf.getLineAndCharacterOfPosition(n.end).line;
      if (b - a + 1 > kMaxLines) out.push({ where: `${file}:${a + 1}`, lines: b - a + 1 });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

test('the C++ measure finds a long function and skips one-line definitions', () => {
  const body = Array.from({ length: 85 }, (_, i) => `  x += ${i};`).join('\n');
  const text = `namespace a {\n\nA::A(int v) : v_(v) {}\n\nint Long(int x,\n         int y) {\n${body}\n  return x;\n}\n\n}  // namespace a\n`;
  assert.deepEqual(longCppFunctions(text, 'f.cpp'), [{ where: 'f.cpp:5', lines: 89 }]);
  assert.deepEqual(longCppFunctions(text.replace(body, '  x += 1;'), 'f.cpp'), []);
});

test(`no function in the engine, the CLI, the bindings or the web app is over ${kMaxLines} lines`, () => {
  const long = [];
  for (const dir of ['wasm/src', 'wasm/cli', 'wasm/bindings', 'wasm/python'])
    for (const f of filesUnder(dir, '.cpp')) long.push(...longCppFunctions(readFileSync(f, 'utf8'), relative(repo, f)));
  for (const f of filesUnder('web/src', '.ts')) {
    if (f.includes(`${join('web', 'src', 'wasm')}`)) continue; // the generated module's types
    long.push(...longTsFunctions(readFileSync(f, 'utf8'), relative(repo, f)));
  }
  assert.deepEqual(long, [], long.map((l) => `${l.where}: ${l.lines} lines`).join('\n'));
});
