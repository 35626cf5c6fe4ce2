// The session over time in real Chromium against oidc-provider, which rotates refresh tokens and
// revokes the whole grant when a spent one comes back. Each case failed before the session became
// a state machine: a sign-out undone by a refresh in flight or by another tab, a rotated refresh
// token lost after a 200, and a duplicated tab spending the original's refresh token.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { blockDemoApp, openBareApp, outcome, type BareAppOptions } from '../support/browser/bare-app';
import { newDemoPage, refreshFromNode, signInThroughProvider, startDemoEnv, type DemoEnv } from '../support/browser/demo';

let env: DemoEnv;
beforeAll(async () => {
  env = await startDemoEnv(60);
});
afterAll(async () => {
  await env?.close();
});

interface Tab {
  context: BrowserContext;
  page: Page;
  /** Refresh tokens this context sent to the token endpoint, in order. */
  refreshes: string[];
  /** Tokens this context sent to the revocation endpoint. */
  revoked: string[];
}

let tab: Tab;
beforeEach(async () => {
  const { context, page } = await newDemoPage(env);
  await blockDemoApp(context, env);
  const refreshes: string[] = [];
  const revoked: string[] = [];
  context.on('request', (request) => {
    if (request.method() !== 'POST') return;
    const form = new URLSearchParams(request.postData() ?? '');
    if (request.url() === env.discovery.token_endpoint && form.get('grant_type') === 'refresh_token') {
      refreshes.push(form.get('refresh_token') ?? '');
    }
    if (request.url() === env.discovery.revocation_endpoint) revoked.push(form.get('token') ?? '');
  });
  tab = { context, page, refreshes, revoked };
  return () => context.close();
});

/** Signs in through oidc-provider's pages in `page`, with a client using `options`. */
async function signIn(page: Page, options: BareAppOptions) {
  await page.goto(env.demo.pageUrl);
  expect(await openBareApp(page, options)).toBe(false);
  await signInThroughProvider(page, env);
  expect(await openBareApp(page, options)).toBe(true);
}

// While any route is installed, Playwright answers every CORS preflight of the context itself. The
// routes here stay for one test each and only where no request needs a preflight: Bearer clients
// (no DPoP header), and no API call until the route is gone. The token and revocation requests
// they handle are plain form POSTs, which need none.

