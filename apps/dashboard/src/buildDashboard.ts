import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const appDir = resolve(import.meta.dirname, '../app');
/** Where `npm start` and `npm run build -w @bst/dashboard` put the page; git ignores it. */
export const defaultDashboardDir = resolve(import.meta.dirname, '../dist');

export interface DashboardBuild {
  /** The folder to serve at `/`: index.html, app.js, app.css, their assets and the offline basemap. */
  dir: string;
  /** Paths inside `dir`. */
  files: string[];
}

/**
 * Bundles the operator page (TypeScript, Leaflet, uPlot, graphql-ws) with esbuild and writes it to `outdir`. Each
 * file is written beside its target and renamed over it, so a server reading the folder never sees half a file.
 */
export async function buildDashboard({ outdir = defaultDashboardDir } = {}): Promise<DashboardBuild> {
  const result = await build({
    entryPoints: { app: join(appDir, 'main.ts') },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    loader: { '.png': 'file' },
    assetNames: 'assets/[name]-[hash]',
    outdir,
    write: false,
    logLevel: 'silent',
    // graphql-js reads process.env.NODE_ENV for its development checks.
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const outputs = [
    ...result.outputFiles.map((file) => ({ path: file.path, contents: file.contents })),
    { path: join(outdir, 'index.html'), contents: await readFile(join(appDir, 'index.html')) },
  ];
  await mkdir(join(outdir, 'basemap'), { recursive: true });
  for (const output of outputs) await writeAtomically(output.path, output.contents);
  // Country outlines from Natural Earth (world-atlas): the map is never a grey rectangle without tiles.
  const basemap = join(outdir, 'basemap/countries-50m.json');
  await copyAtomically(require.resolve('world-atlas/countries-50m.json'), basemap);
  return {
    dir: outdir,
    files: [...outputs.map((output) => output.path), basemap].map((file) => relative(outdir, file)),
  };
}

async function writeAtomically(path: string, contents: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

async function copyAtomically(from: string, to: string): Promise<void> {
  const temporary = `${to}.${process.pid}.tmp`;
  await copyFile(from, temporary);
  await rename(temporary, to);
}
