import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { modelsPlugin } from './plugins/models.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './', // relative URLs: dist/ works from any static host and any subpath
  publicDir: false,
  plugins: [modelsPlugin(`${repo}/models`)],
  worker: { format: 'es' },
  build: {
    outDir: `${repo}/dist`,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
