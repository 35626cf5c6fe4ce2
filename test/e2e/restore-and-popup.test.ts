// Sessions that survive what users do (issue 11), in real Chromium against oidc-provider: a reload
// brought back without leaving the page (silent iframe, or the persistent store), an anonymous
// visitor who costs no navigation, third-party cookies blocked, popup sign-in with and without
// Cross-Origin-Opener-Policy, and tabs that follow each other's sign-in and sign-out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { blockDemoApp, openBareApp, outcome, type BareAppOptions } from '../support/browser/bare-app';
import { answerProviderPages, newDemoPage, signInThroughProvider, startDemoEnv, type DemoEnv } from '../support/browser/demo';

interface Watched {
  context: BrowserContext;
  page: Page;
  /** Top-level navigations of the tab after `reset()`. */
  navigations: () => number;
  /** Requests to the authorization endpoint, with the frame they came from. */
  authorizeRequests: { url: URL; topLevel: boolean }[];
  /** The parameters pushed to the PAR endpoint (RFC 9126), which oidc-provider advertises. */
  pushed: URLSearchParams[];
  reset(): void;
}

async function watchedTab(env: DemoEnv): Promise<Watched> {
  const { context, page } = await newDemoPage(env);
  await blockDemoApp(context, env);
  let navigations = 0;
  const authorizeRequests: Watched['authorizeRequests'] = [];
  const pushed: URLSearchParams[] = [];
  page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations++);
  context.on('request', (request) => {
    if (request.url().startsWith(env.discovery.authorization_endpoint)) {
      authorizeRequests.push({ url: new URL(request.url()), topLevel: request.frame() === page.mainFrame() });
    }
    if (request.method() === 'POST' && request.url() === env.discovery.pushed_authorization_request_endpoint) {
      pushed.push(new URLSearchParams(request.postData() ?? ''));
    }
  });
  return {
    context,
    page,
    navigations: () => navigations,
    authorizeRequests,
    pushed,
    reset() {
      navigations = 0;
      authorizeRequests.length = 0;
      pushed.length = 0;
    },
  };
}

async function signIn(env: DemoEnv, tab: Watched, options: BareAppOptions = {}) {
  await tab.page.goto(env.demo.pageUrl);
  await openBareApp(tab.page, options);
  await signInThroughProvider(tab.page, env);
  expect(await openBareApp(tab.page, options)).toBe(true);
}

const restore = (page: Page, options: Record<string, unknown> = {}) =>
  page.evaluate(async (opts) => {
    const started = performance.now();
    const result = await window.auth.restoreSession(opts);
    return { signedIn: result.signedIn, via: result.via, reason: result.reason, sub: result.user?.sub, ms: performance.now() - started };
  }, options);

