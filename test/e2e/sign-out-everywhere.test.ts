// A logout in one tab against a sign-in still under way in another, in real Chromium against
// oidc-provider (attack branch). With the default memory store, a tab that allowed silent sign-in
// follows another tab's sign-in with a prompt=none iframe of its own; a logout() in the first tab
// must end that one too ("Whatever the store, a logout() in one tab ends the session in every tab
// of the app at once"; SECURITY.md: a sign-out is final).
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockDemoApp, openBareApp } from '../support/browser/bare-app';
import { newDemoPage, signInThroughProvider, startDemoEnv, type DemoEnv } from '../support/browser/demo';

let env: DemoEnv;
beforeAll(async () => {
  env = await startDemoEnv(60);
});
afterAll(() => env?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** When the context's first navigation to the end-session endpoint went out (epoch ms), once it has. */
function watchEndSession(context: BrowserContext): () => number | undefined {
  let at: number | undefined;
  context.on('request', (request) => {
    if (request.isNavigationRequest() && request.url().startsWith(env.discovery.end_session_endpoint)) at ??= Date.now();
  });
  return () => at;
}

/** The bare app in `page` records its navigations with when they left (epoch ms), and stays. */
const recordLeaving = (page: Page) =>
  page.evaluate(() => {
    window.stayOnPage = true;
    const times: number[] = [];
    (window as unknown as { leftAt: number[] }).leftAt = times;
    const push = window.navigations.push.bind(window.navigations);
    window.navigations.push = (...urls: string[]) => {
      times.push(Date.now());
      return push(...urls);
    };
  });

/** `page` left once, for the authorization endpoint, and not before the end-session navigation. */
async function expectLeftAfterEndSession(page: Page, endSessionAt: () => number | undefined) {
  await expect.poll(endSessionAt, { timeout: 15_000 }).toBeDefined();
  await expect.poll(() => page.evaluate(() => window.navigations.length), { timeout: 15_000 }).toBe(1);
  const leftAt = await page.evaluate(() => (window as unknown as { leftAt: number[] }).leftAt[0]!);
  expect(await page.evaluate(() => window.navigations[0])).toMatch(new RegExp(`^${env.discovery.authorization_endpoint}`));
  expect(leftAt).toBeGreaterThanOrEqual(endSessionAt()!);
}

describe('a logout in one tab while another tab follows its sign-in', () => {
  // FLAW (session.ts receive(): `if (!tokens) return`): tab B is signing in (its silent iframe
  // answered, the code exchange in flight) when tab A signs out. B drops the 'ended' message because
  // it has no tokens yet, then start() commits its sign-in: B stays signed in, with a refresh token
  // that outlives A's sign-out (oidc-provider keeps offline_access grants across logout), although
  // the user never touched B and signed out.
  it('the follower ends signed out', async () => {
    const { context, page: tabA } = await newDemoPage(env);
    await blockDemoApp(context, env);
    const tabB = await context.newPage();
    const codeExchanges: string[] = [];
    let exchangeFinished = false;
    // B's code exchange is slow to come back, as on a slow network: the logout lands meanwhile.
    // (With this route Playwright answers B's CORS preflights itself; B, a Bearer client that calls
    // no API, sends none.)
    await tabB.route(env.discovery.token_endpoint, async (route) => {
      const form = new URLSearchParams(route.request().postData() ?? '');
      if (form.get('grant_type') !== 'authorization_code') return route.continue();
      codeExchanges.push(form.get('code') ?? '');
      const response = await route.fetch();
      await sleep(1_500);
      await route.fulfill({ response });
      exchangeFinished = true;
    });
    await tabB.goto(env.demo.pageUrl);
    await openBareApp(tabB);
    expect(await tabB.evaluate(async () => (await window.auth.restoreSession()).signedIn)).toBe(false); // follows from now on

    await tabA.goto(env.demo.pageUrl);
    await openBareApp(tabA);
    await signInThroughProvider(tabA, env);
    expect(await openBareApp(tabA)).toBe(true); // 'started' → B's silent iframe
    await expect.poll(() => codeExchanges.length, { timeout: 10_000 }).toBe(1);

    await tabA.evaluate(() => {
      window.stayOnPage = true;
      void window.auth.logout();
    });
    await expect.poll(() => tabA.evaluate(() => window.auth.isAuthenticated())).toBe(false);
    await expect.poll(() => exchangeFinished, { timeout: 10_000 }).toBe(true);
    await sleep(500);

    expect(await tabB.evaluate(() => window.auth.isAuthenticated())).toBe(false);
    expect(await tabB.evaluate(() => window.events.map(([name]) => name))).not.toContain('signed-in');
    await context.close();
  });
});

describe('a logout in one tab, and a sign-in that another tab starts when it hears of it', () => {
  // Reported against okta-auth-js: tab B's app calls login() on session-ended; tab A's logout() is
  // slow to leave (its revocation takes 100 ms). B reached /authorize before A reached the end-session
  // endpoint, and the server session A was about to end signed B straight back in.
  it("no tab's sign-in leaves before the signing-out tab's end-session navigation has gone", async () => {
    const { context, page: tabA } = await newDemoPage(env);
    await blockDemoApp(context, env);
    const endSessionAt = watchEndSession(context);
    // A's revocation is slow. While a route is installed Playwright answers every CORS preflight of
    // the context itself; none happens here: Bearer clients, form POSTs, no API call.
    await context.route(env.discovery.revocation_endpoint, async (route) => {
      await sleep(100);
      await route.continue();
    });
    await tabA.goto(env.demo.pageUrl);
    await openBareApp(tabA, { store: 'indexedDb' });
    await signInThroughProvider(tabA, env);
    expect(await openBareApp(tabA, { store: 'indexedDb' })).toBe(true);
    const tabB = await context.newPage();
    await tabB.goto(env.demo.pageUrl);
    expect(await openBareApp(tabB, { store: 'indexedDb' })).toBe(true);
    // B's app signs in again as soon as it hears the session ended; when B's client navigates to the
    // authorization server is recorded (the page stays, so nothing else of B's is in play).
    await recordLeaving(tabB);
    await tabB.evaluate(() => void window.auth.on('session-ended', () => void window.auth.login()));

    await tabA.evaluate(() => void window.auth.logout());
    await expectLeftAfterEndSession(tabB, endSessionAt);
    await context.close();
  });
});

describe('a logout under way when another tab opens', () => {
  // The click asks the browser's lock manager nothing unless a logout may be under way (about 6 ms
  // of the click): one heard of on the tab channel, or one whose lock was held when the page looked
  // at start-up. This tab opens after the other tab told its tabs, so only its look can know.
  it("the new tab's sign-in leaves after the signing-out tab's end-session navigation", async () => {
    const { context, page: tabA } = await newDemoPage(env);
    await blockDemoApp(context, env);
    const endSessionAt = watchEndSession(context);
    // A's revocation waits until the new tab has clicked: A holds the logout lock all that time.
    let releaseRevocation!: () => void;
    const revocationHeld = new Promise<void>((resolve) => (releaseRevocation = resolve));
    let revocationSeen = false;
    await context.route(env.discovery.revocation_endpoint, async (route) => {
      revocationSeen = true;
      await revocationHeld;
      await route.continue();
    });
    await tabA.goto(env.demo.pageUrl);
    await openBareApp(tabA, { store: 'indexedDb' });
    await signInThroughProvider(tabA, env);
    expect(await openBareApp(tabA, { store: 'indexedDb' })).toBe(true);
    await tabA.evaluate(() => void window.auth.logout());
    await expect.poll(() => revocationSeen, { timeout: 15_000 }).toBe(true);

    const tabC = await context.newPage();
    await tabC.goto(env.demo.pageUrl);
    expect(await openBareApp(tabC, { store: 'indexedDb' })).toBe(false);
    await recordLeaving(tabC);
    // The start-up's look is done once the metadata is warm: the click comes after both.
    await expect.poll(() => tabC.evaluate(() => performance.getEntriesByType('resource').some((entry) => entry.name.includes('/.well-known/')))).toBe(true);
    await tabC.evaluate(() => void window.auth.login());
    // The click waits in the browser's lock manager for the logout lock A holds (one that did not
    // wait would never be there, and would have left).
    await expect
      .poll(() => tabC.evaluate(async () => (await navigator.locks.query()).pending?.some((lock) => lock.name?.endsWith(':logging-out'))))
      .toBe(true);
    expect(await tabC.evaluate(() => window.navigations.length)).toBe(0);
    releaseRevocation();
    await expectLeftAfterEndSession(tabC, endSessionAt);
    await context.close();
  });
});
