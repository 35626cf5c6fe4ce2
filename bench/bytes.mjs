// The JavaScript a browser fetches, in Chromium against the demo's servers, for the scenarios users
// live through: a signed-out visitor, a returning user restored by the silent iframe, and the
// callback page, each without and with DPoP, for pkce-spa and the peers.
// Usage: npm run build && flock /tmp/browser.lock node bench/bytes.mjs
// Prints a table and writes the same, with every file fetched, to bench/.out/bytes.json.
//
// Each app (bench/bytes/<lib>.js, and the library's own silent page: ../browser/<lib>-silent.js) is
// built as an app would be: rollup + node-resolve for browsers + terser, the settings of
// bench/size.mjs, with code splitting (no inlineDynamicImports). The entry is served as /app.js (the
// page server picks the app by the bench-app cookie, as bench/browser.mjs does), the other chunks
// under /bench-chunks/<app>/, every file precompressed with brotli (quality 11) and sent with
// Content-Encoding: br, and cacheable (immutable), as a host serves a bundler's hashed file names
// (the entries' names here are not hashed, only because the demo's page loads /app.js). The HTML
// (no-cache) is the demo's page without its IIFE build, which no app here loads.
//
// Every scenario runs in a fresh browser context, with an empty HTTP cache (emptied again just
// before the counted page load when the scenario signs in first), and counts what that one page
// load fetches: every script from the page's origin that the page or its frames (the silent iframe)
// request, until the app reports it has settled and 1 s has then passed with no script request
// (what an app loads in the background after its start-up counts too). Bytes are those sent on the wire: the
// brotli body of each response the page server sent, recorded by the server; a request answered
// from the browser's cache (a file the silent page shares with the app) costs nothing and is listed
// apart. Chromium's own record (Playwright's request.sizes()) is checked against the server's.
//
// The servers are the demo's (authorization server, page server, API), wired here as bench/browser.mjs
// wires them, without added latency. Deterministic: one user name, fixed inputs; only tokens, keys and
// the PKCE values differ between runs, and no byte counted depends on them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';
import { rollup } from 'rollup';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { launchChromium, startDemoServers } from './demo-servers.mjs';
import { installPackages } from '../scripts/install-packages.mjs';

await installPackages(['bench']);

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
if (!existsSync(`${root}/dist/pkce-spa.js`)) {
  console.error('bench/bytes.mjs needs the build: run npm run build first');
  process.exit(1);
}
const SETTLE_MS = 1000;
const USERNAME = 'alice';

const version = (pkg) => JSON.parse(readFileSync(`${root}/${pkg === 'pkce-spa' ? '' : `bench/node_modules/${pkg}/`}package.json`)).version;

// Columns: each library's typical app. dpop: its DPoP mode, or null when it has none.
const LIBS = [
  { lib: 'pkce-spa', source: 'pkce-spa.js', silent: 'pkce-spa-silent.js', dpop: true, restores: true, store: true },
  { lib: 'oidc-client-ts', source: 'oidc-client-ts.js', silent: 'oidc-client-ts-silent.js', dpop: true, restores: true },
  // Its documented silent-check-sso.html: one inline line, nothing fetched.
  // It cannot finish a sign-in against oidc-provider: its token request is sent with credentials:
  // 'include', which oidc-provider's CORS does not allow (no Access-Control-Allow-Credentials), and it
  // decodes the access token as a JWT, which oidc-provider issues only to a token request naming a
  // resource, which keycloak-js cannot send. Its app is one file, all of it in the signed-out row.
  { lib: 'keycloak-js', source: 'keycloak-js.js', silentInline: 'parent.postMessage(location.href, location.origin)', dpop: null, restores: true,
    cannotSignIn: 'cannot sign in here' },
  { lib: 'oauth4webapi', source: 'oauth4webapi.js', dpop: true, restores: false },
];
const SCENARIOS = [
  { id: 'signed-out', label: 'signed-out visitor' },
  { id: 'returning', label: 'returning user (silent iframe)' },
  { id: 'reload', label: 'reload, session in sessionStorage' },
  { id: 'callback', label: 'callback page' },
];

// ---- Builds ----------------------------------------------------------------------------------

// pkce-spa resolves to this repository's build, exactly as an installed package would.
const self = { name: 'self', resolveId: (id) => (id === 'pkce-spa' ? `${root}/dist/pkce-spa.js` : null) };
// __DPOP__ and __STORE__ in the apps' sources are build-time constants, as a bundler's `define` would set them.
const define = (dpop, store) => ({
  name: 'define',
  transform: (code, id) =>
    id.startsWith(`${root}/bench/bytes/`) ? { code: code.replaceAll('__DPOP__', String(dpop)).replaceAll('__STORE__', String(store)), map: null } : null,
});
const brotli = (code) => brotliCompressSync(Buffer.from(code), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });

