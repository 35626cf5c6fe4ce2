// Two apps on one origin (an admin app and a shop, say), each with its own clientId, that pass the
// same token store call: a session belongs to one issuer and one client, so neither app sees, uses
// or ends the other's. In real Chromium against oidc-provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockDemoApp, openBareApp, outcome, type StoreKind } from '../support/browser/bare-app';
import { newDemoPage, signInThroughProvider, startDemoEnv, type DemoEnv } from '../support/browser/demo';

let env: DemoEnv;
beforeAll(async () => {
  env = await startDemoEnv(300);
});
afterAll(() => env?.close());

describe.each<StoreKind>(['sessionStorage', 'indexedDb'])('two apps on one origin, both with the %s store', (store) => {
  it('the app that never signed in gets no session, sends no token, and its logout leaves the other signed in', async () => {
    const { context, page } = await newDemoPage(env);
    await blockDemoApp(context, env);
    const sentTokens: string[] = [];
    context.on('request', (request) => {
      const authorization = request.headers()['authorization'];
      if (authorization && request.url().startsWith(env.demo.apiUrl)) sentTokens.push(authorization);
    });
    await page.goto(env.demo.pageUrl);
    await openBareApp(page, { store });
    await signInThroughProvider(page, env);
    expect(await openBareApp(page, { store })).toBe(true);

    // The shop: the same origin, the same store call, another client.
    expect(await openBareApp(page, { store, clientId: 'shop-app' })).toBe(false);
    expect(await page.evaluate(() => window.auth.restoreSession({ silent: false }))).toMatchObject({ signedIn: false, via: 'none' });
    expect(await page.evaluate(() => window.auth.user)).toBeUndefined();
    const before = sentTokens.length;
    await page.evaluate((api) => window.auth.fetch(api).catch(() => undefined), env.demo.apiUrl);
    expect(sentTokens.length).toBe(before); // the shop holds no token, so none goes to its API
    await page.evaluate(() => {
      window.stayOnPage = true;
      void window.auth.logout(); // settles never: the page is leaving
    });
    await page.waitForFunction(() => window.navigations.length > 0); // its way to the end-session endpoint

    // The admin app, reloaded: still signed in, and its refresh token still works at the server.
    await page.reload();
    expect(await openBareApp(page, { store })).toBe(true);
    expect(await outcome(page, 'auth.getAccessToken({ forceRefresh: true })')).toBe('ok');
    await context.close();
  });
});
