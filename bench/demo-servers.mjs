// What the browser benchmarks (bench/browser.mjs, bench/bytes.mjs) share: the demo's servers on
// free loopback ports, wired as demo/start.mjs wires them, and Chromium launched as the tests launch it.
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createApiHandler } from '../demo/api-server.mjs';
import { API_SCOPE, CLIENT_ID, SCOPE, createAuthorizationServer } from '../demo/authorization-server.mjs';
import { listenLoopback } from '../demo/listen.mjs';
import { createPageHandler } from '../demo/page-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The authorization server, the API and a page server, listening; the API answers already. The
 * caller sets the page server's handler (`page.setHandler`, `demoPages` for what it does not serve
 * itself) and the authorization server's (`auth.setHandler`, `authHandler` being oidc-provider's).
 */
export async function startDemoServers() {
  const [page, auth, api] = [await listenLoopback('localhost', 0), await listenLoopback('localhost', 0), await listenLoopback('localhost', 0)];
  const pageOrigin = `http://localhost:${page.port}`;
  const issuer = `http://localhost:${auth.port}`;
  const apiUrl = `http://localhost:${api.port}`;
  // Access tokens for an hour: no library's refresh or silent renew runs in the background meanwhile.
  const as = await createAuthorizationServer({ issuer, pageOrigin, apiUrl, accessTokenTtl: 3600 });
  const config = {
    issuer,
    clientId: CLIENT_ID,
    redirectUri: `${pageOrigin}/callback`,
    silentRedirectUri: `${pageOrigin}/silent-callback.html`,
    scope: SCOPE,
    resource: apiUrl,
    apiUrl,
  };
  api.setHandler(createApiHandler({ pageOrigin, issuer, apiUrl, jwksUri: as.jwksUri, requiredScope: API_SCOPE }));
  return {
    page,
    auth,
    pageOrigin,
    issuer,
    config,
    authHandler: as.handler,
    demoPages: createPageHandler({ publicDir: `${root}/demo/public`, distDir: `${root}/dist`, config: () => config }),
    close: () => Promise.all([page, auth, api].map((s) => s.close())),
  };
}

/**
 * Chromium with the flags of test/support/browser/chromium.ts, LOOPBACK_ONLY included: no host but
 * loopback (the provider's dev pages @import a web font), kept out by Chromium's resolver rather than
 * by Playwright routes, which would answer CORS preflights in the servers' place and so without their
 * latency.
 */
export const launchChromium = () =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE ::1'],
  });