/** Builds one app; returns its files by URL path: { body (brotli), raw, modules, imports, dynamicImports }. */
async function build(name, { source, silent }, dpop, store = false) {
  const input = { app: `${root}/bench/bytes/${source}` };
  if (silent) input.silent = `${root}/bench/browser/${silent}`;
  const bundle = await rollup({
    input,
    plugins: [self, define(dpop, store), resolve({ browser: true, dedupe: ['jose'], rootDir: root }), terser({ compress: { passes: 2 }, format: { comments: false } })],
    // What node-resolve reads from an installed package's "sideEffects": false, for this build too.
    treeshake: { moduleSideEffects: (id) => !id.startsWith(`${root}/dist/`) },
    onwarn: () => {},
  });
  const { output } = await bundle.generate({
    format: 'es',
    // /app.js at the root (what the demo's page loads); everything else under /bench-chunks/<app>/.
    // Rollup writes the imports between them as relative paths, which the browser resolves to these.
    entryFileNames: (chunk) => (chunk.name === 'app' ? 'app.js' : `bench-chunks/${name}/[name].js`),
    chunkFileNames: `bench-chunks/${name}/[name]-[hash].js`,
  });
  await bundle.close();
  const files = new Map();
  for (const chunk of output) {
    if (chunk.type !== 'chunk') continue;
    files.set(`/${chunk.fileName}`, {
      body: brotli(chunk.code),
      raw: Buffer.byteLength(chunk.code),
      // For bytes.json: what the chunk holds and what loads it.
      modules: Object.keys(chunk.modules).map((id) => id.replace(`${root}/`, '').replace(/^(bench\/)?node_modules\//, '')),
      imports: chunk.imports.map((f) => `/${f}`),
      dynamicImports: chunk.dynamicImports.map((f) => `/${f}`),
    });
  }
  return files;
}

// Each app: its name (the bench-app cookie), its library, DPoP or not, its built files.
const buildStarted = Date.now();
const apps = [];
for (const l of LIBS) {
  for (const dpop of l.dpop ? [false, true] : [false]) {
    const name = dpop ? `${l.lib}-dpop` : l.lib;
    apps.push({ ...l, name, dpop, files: await build(name, l, dpop) });
    // The same app keeping its session in sessionStorage, for the reload: only the reload uses it.
    if (l.store) apps.push({ ...l, name: `${name}-store`, dpop, storeVariant: true, files: await build(`${name}-store`, l, dpop, true) });
  }
}
const buildSeconds = (Date.now() - buildStarted) / 1000;
const chunkFiles = new Map(apps.flatMap((app) => [...app.files].filter(([path]) => path !== '/app.js')));

// The demo's page, minus the IIFE build (<script src="/dist/pkce-spa.iife.js">): it loads /app.js only.
const demoIndex = readFileSync(`${root}/demo/public/index.html`, 'utf8');
const indexHtml = demoIndex.replace(/\s*<script src="\/dist\/pkce-spa\.iife\.js"[^>]*><\/script>/, '');
if (indexHtml === demoIndex || /<script(?![^>]*src="\/app\.js")/.test(indexHtml)) {
  throw new Error('demo/public/index.html changed: expected the IIFE build and /app.js as its only scripts');
}
const silentHtml = (app) => `<!DOCTYPE html><meta charset="utf-8"><title>Signing in…</title>${
  app.silentInline ? `<script>${app.silentInline}</script>` : `<script type="module" src="/bench-chunks/${app.name}/silent.js"></script>`}`;

// ---- Servers ---------------------------------------------------------------------------------

/** Every script the page server sent, in order: { path, bytes } (bytes: the brotli body). */
const served = [];

/** The demo's servers (bench/demo-servers.mjs), the page server serving each app's chunks. */
async function startServers() {
  const { page, auth, pageOrigin, issuer, config, authHandler, demoPages, close } = await startDemoServers();
  auth.setHandler(authHandler);
  page.setHandler((req, res) => {
    const name = /(?:^|; )bench-app=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
    const app = apps.find((a) => a.name === name);
    const path = new URL(req.url, pageOrigin).pathname;
    if (!app) return demoPages(req, res);
    const send = (type, body, headers = {}) => {
      res.writeHead(200, { 'Content-Type': `${type}; charset=utf-8`, 'Content-Length': body.length, ...headers });
      res.end(body);
    };
    if (path === '/' || path === '/callback') return send('text/html', Buffer.from(indexHtml), { 'Cache-Control': 'no-cache' });
    if (path === '/silent-callback.html') return send('text/html', Buffer.from(silentHtml(app)), { 'Cache-Control': 'no-cache' });
    const file = path === '/app.js' ? app.files.get(path) : chunkFiles.get(path);
    if (!file) return demoPages(req, res); // style.css, favicon.ico
    if (!/\bbr\b/.test(req.headers['accept-encoding'] ?? '')) throw new Error(`the browser does not accept brotli: ${req.headers['accept-encoding']}`);
    served.push({ path, bytes: file.body.length });
    send('text/javascript', file.body, {
      'Content-Encoding': 'br',
      Vary: 'Accept-Encoding',
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
  });
  return { pageOrigin, issuer, config, close };
}

const servers = await startServers();
const browser = await launchChromium();

// ---- Scenarios -------------------------------------------------------------------------------

/** A fresh browser context (no cookies, empty cache) showing `app`. */
async function openContext(app) {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'bench-app', value: app.name, url: servers.pageOrigin }]);
  await context.addInitScript((bench) => (window.bench = bench), { config: servers.config });
  return context;
}

async function newTab(context, app) {
  const tab = await context.newPage();
  tab.setDefaultTimeout(20_000);
  tab.on('pageerror', (error) => console.error(`${app.name}: ${error.message}`));
  tab.on('console', (message) => process.env.BENCH_DEBUG && console.error(`${app.name}: ${message.text()}`));
  tab.on('response', (r) => process.env.BENCH_DEBUG && r.status() >= 400 && console.error('HTTP', r.status(), r.url()));
  return tab;
}

/** Empties the context's HTTP cache, so the next load starts cold. */
async function emptyCache(tab) {
  const cdp = await tab.context().newCDPSession(tab);
  await cdp.send('Network.clearBrowserCache');
  await cdp.detach();
}

/**
 * Starts counting the scripts `tab` and its frames fetch from the page's origin. stop() waits until
 * 1 s has passed with no such request, then returns the count.
 */
function count(tab) {
  const from = served.length;
  const seen = []; // Chromium's view: every script response, from the network or the cache
  let last = Date.now();
  const began = Date.now();
  let settledAt;
  const asked = new Map(); // request → { frame: the path of the document that asked, ms: when }
  const onRequest = (request) => {
    if (!isScript(request)) return;
    last = Date.now();
    const frame = request.frame();
    asked.set(request, { frame: frame === tab.mainFrame() ? 'page' : new URL(frame.url()).pathname, ms: last - began });
  };
  const onFinished = async (request) => {
    if (!isScript(request)) return;
    const response = await request.response();
    const sizes = await request.sizes();
    seen.push({
      path: new URL(request.url()).pathname,
      ...asked.get(request),
      status: response.status(),
      bodySize: sizes.responseBodySize,
      headersSize: sizes.responseHeadersSize,
      // Chromium reports nothing received (body = -headers) for an answer from its cache.
      fromCache: sizes.responseBodySize + sizes.responseHeadersSize <= 0,
    });
  };
  const isScript = (request) => request.url().startsWith(`${servers.pageOrigin}/`) && request.resourceType() === 'script';
  tab.on('request', onRequest);
  tab.on('requestfinished', onFinished);
  return {
    /** The app reported it has settled: what is asked for from now on is its background work. */
    settled() {
      settledAt = Date.now() - began;
    },
    async stop() {
      while (Date.now() - last < SETTLE_MS) await tab.waitForTimeout(SETTLE_MS - (Date.now() - last) + 10);
      tab.off('request', onRequest);
      tab.off('requestfinished', onFinished);
      const sent = served.slice(from);
      const network = seen.filter((s) => !s.fromCache);
      // Chromium's record must say what the server says: same files, same encoded sizes.
      const key = (list) => list.map((s) => `${s.path} ${s.bytes ?? s.bodySize}`).sort().join('\n');
      if (key(sent) !== key(network)) {
        throw new Error(`server and browser disagree:\nserver:\n${key(sent)}\nbrowser:\n${key(network)}\n${JSON.stringify(seen)}`);
      }
      return {
        bytes: sent.reduce((sum, s) => sum + s.bytes, 0),
        requests: sent.length,
        // HTTP/1.1 response headers of those requests, not in `bytes` (far fewer over HTTP/2 or 3).
        responseHeaders: network.reduce((sum, s) => sum + s.headersSize, 0),
        settledMs: settledAt,
        // ms: when it was asked for, from the start of the count (the navigation, or the last answer
        // at the provider for the callback page).
        files: network.map(({ path, frame, bodySize, ms }) => ({ path, frame, bytes: bodySize, ms, afterSettled: ms > settledAt })),
        fromCache: seen.filter((s) => s.fromCache).map(({ path, frame }) => ({ path, frame })),
      };
    },
  };
}

/** Waits until the app reports it has settled; fails on an error or another outcome than `signedIn`. */
async function settled(tab, app, signedIn) {
  await tab.waitForFunction(() => window.started);
  const started = await tab.evaluate(() => window.started);
  if (started.error) throw new Error(`${app.name}: ${started.error}`);
  if (started.signedIn !== signedIn) throw new Error(`${app.name}: signed ${started.signedIn ? 'in' : 'out'}, expected signed ${signedIn ? 'in' : 'out'}`);
}

/**
 * From the settled signed-out page, clicks "Sign in" and answers the provider's login and consent
 * pages (test/support/browser/demo.ts's selectors); `beforeCallback` runs before the last answer,
 * whose redirect lands on the callback page.
 */
async function signIn(tab, app, beforeCallback = async () => {}) {
  await tab.locator('#signed-out').evaluate((element) => (element.hidden = false));
  await tab.locator('#sign-in').click();
  await tab.waitForURL((url) => url.origin === servers.issuer);
  for (const prompt of ['login', 'consent']) {
    await tab.locator(`input[name="prompt"][value="${prompt}"]`).waitFor({ state: 'attached' });
    if (prompt === 'login') {
      await tab.locator('input[name="login"]').fill(USERNAME);
      await tab.locator('input[name="password"]').fill('any password');
    } else {
      await beforeCallback();
    }
    await tab.locator('button[type="submit"]').click();
  }
  await tab.waitForURL(`${servers.config.redirectUri}**`);
  await settled(tab, app, true);
}

/** A tab of the app in `context`, signed in through the provider's pages. */
async function signedInTab(context, app) {
  const tab = await newTab(context, app);
  await tab.goto(`${servers.pageOrigin}/`);
  await settled(tab, app, false);
  await signIn(tab, app);
  return tab;
}

/** What `tab` fetches, cold cache, for a page load by `load` that ends signed in. */
async function countSignedInLoad(tab, app, load) {
  await emptyCache(tab);
  const counter = count(tab);
  await load();
  await settled(tab, app, true);
  counter.settled();
  return counter.stop();
}

const scenarios = {
  /** A first visit: the app's start-up finds no session (its silent iframe included) and shows "Sign in". */
  async 'signed-out'(app) {
    const context = await openContext(app);
    try {
      const tab = await newTab(context, app);
      const counter = count(tab);
      await tab.goto(`${servers.pageOrigin}/`);
      await settled(tab, app, false);
      counter.settled();
      return await counter.stop();
    } finally {
      await context.close();
    }
  },
  /** Signed in once; the tab closed; a new tab of the app comes back signed in through the silent iframe. */
  async returning(app) {
    if (app.cannotSignIn) return { na: app.cannotSignIn };
    if (!app.restores) return { na: 'no session restore' };
    const context = await openContext(app);
    try {
      await (await signedInTab(context, app)).close();
      const tab = await newTab(context, app);
      return await countSignedInLoad(tab, app, () => tab.goto(`${servers.pageOrigin}/`));
    } finally {
      await context.close();
    }
  },
  /**
   * Signed in, then the tab reloaded, the session kept in sessionStorage: pkce-spa's app with
   * webStorageTokenStore(sessionStorage), oidc-client-ts's as it is (its user store's default).
   */
  async reload(app) {
    if (app.cannotSignIn) return { na: app.cannotSignIn };
    if (!app.restores) return { na: 'no session restore' };
    const used = apps.find((a) => a.name === `${app.name}-store`) ?? app;
    const context = await openContext(used);
    try {
      const tab = await signedInTab(context, used);
      return await countSignedInLoad(tab, used, () => tab.reload());
    } finally {
      await context.close();
    }
  },
  /** The page the provider's redirect lands on (/callback?code=…), until the app is signed in. */
  async callback(app) {
    if (app.cannotSignIn) return { na: app.cannotSignIn };
    const context = await openContext(app);
    try {
      const tab = await newTab(context, app);
      await tab.goto(`${servers.pageOrigin}/`);
      await settled(tab, app, false);
      let counter;
      await signIn(tab, app, async () => {
        await emptyCache(tab);
        counter = count(tab);
      });
      counter.settled();
      return await counter.stop();
    } finally {
      await context.close();
    }
  },
};

// ---- Run and report --------------------------------------------------------------------------

const results = {};
const began = Date.now();
try {
  for (const scenario of SCENARIOS) {
    for (const app of apps.filter((a) => !a.storeVariant)) {
      (results[app.name] ??= {})[scenario.id] = await scenarios[scenario.id](app);
    }
  }
} finally {
  await browser.close();
  await servers.close();
}

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const rows = [...SCENARIOS, { id: 'built', label: 'every file the build emits' }]
  .flatMap((s) => [false, true].map((dpop) => ({ ...s, dpop, label: `${s.label}${dpop ? ', DPoP' : ''}` })));
/** One cell: { bytes, requests } (requests: files, for the build's row), or { na: why }. */
const figure = (lib, row) => {
  if (row.dpop && !lib.dpop) return { na: 'no DPoP mode' };
  const app = apps.find((a) => a.lib === lib.lib && a.dpop === row.dpop);
  if (row.id !== 'built') return results[app.name][row.id];
  return { bytes: [...app.files.values()].reduce((sum, f) => sum + f.body.length, 0), requests: app.files.size };
};
const cell = (r, row) => (r.na ? `n/a (${r.na})` : `${kb(r.bytes)}, ${r.requests} ${row.id === 'built' ? (r.requests === 1 ? 'file' : 'files') : 'req'}`);
const heads = LIBS.map((l) => `${l.lib} ${version(l.lib)}`);
const table = [['', ...heads], ...rows.map((row) => [row.label, ...LIBS.map((l) => cell(figure(l, row), row))])];
const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
console.log('JavaScript a page fetches in Chromium: brotli bytes on the wire (1 KB = 1000 bytes) and script requests, cold cache');
for (const r of table) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
console.log([
  "signed-out visitor: a first visit; start-up done (signed out: pkce-spa asks a browser that never signed in nothing,",
  '  oidc-client-ts and keycloak-js make their silent check), then 1 s with no script request.',
  'returning user: signed in once, tab closed; a new tab restores the session (tokens in memory) through the silent iframe.',
  "reload: signed in, the tab reloaded; the session comes from sessionStorage (pkce-spa's app with webStorageTokenStore(sessionStorage),",
  "  oidc-client-ts's user store by default).",
  'callback page: the page the provider redirects to after the sign-in, until signed in (code exchange, ID token checks).',
  'Each counts the page and its frames; a file the silent page shares with the app comes from the cache and is not counted.',
  "Every file the build emits: also those this app never loads (pkce-spa's popup, logout, UserInfo, PAR, refresh chunks...), each compressed alone.",
  "pkce-spa's DPoP rows are the same app with dpop: true; oidc-client-ts's use its dpop setting (IndexedDbDPoPStore), oauth4webapi's",
  '  bind the token request (DPoP handle). keycloak-js cannot sign in against oidc-provider (see LIBS in bench/bytes.mjs): its app',
  '  is one file, all in the signed-out row. oauth4webapi checks no ID token signature and has no session restore.',
].join('\n'));

mkdirSync(`${root}/bench/.out`, { recursive: true });
const json = {
  generatedAt: new Date().toISOString(),
  versions: Object.fromEntries(LIBS.map((l) => [l.lib, version(l.lib)])),
  unit: 'bytes: brotli (quality 11) bodies sent by the page server for scripts; requests: script requests that reached it',
  scenarios: Object.fromEntries(SCENARIOS.map((s) => [s.id, s.label])),
  apps: Object.fromEntries(apps.map((app) => [app.name, {
    library: app.lib,
    dpop: app.dpop,
    built: [...app.files].map(([path, f]) => ({ path, minified: f.raw, brotli: f.body.length, imports: f.imports, dynamicImports: f.dynamicImports, modules: f.modules })),
    ...results[app.name],
  }])),
  // The printed table, cell by cell.
  table: rows.flatMap((row) => LIBS.map((l) => ({ scenario: row.id, dpop: row.dpop, library: l.lib, ...figure(l, row) }))),
};
writeFileSync(`${root}/bench/.out/bytes.json`, `${JSON.stringify(json, null, 2)}\n`);
console.log(`Written to bench/.out/bytes.json (builds ${buildSeconds.toFixed(0)} s, browser ${((Date.now() - began) / 1000).toFixed(0)} s).`);
