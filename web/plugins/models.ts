/// Vite plugin: ships the trained bundles of <repo>/models/*.json with the app.
/// Build: emits models/<file>.json plus models/index.json (name, kind, dataset per bundle).
/// Dev: serves the same files from the repo.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';
import type { Plugin } from 'vite';

import type { ModelEntry } from '../src/types';

export type { ModelEntry };

function describe(file: string, text: string): ModelEntry {
  const stem = basename(file, '.json');
  let kind = '';
  let dataset = '';
  let target: string | undefined;
  try {
    const j = JSON.parse(text) as Record<string, any>;
    kind = String(j.kind ?? j.model?.kind ?? j.model?.family ?? j.training?.model ?? '');
    const training = j.training ?? {};
    const data = training.data_file ?? training.dataset ?? training.data ?? '';
    dataset = typeof data === 'string' ? basename(data).replace(/\.csv$/i, '') : '';
    target = j.target?.name;
  } catch {
    // not JSON: listed anyway, the engine will report the problem when it is opened
  }
  if (!dataset) dataset = kind && stem.endsWith(`_${kind}`) ? stem.slice(0, -kind.length - 1) : stem;
  return { file: `models/${file}`, name: stem, kind, dataset, target };
}

export function listModels(dir: string): { entry: ModelEntry; path: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .sort()
    .map((f) => {
      const path = join(dir, f);
      return { entry: describe(f, readFileSync(path, 'utf8')), path };
    });
}

export function modelsPlugin(modelsDir: string): Plugin {
  return {
    name: 'loanlens-models',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /\/models\/([A-Za-z0-9_.-]+\.json)(\?.*)?$/.exec(req.url ?? '');
        if (!m) return next();
        const models = listModels(modelsDir);
        const body =
          m[1] === 'index.json'
            ? JSON.stringify(models.map((x) => x.entry), null, 1)
            : (() => {
                const hit = models.find((x) => x.entry.file === `models/${m[1]}`);
                return hit ? readFileSync(hit.path, 'utf8') : null;
              })();
        if (body === null) return next();
        res.setHeader('Content-Type', 'application/json');
        res.end(body);
      });
    },
    generateBundle() {
      const models = listModels(modelsDir);
      for (const { entry, path } of models) {
        this.emitFile({ type: 'asset', fileName: entry.file, source: readFileSync(path, 'utf8') });
      }
      this.emitFile({
        type: 'asset',
        fileName: 'models/index.json',
        source: JSON.stringify(models.map((x) => x.entry), null, 1) + '\n',
      });
    },
  };
}
