// `npm run demo`: the demo page, the authorization server and the API, each on its own loopback
// origin. Tests import startDemo() and run the very same servers on free ports.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { createApiHandler } from './api-server.mjs';
import { API_SCOPE, BILLING_SCOPE, CLIENT_ID, SCOPE, createAuthorizationServer } from './authorization-server.mjs';
import { listenLoopback } from './listen.mjs';
import { createPageHandler } from './page-server.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const DIST_DIR = here('../dist');
export const DEFAULTS = { host: 'localhost', pagePort: 5173, authPort: 4000, apiPort: 4001, billingPort: 4002, accessTokenTtl: 60 };

const same = (handler) => handler;
const originOf = (host, port) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

/**
 * Starts the four servers: the page, the authorization server, and two APIs (the demo API, and a
 * billing API whose tokens have their own audience and scope, so the page holds a token per API).
 * Port 0 (the default here) means any free port: the servers listen
 * first, then oidc-provider is configured with the real origins (issuer, redirect URIs).
 * `pageHost` puts the page on another loopback name than the servers (127.0.0.1 vs localhost are
 * different sites, as an app and a third-party authorization server are); `coop` makes the
 * authorization server send `Cross-Origin-Opener-Policy: same-origin`, as many do; `dpop` (default
 * true) tells the page to use DPoP-bound tokens (RFC 9449); `dpopNonces` (default: as `dpop`)
 * makes the authorization server and the API require DPoP nonces (RFC 9449 §8, §9), so that a proof
 * signed ahead by script in the page stops working within the nonce's life. `publicDir`
 * replaces the demo page with another app (the framework examples' tests serve a built example
 * there, so it runs on the origin the authorization server has registered). `wrap` lets a test see
 * or change what a server answers, in the server itself (see start.d.mts).
 * @param {{ host?: 'localhost'|'127.0.0.1'|'::1', pageHost?: 'localhost'|'127.0.0.1'|'::1', pagePort?: number,
 *           authPort?: number, apiPort?: number, billingPort?: number, accessTokenTtl?: number, coop?: boolean, dpop?: boolean, dpopNonces?: boolean,
 *           quiet?: boolean, publicDir?: string, wrap?: { page?: Function, auth?: Function, api?: Function, billing?: Function } }} [options]
 */
