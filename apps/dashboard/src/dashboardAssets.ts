import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';

const require = createRequire(import.meta.url);
const publicDir = resolve(import.meta.dirname, '../public');
const leafletDir = dirname(require.resolve('leaflet/dist/leaflet.js'));
// graphql-ws does not export its browser build; its package root is one level above the resolved entry.
const graphqlWsBrowserBuild = join(dirname(dirname(require.resolve('graphql-ws'))), 'umd/graphql-ws.min.js');

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/** The file a dashboard URL path names, or null: only the page, Leaflet's dist folder and graphql-ws's browser build. */
export function dashboardFile(pathname: string): string | null {
  if (pathname === '/' || pathname === '/index.html') return join(publicDir, 'index.html');
  if (pathname === '/vendor/graphql-ws.js') return graphqlWsBrowserBuild;
  if (pathname.startsWith('/vendor/leaflet/')) return within(leafletDir, pathname.slice('/vendor/leaflet/'.length));
  return within(publicDir, pathname.slice(1));
}

function within(root: string, relative: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return null;
  }
  const file = normalize(join(root, decoded));
  if (!file.startsWith(root + sep)) return null;
  return existsSync(file) && statSync(file).isFile() ? file : null;
}

/** Serves a dashboard asset for GET/HEAD and says whether it did, so a host server (the gateway, say) can mount the page. */
export function serveDashboardAsset(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const file = dashboardFile(new URL(request.url ?? '/', 'http://dashboard').pathname);
  if (!file) return false;
  response.writeHead(200, {
    'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
    'content-length': statSync(file).size,
    // The page itself changes with deployments; vendor files only with package upgrades.
    'cache-control': file.startsWith(publicDir) ? 'no-cache' : 'public, max-age=86400',
    'x-content-type-options': 'nosniff',
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
  return true;
}
