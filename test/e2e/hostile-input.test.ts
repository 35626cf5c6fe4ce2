// Hostile input in real Chromium against oidc-provider: a returnTo that re-serializes to another host
// after a real sign-in, and stray or foreign OAuth parameters in the address bar.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { blockDemoApp, openBareApp, outcome } from '../support/browser/bare-app';
import { newDemoPage, signInThroughProvider, startDemoEnv, type DemoEnv } from '../support/browser/demo';

let env: DemoEnv;
beforeAll(async () => {
  env = await startDemoEnv(60);
});
afterAll(async () => {
  await env?.close();
});

let context: BrowserContext;
let page: Page;
let tokenRequests: number;
beforeEach(async () => {
  ({ context, page } = await newDemoPage(env));
  await blockDemoApp(context, env);
  tokenRequests = 0;
  context.on('request', (request) => {
    if (request.url() === env.discovery.token_endpoint) tokenRequests++;
  });
  return () => context.close();
});

describe('returnTo after a real sign-in', () => {
  it('login({ returnTo: "/..//evil.example/x" }) comes back as a path on the app’s origin, and following it stays there', async () => {
    await page.goto(env.demo.pageUrl);
    await openBareApp(page);
    await page.evaluate(() => {
      document.getElementById('sign-in')!.onclick = () => void window.auth.login({ returnTo: '/..//evil.example/x' });
    });
    await signInThroughProvider(page, env);
    await page.waitForFunction(() => 'PkceSpa' in window);
    const returnTo = await page.evaluate(async () => {
      const c = await (await fetch('/config.json')).json();
      const auth = PkceSpa.createPkceClient({ issuer: c.issuer, clientId: c.clientId, redirectUri: c.redirectUri, scope: c.scope, resource: c.resource });
      const result = await auth.handleRedirect();
      history.replaceState(null, '', result!.returnTo); // the README's own line: it must not throw
      return result!.returnTo;
    });
    expect(returnTo).toBe('/evil.example/x');
    await page.evaluate((to) => location.assign(to), returnTo);
    await page.waitForURL((url) => url.pathname === '/evil.example/x');
    expect(new URL(page.url()).origin).toBe(env.demo.pageOrigin);
  });
});

describe('stray and foreign OAuth parameters', () => {
  it('a response without state on the redirect URI is refused visibly and leaves the address bar', async () => {
    await page.goto(env.demo.pageUrl);
    await openBareApp(page);
    await page.evaluate(() => {
      window.stayOnPage = true;
      void window.auth.login();
    });
    await page.goto(`${env.demo.config.redirectUri}?error=access_denied`);
    await page.waitForFunction(() => 'PkceSpa' in window);
    const code = await page.evaluate(async () => {
      const c = await (await fetch('/config.json')).json();
      const auth = PkceSpa.createPkceClient({ issuer: c.issuer, clientId: c.clientId, redirectUri: c.redirectUri });
      return auth.handleRedirect().then(
        () => 'ok',
        (e: { code: string }) => e.code,
      );
    });
    expect(code).toBe('invalid_state');
    expect(page.url()).toBe(env.demo.config.redirectUri);
    expect(tokenRequests).toBe(0);
  });

  it('the app’s own ?code=…&state=… on another page is left alone', async () => {
    await page.goto(`${env.demo.pageUrl}?code=INVITE&state=x`);
    expect(await openBareApp(page)).toBe(false);
    expect(new URL(page.url()).search).toBe('?code=INVITE&state=x');
    expect(tokenRequests).toBe(0);
    expect(await outcome(page, 'auth.getAccessToken()')).toBe('login_required');
  });
});

declare const PkceSpa: typeof import('../../src/index.js');