export async function startDemo({
  host = 'localhost', pageHost = host, pagePort = 0, authPort = 0, apiPort = 0, billingPort = 0, accessTokenTtl = DEFAULTS.accessTokenTtl,
  coop = false, dpop = true, dpopNonces = dpop, quiet = false, publicDir = here('./public'), wrap = {}, appOrigins = [], nonceRotation = 60,
} = {}) {
  for (const origin of appOrigins) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin || !/^https?:$/.test(new URL(origin).protocol)) {
      throw new Error(`appOrigins: "${origin}" is not an origin; give scheme, host and port only, e.g. http://localhost:5174`);
    }
  }
  if (!Number.isInteger(accessTokenTtl) || accessTokenTtl < 1) {
    throw new Error(`accessTokenTtl must be a positive number of seconds, got ${accessTokenTtl}`);
  }
  const listeners = [];
  const close = () => Promise.all(listeners.map((l) => l.close())).then(() => {});
  try {
    listeners.push(await listenLoopback(pageHost, pagePort));
    for (const port of [authPort, apiPort, billingPort]) listeners.push(await listenLoopback(host, port));
    const [page, auth, api, billing] = listeners;
    const origin = (port, name = host) => originOf(name, port);
    const pageOrigin = origin(page.port, pageHost);
    const issuer = origin(auth.port);
    const apiUrl = origin(api.port); // also the resource indicator and the access tokens' audience
    const billingUrl = origin(billing.port); // the same for the second API

    const as = await createAuthorizationServer({ issuer, pageOrigin, apiUrl, billingUrl, accessTokenTtl, dpopNonces, appOrigins });
    as.provider.on('server_error', (ctx, error) => {
      if (!quiet) console.error(`authorization server error: ${error.message}`);
    });

    // Everything the page needs, served as /config.json.
    const config = {
      issuer,
      clientId: CLIENT_ID,
      redirectUri: `${pageOrigin}/callback`,
      // A lean page that only hands silent and popup responses back (demo/public/silent-callback.html).
      silentRedirectUri: `${pageOrigin}/silent-callback.html`,
      postLogoutRedirectUri: `${pageOrigin}/`,
      // The demo's tokens are DPoP-bound (RFC 9449); --no-dpop shows plain Bearer tokens.
      dpop,
      scope: SCOPE,
      resource: apiUrl,
      apiUrl,
      apiScope: API_SCOPE,
      // The second API: auth.fetch sends it a token of its own, asked for with the refresh token.
      billingUrl,
      billingScope: BILLING_SCOPE,
      accessTokenTtl,
    };

    const { page: wrapPage = same, auth: wrapAuth = same, api: wrapApi = same, billing: wrapBilling = same } = wrap;
    auth.setHandler(wrapAuth(coop ? (req, res) => (res.setHeader('Cross-Origin-Opener-Policy', 'same-origin'), as.handler(req, res)) : as.handler));
    const apiOptions = { pageOrigin, issuer, jwksUri: as.jwksUri, dpopNonces, appOrigins, nonceRotation };
    api.setHandler(wrapApi(createApiHandler({ ...apiOptions, apiUrl, requiredScope: API_SCOPE })));
    billing.setHandler(wrapBilling(createApiHandler({ ...apiOptions, apiUrl: billingUrl, requiredScope: BILLING_SCOPE, name: 'the billing API' })));
    const ownApp = resolve(publicDir) !== here('./public');
    page.setHandler(wrapPage(createPageHandler({ publicDir, distDir: DIST_DIR, config: () => config, ownApp })));

    return { pageUrl: `${pageOrigin}/`, pageOrigin, issuer, apiUrl, billingUrl, clientId: CLIENT_ID, scope: SCOPE, config, appOrigins, notices: as.notices, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Serves the demo page alone (demo/public and the SDK build) on loopback, without the demo's
 * authorization server and API: for tests that point the page at another server. `config` is
 * called on every request for /config.json, so it may be filled in once the other servers run.
 * @param {{ host?: 'localhost'|'127.0.0.1'|'::1', port?: number, config: () => object, wrap?: Function }} options
 */
export async function startDemoPage({ host = 'localhost', port = 0, config, wrap = same }) {
  const listener = await listenLoopback(host, port);
  listener.setHandler(wrap(createPageHandler({ publicDir: here('./public'), distDir: DIST_DIR, config })));
  const pageOrigin = originOf(host, listener.port);
  return { pageUrl: `${pageOrigin}/`, pageOrigin, close: listener.close };
}

const HELP = `Usage: node demo/start.mjs [options]   (npm run demo builds first)

  --page-port <n>         demo page port            (env DEMO_PAGE_PORT, default ${DEFAULTS.pagePort})
  --auth-port <n>         authorization server port (env DEMO_AUTH_PORT, default ${DEFAULTS.authPort})
  --api-port <n>          demo API port             (env DEMO_API_PORT, default ${DEFAULTS.apiPort})
  --billing-port <n>      billing API port          (env DEMO_BILLING_PORT, default ${DEFAULTS.billingPort})
  --access-token-ttl <s>  access token lifetime     (env DEMO_ACCESS_TOKEN_TTL, default ${DEFAULTS.accessTokenTtl})
  --host <name>           localhost, 127.0.0.1 or ::1 (env DEMO_HOST, default localhost)
  --no-dpop               plain Bearer tokens instead of DPoP-bound ones (RFC 9449)
  --no-dpop-nonces        DPoP without server nonces (RFC 9449 §8, §9): proofs signed
                          ahead of time then stay usable for their whole window
  --public <dir>          serve this built app instead of the demo page, e.g. a framework
                          example (docs/frameworks.md); its index.html answers / and /callback
                          and every other path without a file (deep links such as /inbox)
  --app-origin <origin>   your own app's dev server, e.g. http://localhost:5174 (repeatable;
                          env DEMO_APP_ORIGINS, comma-separated): its /callback and
                          /silent-callback.html become redirect URIs, / the post-logout URI,
                          and the authorization server and the API allow it by CORS
  --verbose               also print oidc-provider's development notices
  -h, --help              this text
Use port 0 for any free port.`;

function readOptions() {
  const { values } = parseArgs({
    options: {
      'page-port': { type: 'string' },
      'auth-port': { type: 'string' },
      'api-port': { type: 'string' },
      'billing-port': { type: 'string' },
      'access-token-ttl': { type: 'string' },
      host: { type: 'string' },
      public: { type: 'string' },
      'no-dpop': { type: 'boolean' },
      'no-dpop-nonces': { type: 'boolean' },
      'app-origin': { type: 'string', multiple: true },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const number = (flag, env, fallback) => {
    const raw = values[flag] ?? process.env[env];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--${flag} (or ${env}) must be an integer, got "${raw}"`);
    return n;
  };
  return {
    help: values.help,
    verbose: values.verbose,
    host: values.host ?? process.env.DEMO_HOST ?? DEFAULTS.host,
    pagePort: number('page-port', 'DEMO_PAGE_PORT', DEFAULTS.pagePort),
    authPort: number('auth-port', 'DEMO_AUTH_PORT', DEFAULTS.authPort),
    apiPort: number('api-port', 'DEMO_API_PORT', DEFAULTS.apiPort),
    billingPort: number('billing-port', 'DEMO_BILLING_PORT', DEFAULTS.billingPort),
    accessTokenTtl: number('access-token-ttl', 'DEMO_ACCESS_TOKEN_TTL', DEFAULTS.accessTokenTtl),
    ...(values.public && { publicDir: resolve(values.public) }),
    dpop: !values['no-dpop'],
    dpopNonces: !values['no-dpop'] && !values['no-dpop-nonces'],
    appOrigins: values['app-origin'] ?? (process.env.DEMO_APP_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
  };
}

async function main() {
  const { help, verbose, ...options } = readOptions();
  if (help) return console.log(HELP);

  const demo = await startDemo(options);
  if (verbose) for (const notice of demo.notices) console.log(notice);
  if (!existsSync(`${DIST_DIR}/pkce-spa.js`)) {
    console.warn('Note: dist/pkce-spa.js is missing; run `npm run build` (npm run demo does it for you).');
  }
  console.log(`
pkce-spa demo is running. Open ${demo.pageUrl}

  demo page             ${demo.config.redirectUri.replace(/\/callback$/, '')}
  authorization server  ${demo.issuer}   (sign in with any username and password)
  demo API              ${demo.apiUrl}/api/me
  billing API           ${demo.billingUrl}/api/me   (its own token: aud ${demo.billingUrl}, scope ${BILLING_SCOPE})
  access tokens last ${options.accessTokenTtl} s, so refreshes are easy to watch.${demo.appOrigins.map((o) => `
  your app              ${o}, with:
    createPkceClient({ issuer: '${demo.issuer}', clientId: '${demo.clientId}', redirectUri: '${o}/callback',
      silentRedirectUri: '${o}/silent-callback.html', scope: '${demo.scope}', resource: '${demo.apiUrl}',${demo.config.dpop ? ' dpop: true,' : ''}
      apiOrigins: ['${demo.apiUrl}', { origin: '${demo.billingUrl}', resource: '${demo.billingUrl}', scope: '${BILLING_SCOPE}' }] })`).join('')}

Storage is in memory and the sign-in pages are oidc-provider's development pages: not for production.
Press Ctrl-C to stop.`);

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the demo servers…`);
    await demo.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(`demo failed to start: ${error.message}`);
    process.exitCode = 1;
  });
}
