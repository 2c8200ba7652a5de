// What the browser benchmarks (bench-web.mjs, bench-web-decision.mjs) share: the repository,
// their command-line options, the native CLI, and headless Chromium on a local static server.
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/e2e/server.mjs';

export const repo = fileURLToPath(new URL('../', import.meta.url));
export const cli = process.env.LOANLENS ?? join(repo, 'build/native/loanlens');
const chromiumPath = process.env.CHROMIUM ?? '/usr/lib/chromium/chromium';

/** The value after `--name` on the command line, else `fallback`. */
export function option(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
}

/** Serves `dir` locally and launches headless Chromium; close() stops both. */
export async function chromiumOn(dir) {
  const site = await serve(dir);
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--disable-gpu', '--disable-dev-shm-usage'] });
  return { url: site.url, browser, close: async () => { await browser.close(); await site.close(); } };
}
