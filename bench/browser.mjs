// Sign-in click latency and session restore time, in real Chromium against the demo's
// oidc-provider, for pkce-spa and the peers that can talk to a generic OpenID provider.
// Usage: npm run build && flock /tmp/chromium.lock node bench/browser.mjs [--runs 15]
//
// The servers are the demo's (authorization server, page server, API), wired here rather than by
// startDemo() for two reasons:
// - Each app is the demo page (/, /callback) with /app.js replaced by a small app from bench/browser/
//   (bundled here with rollup + node-resolve + terser; pkce-spa's uses the page's real build,
//   dist/pkce-spa.iife.js), and each library's own silent page must be served at the one registered
//   silent redirect URI. The browser reaches that page through a redirect, which Playwright cannot
//   route, so the page server picks the app by a cookie.
// - Latency: the authorization server's handler waits 200 ms before it answers each request (a
//   delaying proxy, in-process), so every request to it, each hop of its redirects included, takes
//   200 ms longer.
// Each figure is measured in the page with performance.now(). Apps run in turn within each round, so
// a slow moment of the machine falls on all of them.
// The peers are bench/'s own package (bench/package.json), installed here when missing; rollup,
// playwright-core and the demo's servers come from the root's install.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { rollup } from 'rollup';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { launchChromium, startDemoServers } from './demo-servers.mjs';
import { installPackages } from '../scripts/install-packages.mjs';

await installPackages(['bench']);

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}/dist/pkce-spa.iife.js`)) {
  console.error('bench/browser.mjs needs the build: run npm run build first');
  process.exit(1);
}
const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '15' }, only: { type: 'string' } } });
const RUNS = Number(args.runs);
const LATENCIES = [0, 200];
const SETTLE_MS = 1000;

const version = (name) => JSON.parse(readFileSync(`${root}/${name.startsWith('pkce-spa') ? '' : `bench/node_modules/${name}/`}package.json`)).version;

// pkce-spa resolves to this repository's build, as an installed package would.
const self = { name: 'self', resolveId: (id) => (id === 'pkce-spa' ? `${root}/dist/pkce-spa.js` : null) };
async function bundle(file) {
  const build = await rollup({ input: `${root}/bench/browser/${file}`, plugins: [self, resolve({ browser: true }), terser()], onwarn: () => {} });
  // One file per app: the page serves /app.js and nothing else.
  const { output } = await build.generate({ format: 'es', inlineDynamicImports: true });
  await build.close();
  return output[0].code;
}
const js = (code) => ({ type: 'text/javascript', body: code });
const html = (script) => ({ type: 'text/html', body: `<!DOCTYPE html><meta charset="utf-8"><title>Signing in…</title><script type="module">${script}</script>` });
// Each app's /app.js and its own silent redirect page, all served alike: from memory, the page's
// script inline (the demo's silent-callback.html loads the 55 KB IIFE build, uncached, instead).
const apps = {
  'pkce-spa': {
    '/app.js': js(await bundle('pkce-spa.js')),
    '/silent-callback.html': html(await bundle('pkce-spa-silent.js')),
  },
  // The same app: it reads its name from the bench-app cookie and sets par: false.
  'pkce-spa-par-off': {
    '/app.js': js(await bundle('pkce-spa.js')),
    '/silent-callback.html': html(await bundle('pkce-spa-silent.js')),
  },
  oauth4webapi: { '/app.js': js(await bundle('oauth4webapi.js')) },
  'oidc-client-ts': {
    '/app.js': js(await bundle('oidc-client-ts.js')),
    '/silent-callback.html': html(await bundle('oidc-client-ts-silent.js')),
  },
  'keycloak-js': {
    '/app.js': js(await bundle('keycloak-js.js')),
    '/silent-callback.html': html('parent.postMessage(location.href, location.origin)'), // its documented silent-check-sso.html
  },
};

/** The demo's servers (bench/demo-servers.mjs); `latency` is adjustable. */
async function startServers() {
  const demo = await startDemoServers();
  const servers = { pageOrigin: demo.pageOrigin, issuer: demo.issuer, config: demo.config, latency: 0, pushes: 0, close: demo.close };
  let parEndpoint;
  demo.auth.setHandler((req, res) => {
    if (req.method === 'POST' && new URL(req.url, demo.issuer).href === parEndpoint) servers.pushes++;
    setTimeout(() => demo.authHandler(req, res), servers.latency);
  });
  demo.page.setHandler((req, res) => {
    const app = /(?:^|; )bench-app=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
    const own = apps[app]?.[new URL(req.url, demo.pageOrigin).pathname];
    if (!own) return demo.demoPages(req, res);
    res.writeHead(200, { 'Content-Type': `${own.type}; charset=utf-8`, 'Cache-Control': 'no-store' });
    res.end(own.body);
  });
  ({ pushed_authorization_request_endpoint: parEndpoint } = await (await fetch(`${demo.issuer}/.well-known/openid-configuration`)).json());
  return servers;
}

const servers = await startServers();
const { authorization_endpoint } = await (await fetch(`${servers.issuer}/.well-known/openid-configuration`)).json();
const browser = await launchChromium();

/** In every page: the click on "Sign in" and the navigation it starts, both on the page's clock. */
function probeSignInClick() {
  let clickedAt;
  addEventListener('click', (event) => event.target.id === 'sign-in' && (clickedAt = event.timeStamp), true);
  navigation.addEventListener('navigate', (event) => {
    if (clickedAt !== undefined) console.debug(`bench:navigate ${performance.now() - clickedAt} ${event.destination.url}`);
  });
}

/** A fresh browser context (no cookies, no cache) showing `name`'s app. */
async function openApp(name, { mode, store }) {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'bench-app', value: name, url: servers.pageOrigin }]);
  await context.addInitScript(probeSignInClick);
  await context.addInitScript((bench) => (window.bench = bench), { config: servers.config, mode, store });
  const tab = await context.newPage();
  tab.setDefaultTimeout(20_000);
  tab.on('pageerror', (error) => console.error(`${name}: ${error.message}`));
  tab.on('console', (message) => process.env.BENCH_DEBUG && console.error(`${name}: ${message.text()}`));
  return { context, tab };
}

/** Loads (or reloads) the app and waits until its start-up is done; returns what it reported. */
async function start(tab, reload = false) {
  await (reload ? tab.reload() : tab.goto(`${servers.pageOrigin}/`));
  await tab.waitForFunction(() => window.started);
  return tab.evaluate(() => window.started);
}

/** Clicks "Sign in" and answers the provider's login and consent pages, back to the app. */
async function signIn(tab) {
  await tab.locator('#signed-out').evaluate((element) => (element.hidden = false));
  await tab.locator('#sign-in').click();
  for (const prompt of ['login', 'consent']) {
    await tab.locator(`input[name="prompt"][value="${prompt}"]`).waitFor({ state: 'attached' });
    if (prompt === 'login') {
      await tab.locator('input[name="login"]').fill('alice');
      await tab.locator('input[name="password"]').fill('any password');
    }
    await tab.locator('button[type="submit"]').click();
  }
  await tab.waitForURL(`${servers.pageOrigin}/**`);
  await tab.waitForFunction(() => window.started?.signedIn);
}

/** For each app, the pushed authorization requests (RFC 9126) each page view of the click benchmark sent. */
const pushesPerView = {};

