// Two tabs sharing one session (tokens opted into IndexedDB) in real Chromium against
// oidc-provider, which revokes the whole grant when a refresh token is used twice. Web Locks
// must make the tabs refresh one at a time, and the second must adopt what the first got.
// (With localStorage this fails now and then under load: Chromium propagates it between
// renderer processes asynchronously, so the second tab can read the spent token.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { blockDemoApp, openBareApp } from '../support/browser/bare-app';
import { newDemoPage, signInThroughProvider, startDemoEnv, type DemoEnv } from '../support/browser/demo';

const TTL = 6; // seconds: due for refresh after 3 s (half the lifetime)

let env: DemoEnv;
let context: BrowserContext;
let tabs: Page[];
const refreshes: string[] = [];

beforeAll(async () => {
  env = await startDemoEnv(TTL);
  const first = await newDemoPage(env);
  context = first.context;
  // The demo's own app would handle the callback with its in-memory client: keep it out.
  await blockDemoApp(context, env);
  context.on('request', (request) => {
    if (request.method() === 'POST' && request.url() === env.discovery.token_endpoint) {
      const form = new URLSearchParams(request.postData() ?? '');
      if (form.get('grant_type') === 'refresh_token') refreshes.push(form.get('refresh_token') ?? '');
    }
  });
  tabs = [first.page];
});

afterAll(async () => {
  await env?.close();
});

describe('two tabs, one session', () => {
  it('refresh one at a time through Web Locks, so the rotating refresh token is never spent twice', async () => {
    const [tabA] = tabs as [Page];
    await tabA.goto(env.demo.pageUrl);
    expect(await openBareApp(tabA, { store: 'indexedDb' })).toBe(false);
    await signInThroughProvider(tabA, env);
    expect(await openBareApp(tabA, { store: 'indexedDb' })).toBe(true);

    const tabB = await context.newPage();
    tabs.push(tabB);
    await tabB.goto(env.demo.pageUrl);
    expect(await openBareApp(tabB, { store: 'indexedDb' })).toBe(true); // restored from IndexedDB
    expect(await tabB.evaluate(() => typeof navigator.locks?.request)).toBe('function');

    // Both tabs ask for a token once it is due, at the same moment.
    await tabA.waitForTimeout((TTL / 2) * 1000 + 500);
    const [fromA, fromB] = await Promise.all([
      tabA.evaluate(() => window.auth.getAccessToken()),
      tabB.evaluate(() => window.auth.getAccessToken()),
    ]);
    expect(refreshes).toHaveLength(1);
    expect(fromB).toBe(fromA);

    // Then both tabs' timers come due together; still one refresh each time, each with the newest token.
    await tabA.waitForTimeout(TTL * 1000 + 1000);
    expect(refreshes.length).toBeGreaterThanOrEqual(2);
    expect(new Set(refreshes).size).toBe(refreshes.length); // no refresh token was ever sent twice

    // The grant is still alive: both tabs call the API with a token the server accepts.
    for (const tab of [tabA, tabB]) {
      const status = await tab.evaluate(async (api) => (await window.auth.fetch(`${api}/api/me`)).status, env.demo.apiUrl);
      expect(status).toBe(200);
      expect(await tab.evaluate(() => window.auth.isAuthenticated())).toBe(true);
    }
  });
});
