// Static server for the demo page, on its own origin: demo/public/** at /, the SDK build (dist/)
// at /dist/**, and /config.json describing the running servers so the page hard-codes nothing.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.ts': 'text/plain; charset=utf-8', // .d.ts files next to the build
};

// Paths of the single-page app that all load index.html.
const SPA_ROUTES = new Set(['/', '/callback']);

const BASE_HEADERS = {
  'Cache-Control': 'no-store', // always the latest build while developing
  'X-Content-Type-Options': 'nosniff',
  // The callback URL carries the authorization code: never send it on as a Referer.
  'Referrer-Policy': 'no-referrer',
};

/** Resolves `relative` inside `root`, or returns undefined if it would leave it. */
function inside(root, relative) {
  const file = resolve(root, `.${sep}${relative}`);
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

/**
 * @param {{ publicDir: string, distDir: string, config: () => object }} options
 *   config is called per request so it always reflects the running servers.
 */
export function createPageHandler({ publicDir, distDir, config }) {
  const roots = { public: resolve(publicDir), dist: resolve(distDir) };

  return async function handlePage(req, res) {
    const fail = (status, text) => {
      res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'Method Not Allowed');

    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://page.invalid').pathname);
    } catch {
      return fail(400, 'Bad Request');
    }
    if (path.includes('\0') || path.includes('\\')) return fail(400, 'Bad Request');

    if (path === '/config.json') {
      res.writeHead(200, { ...BASE_HEADERS, 'Content-Type': TYPES['.json'] });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(config(), null, 2));
      return;
    }

    let file;
    if (SPA_ROUTES.has(path)) file = join(roots.public, 'index.html');
    else if (path.startsWith('/dist/')) file = inside(roots.dist, path.slice('/dist/'.length));
    else file = inside(roots.public, path.slice(1));
    if (!file) return fail(404, 'Not Found');

    const type = TYPES[extname(file)];
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile() || !type) return fail(404, 'Not Found');

    res.writeHead(200, { ...BASE_HEADERS, 'Content-Type': type, 'Content-Length': info.size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  };
}
