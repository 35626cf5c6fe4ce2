// Static server for the demo page, on its own origin: demo/public/** at /, the SDK build (dist/)
// at /dist/**, /config.json describing the running servers so the page hard-codes nothing, and a
// favicon drawn at start-up. Anything else is a 404: the page answers only its own paths (a
// request for `//any.host/` once served the app, which made that URL a sign-in page).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname, join, resolve, sep } from 'node:path';

import { createFavicon } from './favicon.mjs';

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
// The lean page restoreSession()'s hidden iframe (and the popup) lands on: the only one the app may frame.
const FRAMED_BY_APP = 'silent-callback.html';

const BASE_HEADERS = {
  'Cache-Control': 'no-store', // always the latest build while developing
  'X-Content-Type-Options': 'nosniff',
  // The callback URL carries the authorization code: never send it on as a Referer.
  'Referrer-Policy': 'no-referrer',
};

/**
 * The Content-Security-Policy of the app's page: its own scripts and styles only (no inline
 * script), requests to itself, the authorization server and the two APIs, and frames from the
 * authorization server, which sends restoreSession()'s hidden iframe back to this origin.
 * Nobody may frame the app (clickjacking).
 */
function appPolicy({ issuer, apiUrl, billingUrl } = {}, framedBySelf = false, ownApp = false) {
  const as = originOf(issuer);
  // A developer's own app (--public) calls its own APIs too, which this server cannot know.
  const connect = ownApp ? ['*'] : ["'self'", as, originOf(apiUrl), originOf(billingUrl)];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    ['connect-src', ...connect].filter(Boolean).join(' '),
    ['frame-src', as, "'self'"].filter(Boolean).join(' '),
    "base-uri 'none'",
    "form-action 'none'",
    // The redirect URI's page answers restoreSession()'s iframe when no lean silent page is set.
    `frame-ancestors ${framedBySelf ? "'self'" : "'none'"}`,
  ].join('; ');
}

/** The origin of an absolute http(s) URL from the config, or undefined (a config still being filled in). */
function originOf(value) {
  try {
    const { origin, protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:' ? origin : undefined;
  } catch {
    return undefined;
  }
}

/** The silent callback runs the SDK's script and nothing else; only the app's own pages may frame it. */
const CALLBACK_POLICY = "default-src 'none'; script-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";
/** Everything else (scripts, styles, JSON, errors) is no document at all. */
const OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'";

function securityHeaders(file, config, path, ownApp = false) {
  if (file && basename(file) === FRAMED_BY_APP) {
    return { 'Content-Security-Policy': CALLBACK_POLICY, 'X-Frame-Options': 'SAMEORIGIN' };
  }
  // The app's pages may not be framed by anyone (clickjacking), but the redirect URI's page by the
  // app itself: it is the default silentRedirectUri, where handleRedirect() hands the answer back.
  const framedBySelf = path === '/callback';
  const policy = file && extname(file) === '.html' ? appPolicy(config, framedBySelf, ownApp) : OTHER_POLICY;
  return { 'Content-Security-Policy': policy, 'X-Frame-Options': framedBySelf ? 'SAMEORIGIN' : 'DENY' };
}

/** Resolves `relative` inside `root`, or returns undefined if it would leave it. */
function inside(root, relative) {
  const file = resolve(root, `.${sep}${relative}`);
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

/**
 * @param {{ publicDir: string, distDir: string, config: () => object, ownApp?: boolean }} options
 *   config is called per request so it always reflects the running servers. `ownApp`: publicDir is
 *   a developer's built app (--public): any path without a file of its own (a deep link such as
 *   /inbox) loads its index.html, and its pages may call any origin (their own APIs).
 */
export function createPageHandler({ publicDir, distDir, config, ownApp = false }) {
  const roots = { public: resolve(publicDir), dist: resolve(distDir) };
  const favicon = createFavicon();

  return async function handlePage(req, res) {
    const send = (status, headers, body) => {
      res.writeHead(status, { ...BASE_HEADERS, ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const fail = (status, text) => send(status, { ...securityHeaders(undefined), 'Content-Type': 'text/plain; charset=utf-8' }, text);
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'Method Not Allowed');

    // Only a path on this origin: "//host/…" (or an absolute URL) names another one.
    const target = req.url ?? '';
    if (!target.startsWith('/') || target.startsWith('//')) return fail(404, 'Not Found');
    let path;
    try {
      path = decodeURIComponent(new URL(target, 'http://page.invalid').pathname);
    } catch {
      return fail(400, 'Bad Request');
    }
    if (path.includes('\0') || path.includes('\\')) return fail(400, 'Bad Request');

    if (path === '/config.json') {
      return send(200, { ...securityHeaders(undefined), 'Content-Type': TYPES['.json'] }, JSON.stringify(config(), null, 2));
    }
    if (path === '/favicon.ico') {
      return send(200, { ...securityHeaders(undefined), 'Content-Type': TYPES['.ico'], 'Content-Length': favicon.length }, favicon);
    }

    let file;
    if (SPA_ROUTES.has(path)) file = join(roots.public, 'index.html');
    else if (path.startsWith('/dist/')) file = inside(roots.dist, path.slice('/dist/'.length));
    else file = inside(roots.public, path.slice(1));
    if (!file) return fail(404, 'Not Found');

    let info = await stat(file).catch(() => undefined);
    if (ownApp && !info?.isFile() && extname(path) === '') {
      file = join(roots.public, 'index.html');
      info = await stat(file).catch(() => undefined);
    }
    const type = TYPES[extname(file)];
    if (!info?.isFile() || !type) return fail(404, 'Not Found');

    res.writeHead(200, { ...BASE_HEADERS, ...securityHeaders(file, config(), path, ownApp), 'Content-Type': type, 'Content-Length': info.size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  };
}
