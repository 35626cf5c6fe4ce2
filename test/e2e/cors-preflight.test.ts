// CORS preflights in real Chromium, answered by the servers themselves (issue 18, item 16). A DPoP
// sign-in sends a `DPoP` header to oidc-provider's token endpoint and auth.fetch() sends
// `Authorization` and `DPoP` to the demo API: headers a page may send cross-origin only once the
// server's preflight allowed them. No Playwright route is installed here, since with any route in
// place Playwright answers every preflight itself and the servers never see one. The servers' own
// logs (startDemoEnv's `received`) show what they were asked and what they answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockDemoApp, openBareApp, outcome } from '../support/browser/bare-app';
import { newDemoPage, signInThroughProvider, startDemoEnv, type DemoEnv, type Received } from '../support/browser/demo';

let env: DemoEnv;
beforeAll(async () => {
  env = await startDemoEnv(60);
});
afterAll(() => env?.close());

const pathOf = (url: string) => new URL(url).pathname;
const preflights = (server: Received['server'], path: string) =>
  env.received.filter((r) => r.server === server && r.method === 'OPTIONS' && new URL(r.url, 'http://x').pathname === path);

describe('CORS preflights reach the servers', () => {
  it('a DPoP sign-in, a refresh and an API call work, each preflight answered by the token endpoint or the API itself', async () => {
    const { context, page, pageErrors } = await newDemoPage(env);
    await blockDemoApp(context, env);
    await page.goto(env.demo.pageUrl);
    expect(await openBareApp(page, { dpop: true, store: 'sessionStorage' })).toBe(false);
    await signInThroughProvider(page, env);
    expect(await openBareApp(page, { dpop: true, store: 'sessionStorage' })).toBe(true);
    expect(await outcome(page, 'auth.getAccessToken({ forceRefresh: true })')).toBe('ok');
    const answer = await page.evaluate(async (api) => {
      const response = await window.auth.fetch(`${api}/api/me`);
      return { status: response.status, body: (await response.json()) as { sub?: string } };
    }, env.demo.apiUrl);
    expect(answer).toMatchObject({ status: 200, body: { sub: 'alice' } });
    expect(pageErrors).toEqual([]);

    const tokenPath = pathOf(env.discovery.token_endpoint);
    const [tokenPreflight] = preflights('auth', tokenPath);
    expect(tokenPreflight).toMatchObject({ origin: env.demo.pageOrigin, requestMethod: 'POST', status: 204, allowOrigin: env.demo.pageOrigin });
    expect(tokenPreflight!.requestHeaders).toContain('dpop');
    expect(tokenPreflight!.allowHeaders).toContain('dpop');
    // The preflight came first, then the exchange it allowed: oidc-provider asked for a DPoP nonce
    // (the demo requires them), and the same code with a proof carrying it was accepted.
    const exchanges = env.received.filter((r) => r.server === 'auth' && r.method === 'POST' && r.url === tokenPath);
    expect(env.received.indexOf(exchanges[0]!)).toBeGreaterThan(env.received.indexOf(tokenPreflight!));
    expect(exchanges.slice(0, 2).map((r) => r.status)).toEqual([400, 200]);

    const [apiPreflight] = preflights('api', '/api/me');
    expect(apiPreflight).toMatchObject({ origin: env.demo.pageOrigin, requestMethod: 'GET', status: 204, allowOrigin: env.demo.pageOrigin });
    expect(apiPreflight!.requestHeaders).toEqual(expect.arrayContaining(['authorization', 'dpop']));
    expect(apiPreflight!.allowHeaders).toEqual(expect.arrayContaining(['authorization', 'dpop']));
    expect(apiPreflight!.allowMethods).toContain('get');

    // No preflight of the whole run was refused: each went to a server that allowed the page.
    const all = env.received.filter((r) => r.method === 'OPTIONS');
    expect(all.map((r) => [r.server, r.url, r.status, r.allowOrigin])).toEqual(
      all.map((r) => [r.server, r.url, 204, env.demo.pageOrigin]),
    );
    await context.close();
  });
});
