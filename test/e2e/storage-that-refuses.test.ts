// A browser whose IndexedDB refuses (Safari's Lockdown Mode, blocked site data; reported against
// oidc-client-ts), in real Chromium against oidc-provider: indexedDB.open() fails in the page.
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockDemoApp, openBareApp, outcome } from '../support/browser/bare-app';
import { newDemoPage, signInThroughProvider, startDemoEnv, type DemoEnv } from '../support/browser/demo';

let env: DemoEnv;
beforeAll(async () => {
  env = await startDemoEnv(300);
});
afterAll(() => env?.close());

/** Every page of the context finds indexedDB.open() throwing, as Lockdown Mode or blocked site data make it. */
const refuseIndexedDb = (context: BrowserContext) =>
  context.addInitScript(() => {
    indexedDB.open = () => {
      throw new DOMException('The user denied permission to access the database.', 'UnknownError');
    };
  });

describe('IndexedDB that refuses to open', () => {
  it('indexedDbTokenStore(): the session goes on in the tab’s memory, through a return to the foreground', async () => {
    const { context, page } = await newDemoPage(env);
    await blockDemoApp(context, env);
    await refuseIndexedDb(context);
    await page.goto(env.demo.pageUrl);
    await openBareApp(page, { store: 'indexedDb' });
    await signInThroughProvider(page, env);
    expect(await openBareApp(page, { store: 'indexedDb' })).toBe(true);
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
    expect(await page.evaluate(() => window.auth.isAuthenticated())).toBe(true);
    expect(await page.evaluate(() => window.events.map(([name]) => name))).not.toContain('session-ended');
    expect(await outcome(page, 'auth.getAccessToken({ forceRefresh: true })')).toBe('ok');
    await context.close();
  });

  it('dpop: true: login() is refused before the user leaves, with a ConfigError that says why', async () => {
    const { context, page } = await newDemoPage(env);
    await blockDemoApp(context, env);
    await refuseIndexedDb(context);
    await page.goto(env.demo.pageUrl);
    await openBareApp(page, { dpop: true });
    const result = await page.evaluate(() =>
      window.auth.login().then(
        () => 'left',
        (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`,
      ),
    );
    expect(result).toMatch(/^invalid_config: .*IndexedDB.*loginWithPopup\(\)/);
    expect(new URL(page.url()).origin).toBe(new URL(env.demo.pageUrl).origin);
    await context.close();
  });
});