/** Milliseconds from the click on "Sign in" to the navigation to the authorization endpoint. */
async function clickToNavigation(name) {
  const pushesBefore = servers.pushes;
  const { context, tab } = await openApp(name, { mode: 'click' });
  try {
    const navigated = new Promise((resolve) => tab.on('console', (message) => message.text().startsWith('bench:navigate') && resolve(message.text())));
    await start(tab);
    await tab.locator('#signed-out').evaluate((element) => (element.hidden = false));
    await tab.waitForTimeout(SETTLE_MS);
    await tab.locator('#sign-in').click();
    const [, ms, url] = (await navigated).split(' ');
    if (!url.startsWith(`${authorization_endpoint}?`)) throw new Error(`${name} navigated to ${url}`);
    // The provider took the request: its login page shows.
    await tab.locator('input[name="prompt"][value="login"]').waitFor({ state: 'attached' });
    (pushesPerView[name] ??= []).push(servers.pushes - pushesBefore);
    return Number(ms);
  } finally {
    await context.close();
  }
}

/** What the app's start-up restore took, in ms, once it is known to have taken the expected path. */
function restored(name, via, started) {
  if (started.via !== via) throw new Error(`${name}: restored via ${started.via}, expected ${via}`);
  return started.ms;
}

/** An anonymous visitor: a fresh context, no session at the provider, the app's start-up restore. */
async function anonymousVisit(name, mode = 'restore') {
  const { context, tab } = await openApp(name, { mode });
  try {
    return restored(name, 'none', await start(tab));
  } finally {
    await context.close();
  }
}

/** A signed-in user who reloads: signs in once, then each sample is a reload and its restore. */
async function signedInReloads(name, via, store) {
  const { context, tab } = await openApp(name, { mode: 'restore', store });
  await start(tab);
  await signIn(tab);
  return Object.assign(async () => restored(name, via, await start(tab, true)), { close: () => context.close() });
}

