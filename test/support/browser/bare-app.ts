// Turns a tab showing the demo's real page (served from loopback, with the SDK's real build, its
// app.js left out) into a bare app: a client made with the options a test asks for, exposed as
// `window.auth`, its events recorded in `window.events`, its navigations in `window.navigations`.
import type { BrowserContext, Page } from 'playwright-core';
import type { WrapHandler } from '../../../demo/start.mjs';
import type { DemoEnv } from './demo';

export type StoreKind = 'memory' | 'sessionStorage' | 'indexedDb';

export interface BareAppOptions {
  store?: StoreKind;
  /** Hide BroadcastChannel from the page before the client is made: it learns only from the store. */
  noBroadcastChannel?: boolean;
  /** Sender-constrained tokens (RFC 9449). */
  dpop?: boolean;
  /** Another app on the same origin: its own `clientId` (the demo's by default). */
  clientId?: string;
  /** `par: false` sends the authorization request in the URL (RFC 9126 off). */
  par?: boolean;
  /** Metadata members to use instead of what discovery says. */
  metadataOverrides?: Record<string, string>;
  /** RFC 8707 resource indicators instead of the demo's `resource`. */
  resource?: string | string[];
}

declare global {
  interface Window {
    auth: import('../../../src/index.js').PkceClient;
    events: [string, unknown][];
    navigations: string[];
    /** When true, the client's navigations are recorded but not performed. */
    stayOnPage?: boolean;
    /** What the click on #popup-sign-in came to. */
    popupResult?: Promise<{ ok: boolean; sub?: string; code?: string }>;
  }
}
declare const PkceSpa: typeof import('../../../src/index.js');

const BARE_APP_COOKIE = 'pkce-spa-test-app';

/**
 * The page server's side of blockDemoApp(): /app.js is a 404 for a browser that carries the
 * cookie. The page server does it rather than a Playwright route because while any route is
 * installed, Playwright answers every CORS preflight of the page itself, and the tests would never
 * see what the authorization server and the API answer to one.
 */
export const serveBareApp: WrapHandler = (handler) => (req, res) => {
  const bare = (req.headers.cookie ?? '').split(/;\s*/).includes(`${BARE_APP_COOKIE}=bare`);
  if (bare && new URL(req.url ?? '/', 'http://page.invalid').pathname === '/app.js') {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end('left out: this browser context runs a bare app');
    return;
  }
  return handler(req, res);
};

/**
 * Keeps the demo's own app out of every page of the context, popups included: the tests make their
 * own client. The page server must wrap its handler in serveBareApp (startDemoEnv's does).
 */
export const blockDemoAppAt = (context: BrowserContext, pageOrigin: string) =>
  context.addCookies([{ name: BARE_APP_COOKIE, value: 'bare', url: pageOrigin }]);

export const blockDemoApp = (context: BrowserContext, env: DemoEnv) => blockDemoAppAt(context, env.demo.pageOrigin);

/** Makes the client, handles a callback if the URL is one, and says whether the tab is signed in. */
export async function openBareApp(page: Page, options: BareAppOptions = {}): Promise<boolean> {
  await page.waitForFunction(() => 'PkceSpa' in window);
  return page.evaluate(async ({ store, noBroadcastChannel, dpop, clientId, metadataOverrides, par, resource }) => {
    if (noBroadcastChannel) delete (window as { BroadcastChannel?: unknown }).BroadcastChannel;
    const c = await (await fetch('/config.json')).json();
    window.events = [];
    window.navigations = [];
    window.auth = PkceSpa.createPkceClient({
      issuer: c.issuer,
      clientId: clientId ?? c.clientId,
      redirectUri: c.redirectUri,
      silentRedirectUri: c.silentRedirectUri,
      popupRedirectUri: c.silentRedirectUri,
      postLogoutRedirectUri: c.postLogoutRedirectUri,
      dpop,
      par,
      metadataOverrides,
      scope: c.scope,
      resource: resource ?? c.resource,
      // The demo's billing API gets a token of its own (pages pointed at other servers have none).
      apiOrigins: [c.apiUrl, ...(c.billingUrl ? [{ origin: c.billingUrl, resource: c.billingUrl, scope: c.billingScope }] : [])],
      tokenStore:
        store === 'indexedDb'
          ? PkceSpa.indexedDbTokenStore('shared-session')
          : store === 'sessionStorage'
            ? PkceSpa.webStorageTokenStore(sessionStorage)
            : undefined,
      navigate: (url) => {
        window.navigations.push(url);
        if (!window.stayOnPage) location.assign(url);
      },
    });
    for (const name of ['signed-in', 'refreshed', 'refresh-failed', 'session-ended'] as const) {
      window.auth.on(name, (detail) => window.events.push([name, detail]));
    }
    const signIn = document.getElementById('sign-in')!;
    signIn.closest('[hidden]')?.removeAttribute('hidden');
    signIn.onclick = () => void window.auth.login({ returnTo: '/' });
    // A popup needs the user's click: the test clicks this button.
    const popup = document.createElement('button');
    popup.id = 'popup-sign-in';
    popup.textContent = 'Sign in with a popup';
    popup.onclick = () => {
      window.popupResult = window.auth.loginWithPopup().then(
        (result) => ({ ok: true, sub: result.user?.sub }),
        (e: { code?: string }) => ({ ok: false, code: e.code }),
      );
    };
    document.body.prepend(popup);
    const result = await window.auth.handleRedirect();
    if (result) history.replaceState(null, '', result.returnTo);
    return window.auth.isAuthenticated(); // handleRedirect() has loaded a persisted session
  }, options);
}

/** The outcome of a call in the page: 'ok', or the error's code. */
export const outcome = (page: Page, call: string) =>
  page.evaluate(
    (source) =>
      (new Function('auth', `return ${source}`)(window.auth) as Promise<unknown>).then(
        () => 'ok',
        (e: { code?: string }) => e?.code ?? String(e),
      ),
    call,
  );