/** Answers refresh requests through `change`, after the server processed them for real. */
async function interceptRefreshes(context: BrowserContext, change: (body: Record<string, unknown>) => Promise<Record<string, unknown>>) {
  const issued: string[] = [];
  await context.route(env.discovery.token_endpoint, async (route: Route) => {
    const form = new URLSearchParams(route.request().postData() ?? '');
    if (form.get('grant_type') !== 'refresh_token') return route.continue();
    const response = await route.fetch();
    const body = (await response.json()) as Record<string, unknown>;
    if (typeof body.refresh_token === 'string') issued.push(body.refresh_token);
    await route.fulfill({ response, json: await change(body) });
  });
  return issued;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// The session's record: webStorageTokenStore's key is one per client (pkce-spa:tokens:<client>@<issuer>).
const storedTokens = (page: Page) =>
  page.evaluate(() => Object.entries(sessionStorage).find(([key]) => key.startsWith('pkce-spa:tokens'))?.[1] ?? null);

describe('a sign-out is final', () => {
  it('a refresh answered after logout() is not saved, and its new refresh token is revoked', async () => {
    const { page, context } = tab;
    await signIn(page, { store: 'sessionStorage' });
    const issued = await interceptRefreshes(context, async (body) => {
      await sleep(200);
      return body;
    });
    await page.evaluate(() => {
      window.stayOnPage = true;
      (window as { pending?: Promise<string> }).pending = window.auth.getAccessToken({ forceRefresh: true }).then(
        () => 'ok',
        (e: { code: string }) => e.code,
      );
    });
    await expect.poll(() => tab.refreshes.length).toBe(1);
    await page.evaluate(() => void window.auth.logout());
    expect(await page.evaluate(() => (window as { pending?: Promise<string> }).pending)).toBe('login_required');

    const [rt2] = issued;
    await expect.poll(() => tab.revoked).toContain(rt2);
    await sleep(300);
    expect(await page.evaluate(() => window.auth.isAuthenticated())).toBe(false);
    expect(await storedTokens(page)).toBeNull();
    expect((await refreshFromNode(env, rt2!)).body.error).toBe('invalid_grant');
  });

  it('a sign-out in one tab ends the session in every tab sharing the store, at once and durably, even when revocation fails', async () => {
    const { context, page: tabA } = tab;
    await context.route(env.discovery.revocation_endpoint!, (route) => route.abort('failed'));
    await signIn(tabA, { store: 'indexedDb' });

    const tabB = await context.newPage(); // asleep: no BroadcastChannel, so it learns only from the store
    await tabB.goto(env.demo.pageUrl);
    expect(await openBareApp(tabB, { store: 'indexedDb', noBroadcastChannel: true })).toBe(true);
    const tabC = await context.newPage();
    await tabC.goto(env.demo.pageUrl);
    expect(await openBareApp(tabC, { store: 'indexedDb' })).toBe(true);

    await tabA.evaluate(() => {
      window.stayOnPage = true;
      void window.auth.logout();
    });
    // At once: the tab listening on the channel is signed out within a second.
    await expect.poll(() => tabC.evaluate(() => window.auth.isAuthenticated()), { timeout: 1_000 }).toBe(false);
    expect(await tabC.evaluate(() => window.events)).toContainEqual(['session-ended', { reason: 'logout', elsewhere: true }]);

    // Durably: the tab that heard nothing refuses to refresh the ended session back to life.
    await expect.poll(() => tabA.evaluate(() => window.navigations.length)).toBe(1);
    const before = tab.refreshes.length;
    expect(await outcome(tabB, 'auth.getAccessToken({ forceRefresh: true })')).toBe('login_required');
    expect(tab.refreshes.length).toBe(before);
    expect(await tabB.evaluate(() => window.auth.isAuthenticated())).toBe(false);

    const tabD = await context.newPage(); // a tab opened later finds no session
    await tabD.goto(env.demo.pageUrl);
    expect(await openBareApp(tabD, { store: 'indexedDb' })).toBe(false);
  });
});

describe('after a 200 the spent refresh token is never sent again', () => {
  it('keys out of reach for the refreshed ID token: the session goes on with the new refresh token', async () => {
    const { page, context } = tab;
    await signIn(page, { store: 'sessionStorage' });
    await page.reload(); // a fresh page: the session comes from sessionStorage, the keys are not cached
    expect(await openBareApp(page, { store: 'sessionStorage' })).toBe(true);
    await context.route(env.discovery.jwks_uri, (route) => route.abort('failed'));
    expect(await outcome(page, 'auth.getAccessToken({ forceRefresh: true })')).toBe('ok');
    await context.unroute(env.discovery.jwks_uri); // the API call below is preflighted by the API itself
    expect(await outcome(page, 'auth.getAccessToken({ forceRefresh: true })')).toBe('ok');
    expect(new Set(tab.refreshes).size).toBe(2);
    const status = await page.evaluate(async (api) => (await window.auth.fetch(`${api}/api/me`)).status, env.demo.apiUrl);
    expect(status).toBe(200);
  });

  it('a malformed 200 ends the session and revokes the refresh token it carried', async () => {
    const { page, context } = tab;
    await signIn(page, { store: 'sessionStorage' });
    const issued = await interceptRefreshes(context, async (body) => ({ ...body, token_type: 'mac' }));
    expect(await outcome(page, 'auth.getAccessToken({ forceRefresh: true })')).toBe('invalid_response');
    const [rt2] = issued;
    await expect.poll(() => tab.revoked).toContain(rt2);
    expect(await outcome(page, 'auth.getAccessToken({ forceRefresh: true })')).toBe('login_required');
    expect(tab.refreshes).toHaveLength(1);
    expect(await storedTokens(page)).toBeNull();
    expect((await refreshFromNode(env, rt2!)).body.error).toBe('invalid_grant');
  });
});

describe('a duplicated tab', () => {
  it('starts signed out instead of spending the original’s refresh token; the original stays usable for three refreshes and a reload', async () => {
    const { page, context } = tab;
    await signIn(page, { store: 'sessionStorage' });
    const [copy] = await Promise.all([context.waitForEvent('page'), page.evaluate(() => void window.open(location.href))]);
    await copy!.waitForLoadState();
    expect(await storedTokens(copy!)).not.toBeNull(); // the browser copied it
    expect(await openBareApp(copy!, { store: 'sessionStorage' })).toBe(false);
    expect(await storedTokens(copy!)).toBeNull();

    for (let cycle = 0; cycle < 3; cycle++) {
      expect(await outcome(page, 'auth.getAccessToken({ forceRefresh: true })')).toBe('ok');
      expect(await outcome(copy!, 'auth.getAccessToken()')).toBe('login_required');
    }
    await page.reload(); // the original's own reload is no copy
    expect(await openBareApp(page, { store: 'sessionStorage' })).toBe(true);
    expect(await outcome(page, 'auth.getAccessToken({ forceRefresh: true })')).toBe('ok');
    expect(tab.refreshes).toHaveLength(4);
    expect(new Set(tab.refreshes).size).toBe(4);
    const status = await page.evaluate(async (api) => (await window.auth.fetch(`${api}/api/me`)).status, env.demo.apiUrl);
    expect(status).toBe(200);
  });
});