// What a reader of the tables must know about who is in them.
const CLICK_NOTES = [
  'pkce-spa pushes the authorization request (PAR, RFC 9126, which oidc-provider offers) once its start-up restore',
  '  ends signed out, and the click leaves with that request_uri; pkce-spa-par-off is the same app with par: false.',
  'oidc-client-ts reads the metadata on the first call that needs it: the click waits for discovery.',
  "keycloak-js leaves at once but cannot finish a sign-in here: its token request is sent with credentials: 'include',",
  '  which oidc-provider\'s CORS does not allow (no Access-Control-Allow-Credentials).',
  'auth0-spa-js is left out: it builds Auth0\'s own URLs (https://<domain>/authorize, no discovery).',
];
const RESTORE_NOTES = [
  'Timed from the app\'s first line (client created) to the outcome: signed out (anonymous), or signed in via the',
  '  hidden prompt=none iframe or the sessionStorage store. The iframe path includes discovery, as at any start-up.',
  'pkce-spa\'s anonymous rows: by default (the README\'s call) a browser that never signed in here asks the server',
  '  nothing; the other row is silent: true, which always asks in the hidden iframe, as the peers\' silent sign-ins do.',
  'keycloak-js (check-sso) is in the anonymous row only: it cannot sign in here (see above). oauth4webapi has no restore.',
];

// Each case makes a sampler (a function that measures once) for each latency.
const clickCases = Object.keys(apps).map((name) => ({ name, sampler: async () => () => clickToNavigation(name) }));
const anonymous = (name) => ({ name, what: 'anonymous visitor', sampler: async () => () => anonymousVisit(name) });
// pkce-spa's default: a browser that never signed in here is not sent to the server.
const anonymousByDefault = (name) => ({ name, what: 'anonymous visitor, default (nothing asked)', sampler: async () => () => anonymousVisit(name, 'restore-default') });
const reload = (name, via, store) => ({ name, what: `signed in, reload (${store ?? 'iframe'})`, sampler: () => signedInReloads(name, via, store) });
const restoreCases = [
  anonymousByDefault('pkce-spa'),
  anonymous('pkce-spa'),
  anonymous('pkce-spa-par-off'),
  anonymous('oidc-client-ts'),
  anonymous('keycloak-js'),
  reload('pkce-spa', 'iframe'),
  reload('pkce-spa-par-off', 'iframe'),
  reload('oidc-client-ts', 'iframe'),
  reload('pkce-spa', 'store', 'sessionStorage'),
  reload('oidc-client-ts', 'store', 'sessionStorage'),
];

/** Runs every case RUNS + 1 times per latency, in turn; the first run of each is discarded. */
async function measure(cases) {
  for (const latency of LATENCIES) {
    servers.latency = latency;
    const samplers = [];
    for (const c of cases) samplers.push(await c.sampler());
    for (const c of cases) (c.ms ??= {})[latency] = [];
    for (let run = 0; run <= RUNS; run++) {
      for (const [i, c] of cases.entries()) {
        const ms = await samplers[i]();
        if (run > 0) c.ms[latency].push(ms);
      }
    }
    for (const sampler of samplers) await sampler.close?.();
  }
}

const quantile = (sorted, q) => {
  const at = (sorted.length - 1) * q;
  return sorted[Math.floor(at)] + (sorted[Math.ceil(at)] - sorted[Math.floor(at)]) * (at - Math.floor(at));
};
const summary = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const f = (n) => (n < 10 ? n.toFixed(1) : n.toFixed(0));
  return `${f(quantile(s, 0.5))} (${f(quantile(s, 0.25))}–${f(quantile(s, 0.75))}, ${f(s[0])}–${f(s.at(-1))})`.padEnd(28);
};
function print(title, cases, notes) {
  console.log(`\n${title}`);
  console.log(`ms: median (interquartile range, min–max) of ${RUNS} runs after a discarded first run`);
  const label = (c) => `${c.name} ${version(c.name)}${c.what ? `, ${c.what}` : ''}`;
  const width = Math.max(...cases.map((c) => label(c).length));
  const heading = (latency) => (latency ? `+${latency} ms per request to the provider` : 'no added latency').padEnd(28);
  console.log([''.padEnd(width), ...LATENCIES.map(heading)].join('  '));
  for (const c of cases) console.log([label(c).padEnd(width), ...LATENCIES.map((latency) => summary(c.ms[latency]))].join('  '));
  for (const note of notes) console.log(note);
}

try {
  // --only click | restore runs one of the two.
  if (args.only !== 'restore') {
    await measure(clickCases);
    print(`Click on "Sign in" → navigation to the authorization endpoint (page loaded, then ${SETTLE_MS} ms settled)`, clickCases, CLICK_NOTES);
    const perView = (name) => (pushesPerView[name].reduce((a, b) => a + b, 0) / pushesPerView[name].length).toFixed(2);
    console.log(`Pushed authorization requests per page view (load, click): ${clickCases.map((c) => `${c.name} ${perView(c.name)}`).join(', ')}`);
  }
  if (args.only !== 'click') {
    await measure(restoreCases);
    print('Session restore at start-up', restoreCases, RESTORE_NOTES);
  }
} finally {
  await browser.close();
  await servers.close();
}