describe('restoreSession() on the same site', () => {
  let env: DemoEnv;
  beforeAll(async () => {
    env = await startDemoEnv(60);
  });
  afterAll(() => env?.close());

  it('after a reload, the user is signed in again by a silent iframe, with no top-level navigation', async () => {
    const tab = await watchedTab(env);
    await signIn(env, tab);
    await tab.page.reload();
    expect(await openBareApp(tab.page)).toBe(false); // memory store: the reload took the tokens
    tab.reset();
    const result = await restore(tab.page);
    expect(result).toMatchObject({ signedIn: true, via: 'iframe', sub: 'alice' });
    expect(tab.navigations()).toBe(0);
    expect(tab.authorizeRequests).toHaveLength(1);
    expect(tab.authorizeRequests[0]).toMatchObject({ topLevel: false });
    // oidc-provider advertises PAR, but the iframe's prompt=none request is not pushed: a push would
    // put a round trip before every restore. The parameters go in the iframe's URL.
    expect(tab.authorizeRequests[0]!.url.searchParams.get('prompt')).toBe('none');
    expect(tab.authorizeRequests[0]!.url.searchParams.has('request_uri')).toBe(false);
    expect(tab.pushed).toEqual([]);
    expect(await tab.page.locator('iframe').count()).toBe(0); // removed when done
    const status = await tab.page.evaluate(async (api) => (await window.auth.fetch(`${api}/api/me`)).status, env.demo.apiUrl);
    expect(status).toBe(200);
    await tab.context.close();
  });

  it('with par: true the iframe request is pushed too, the iframe carrying only a request_uri', async () => {
    const tab = await watchedTab(env);
    await signIn(env, tab, { par: true });
    await tab.page.reload();
    expect(await openBareApp(tab.page, { par: true })).toBe(false);
    tab.reset();
    expect(await restore(tab.page)).toMatchObject({ signedIn: true, via: 'iframe', sub: 'alice' });
    expect(tab.authorizeRequests[0]!.url.searchParams.has('request_uri')).toBe(true);
    expect(tab.pushed.map((form) => form.get('prompt'))).toEqual(['none']);
    await tab.context.close();
  });

  it('with the persistent store, the session comes from it without asking the server', async () => {
    const tab = await watchedTab(env);
    await signIn(env, tab, { store: 'sessionStorage' });
    await tab.page.reload();
    tab.reset();
    expect(await openBareApp(tab.page, { store: 'sessionStorage' })).toBe(true);
    expect(await restore(tab.page)).toMatchObject({ signedIn: true, via: 'store', sub: 'alice' });
    expect(tab.authorizeRequests).toHaveLength(0);
    expect(tab.navigations()).toBe(0);
    await tab.context.close();
  });

  it('an anonymous visitor: signed out at once, nothing asked of the server; silent: true asks in one iframe', async () => {
    const tab = await watchedTab(env);
    await tab.page.goto(env.demo.pageUrl);
    await openBareApp(tab.page);
    tab.reset();
    expect(await restore(tab.page)).toMatchObject({ signedIn: false, via: 'none', reason: 'skipped' });
    expect(tab.authorizeRequests).toHaveLength(0);
    expect(await tab.page.locator('iframe').count()).toBe(0);
    const result = await restore(tab.page, { silent: true });
    expect(result).toMatchObject({ signedIn: false, via: 'none', reason: 'login_required' });
    expect(tab.navigations()).toBe(0);
    expect(tab.authorizeRequests).toEqual([expect.objectContaining({ topLevel: false })]);
    expect(await outcome(tab.page, 'auth.getAccessToken()')).toBe('login_required');
    await tab.context.close();
  });

  it('signed out, the sign-in request is pushed once after the restore; the click leaves with its request_uri and signs in', async () => {
    const tab = await watchedTab(env);
    await tab.page.goto(env.demo.pageUrl);
    await openBareApp(tab.page);
    tab.reset();
    expect(await restore(tab.page)).toMatchObject({ signedIn: false, reason: 'skipped' });
    await expect.poll(() => tab.pushed.length).toBe(1);
    expect(tab.pushed[0]!.get('redirect_uri')).toBe(env.demo.config.redirectUri);
    expect(tab.pushed[0]!.has('prompt')).toBe(false);
    const { callbackUrl } = await signInThroughProvider(tab.page, env);
    // The click sent no push of its own: the browser went with the one made ahead.
    expect(tab.pushed).toHaveLength(1);
    expect(tab.authorizeRequests.filter((r) => r.topLevel)[0]!.url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect(new URL(callbackUrl!).searchParams.get('state')).toBe(tab.pushed[0]!.get('state'));
    expect(await openBareApp(tab.page)).toBe(true);
    await tab.context.close();
  });

  it('with DPoP, the request pushed ahead binds a key that waits in memory until the click, then outlives the redirect', async () => {
    const tab = await watchedTab(env);
    await tab.page.goto(env.demo.pageUrl);
    await openBareApp(tab.page, { dpop: true });
    tab.reset();
    // One request, sent twice: the demo's server answers the first proof with use_dpop_nonce.
    const states = () => new Set(tab.pushed.map((form) => form.get('state')));
    expect(await restore(tab.page)).toMatchObject({ signedIn: false });
    // With DPoP the push (and the DPoP code it loads) waits for the user's first sign of life.
    await tab.page.waitForTimeout(300);
    expect(tab.pushed).toHaveLength(0);
    await tab.page.mouse.move(10, 10);
    await expect.poll(() => tab.pushed.length).toBe(2);
    expect(states().size).toBe(1);
    expect(tab.pushed[0]!.get('dpop_jkt')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { callbackUrl } = await signInThroughProvider(tab.page, env);
    expect(tab.pushed).toHaveLength(2);
    expect(new URL(callbackUrl!).searchParams.get('state')).toBe(tab.pushed[0]!.get('state'));
    // The callback page redeems the code with a proof of that key: the tokens are DPoP-bound.
    expect(await openBareApp(tab.page, { dpop: true })).toBe(true);
    const status = await tab.page.evaluate(async (api) => (await window.auth.fetch(`${api}/api/me`)).status, env.demo.apiUrl);
    expect(status).toBe(200);
    await tab.context.close();
  });

  it("silent: 'if-hinted' (the default) costs an anonymous visitor nothing, and a returning one is hinted", async () => {
    const tab = await watchedTab(env);
    await tab.page.goto(env.demo.pageUrl);
    await openBareApp(tab.page);
    tab.reset();
    expect(await restore(tab.page, { silent: 'if-hinted' })).toMatchObject({ signedIn: false, reason: 'skipped' });
    expect(tab.authorizeRequests).toHaveLength(0);
    expect(await tab.page.evaluate(() => window.auth.hadSession())).toBe(false);
    await signInThroughProvider(tab.page, env);
    await openBareApp(tab.page);
    expect(await tab.page.evaluate(() => window.auth.hadSession())).toBe(true);
    await tab.context.close();
  });

  it("a server that shows a page to prompt=none clears the hint, so 'if-hinted' stops trying", async () => {
    // LemonLDAP::NG shows its login form to a prompt=none request instead of answering login_required.
    // Here the authorization endpoint is a page of the server that never answers either.
    const tab = await watchedTab(env);
    await tab.page.goto(env.demo.pageUrl);
    await openBareApp(tab.page);
    await signInThroughProvider(tab.page, env);
    expect(await openBareApp(tab.page)).toBe(true);
    const showsAPage = { authorization_endpoint: `${env.demo.issuer}/.well-known/openid-configuration` };
    await tab.page.goto(env.demo.pageUrl); // memory store: the reload is signed out, the hint says it was not
    await openBareApp(tab.page, { metadataOverrides: showsAPage });
    expect(await tab.page.evaluate(() => window.auth.hadSession())).toBe(true);
    expect(await restore(tab.page, { silent: 'if-hinted' })).toMatchObject({ signedIn: false, reason: 'no_answer' });
    expect(await tab.page.evaluate(() => window.auth.hadSession())).toBe(false);
    await tab.page.goto(env.demo.pageUrl);
    await openBareApp(tab.page, { metadataOverrides: showsAPage });
    tab.reset();
    expect(await restore(tab.page, { silent: 'if-hinted' })).toMatchObject({ signedIn: false, reason: 'skipped' });
    expect(tab.authorizeRequests).toHaveLength(0);
    await tab.context.close();
  });
});

describe('restoreSession() with the authorization server on another site and third-party cookies blocked', () => {
  let env: DemoEnv;
  beforeAll(async () => {
    env = await startDemoEnv(60, { pageHost: '127.0.0.1', chromiumArgs: ['--test-third-party-cookie-phaseout'] });
  });
  afterAll(() => env?.close());

  it('ends quickly and cleanly signed out, with the server’s login_required', async () => {
    const tab = await watchedTab(env);
    await signIn(env, tab); // a real session at the server, which the iframe cannot see
    await tab.page.reload();
    await openBareApp(tab.page);
    tab.reset();
    const result = await restore(tab.page);
    expect(result).toMatchObject({ signedIn: false, via: 'none', reason: 'login_required' });
    expect(result.ms).toBeLessThan(10_000); // well before the silent timeout; the benchmark gives the figure
    expect(tab.navigations()).toBe(0);
    await tab.context.close();
  });
});

for (const coop of [false, true]) {
  describe(`loginWithPopup() ${coop ? 'with' : 'without'} Cross-Origin-Opener-Policy at the authorization server`, () => {
    let env: DemoEnv;
    beforeAll(async () => {
      env = await startDemoEnv(60, { coop });
    });
    afterAll(() => env?.close());

    it('signs in without leaving the page, and the popup closes', async () => {
      const tab = await watchedTab(env);
      await tab.page.goto(env.demo.pageUrl);
      await openBareApp(tab.page);
      tab.reset();
      const [popup] = await Promise.all([tab.context.waitForEvent('page'), tab.page.click('#popup-sign-in')]);
      await answerProviderPages(popup!, env);
      expect(await tab.page.evaluate(() => window.popupResult)).toEqual({ ok: true, sub: 'alice' });
      expect(await tab.page.evaluate(() => window.auth.isAuthenticated())).toBe(true);
      expect(tab.navigations()).toBe(0);
      await expect.poll(() => popup!.isClosed()).toBe(true);
      await tab.context.close();
    });
  });
}

describe('loginWithPopup() refusals', () => {
  let env: DemoEnv;
  beforeAll(async () => {
    env = await startDemoEnv(60);
  });
  afterAll(() => env?.close());

  it('a blocked popup is a PopupError popup_blocked', async () => {
    const tab = await watchedTab(env);
    await tab.page.goto(env.demo.pageUrl);
    await openBareApp(tab.page);
    await tab.page.evaluate(() => (window.open = () => null)); // what a popup blocker does
    await tab.page.click('#popup-sign-in');
    expect(await tab.page.evaluate(() => window.popupResult)).toEqual({ ok: false, code: 'popup_blocked' });
    await tab.context.close();
  });

  it('a popup the user closes is a PopupError popup_closed', async () => {
    const tab = await watchedTab(env);
    await tab.page.goto(env.demo.pageUrl);
    await openBareApp(tab.page);
    const [popup] = await Promise.all([tab.context.waitForEvent('page'), tab.page.click('#popup-sign-in')]);
    await popup!.waitForURL((url) => url.origin === env.demo.issuer);
    await popup!.waitForTimeout(3_500); // a person reads the page before closing it
    await popup!.close();
    expect(await tab.page.evaluate(() => window.popupResult)).toEqual({ ok: false, code: 'popup_closed' });
    expect(await tab.page.evaluate(() => window.auth.isAuthenticated())).toBe(false);
    await tab.context.close();
  });
});

describe('tabs of the app follow each other', () => {
  let env: DemoEnv;
  beforeAll(async () => {
    env = await startDemoEnv(60);
  });
  afterAll(() => env?.close());

  it('a sign-in in one tab signs in the others, and a sign-out in one signs out the others within a second', async () => {
    const a = await watchedTab(env);
    await a.page.goto(env.demo.pageUrl);
    await openBareApp(a.page);
    const b = await a.context.newPage();
    await b.goto(env.demo.pageUrl);
    await openBareApp(b);
    expect(await restore(b)).toMatchObject({ signedIn: false }); // b allows silent sign-in, and has none yet

    await signInThroughProvider(a.page, env);
    expect(await openBareApp(a.page)).toBe(true);
    await expect.poll(() => b.evaluate(() => window.auth.isAuthenticated()), { timeout: 5_000 }).toBe(true);
    expect(await b.evaluate(() => window.events.map(([name, detail]) => [name, detail]))).toContainEqual([
      'signed-in',
      expect.objectContaining({ via: 'iframe', elsewhere: true }),
    ]);

    await a.page.evaluate(() => {
      window.stayOnPage = true;
      void window.auth.logout();
    });
    await expect.poll(() => b.evaluate(() => window.auth.isAuthenticated()), { timeout: 1_000 }).toBe(false);
    expect(await b.evaluate(() => window.events.at(-1))).toEqual(['session-ended', { reason: 'logout', elsewhere: true }]);
    await a.context.close();
  });
});
