// Issue 16 in Chromium against the demo's oidc-provider: one sign-in, then the demo API and the
// billing API, each with a token issued for it (its own audience, its own scope) and checked by its
// own pkce-spa/server verifier; one token request per API; one refresh each when they come due;
// after logout() neither token works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { blockDemoApp, openBareApp, outcome } from '../support/browser/bare-app';
import {
  callApiFromNode,
  expectSignedIn,
  newDemoPage,
  refreshFromNode,
  signInThroughProvider,
  startDemoEnv,
  textOf,
  type DemoEnv,
  type TokenExchange,
} from '../support/browser/demo';

// Long enough to sign in and call both APIs before the first refresh (at half the lifetime).
const ACCESS_TOKEN_TTL = 8;

let env: DemoEnv;
beforeAll(async () => {
  // Bearer tokens, so that Node can replay each API's token at the other API.
  env = await startDemoEnv(ACCESS_TOKEN_TTL, { dpop: false });
});
afterAll(async () => {
  await env?.close();
});

const resourceOf = (e: TokenExchange) => e.form.getAll('resource').join(' ');
const ok = (exchanges: TokenExchange[]) => exchanges.filter((e) => e.status === 200);

describe('a token per API, in Chromium against oidc-provider', () => {
  it('one sign-in, a token per API, each API accepting only its own, one refresh each, none usable after logout', async () => {
    const { demo } = env;
    const { page, traffic, pageErrors } = await newDemoPage(env);
    await page.goto(demo.pageUrl);
    await signInThroughProvider(page, env, { username: 'carol' });
    await expectSignedIn(page, 'carol');

    await page.locator('#call-api').click();
    await expect.poll(() => textOf(page, '#api-result')).toContain('the demo API');
    await page.locator('#call-billing').click();
    await expect.poll(() => textOf(page, '#api-result')).toContain('the billing API');
    expect(await textOf(page, '#api-result')).toContain('HTTP 200');
    // The page shows each token with the audience it was issued for.
    await expect.poll(() => textOf(page, '[data-testid="token-billing"] [data-testid="aud"]')).toBe(JSON.stringify(demo.billingUrl));
    expect(await textOf(page, '[data-testid="token-api"] [data-testid="aud"]')).toBe(JSON.stringify(demo.apiUrl));

    // One token request per API: the code exchange for the demo API, a refresh for the billing API.
    const [code] = ok(traffic.exchanges.filter((e) => e.grantType === 'authorization_code'));
    const [billing, ...more] = ok(traffic.exchanges.filter((e) => e.grantType === 'refresh_token'));
    expect(resourceOf(code!)).toBe(demo.apiUrl);
    expect(resourceOf(billing!)).toBe(demo.billingUrl);
    expect(billing!.form.get('scope')).toBe(demo.config.billingScope);
    expect(more).toEqual([]);
    const apiToken = (code!.body as { access_token: string }).access_token;
    const billingToken = (billing!.body as { access_token: string }).access_token;

    // Each API's own verifier takes its token and refuses the other API's (wrong audience).
    expect((await callApiFromNode(env, apiToken)).status).toBe(200);
    expect((await callApiFromNode(env, billingToken, demo.billingUrl)).status).toBe(200);
    const crossed = [await callApiFromNode(env, billingToken), await callApiFromNode(env, apiToken, demo.billingUrl)];
    expect(crossed.map((r) => r.status)).toEqual([401, 401]);
    expect(crossed.map((r) => r.wwwAuthenticate)).toEqual([expect.stringContaining('invalid_token'), expect.stringContaining('invalid_token')]);

    // Both come due (half the lifetime): the page refreshes each once, one after the other, never
    // with a refresh token it sent before.
    const refreshes = () => ok(traffic.exchanges.filter((e) => e.grantType === 'refresh_token')).slice(1);
    await expect.poll(() => refreshes().map(resourceOf).sort(), { timeout: ACCESS_TOKEN_TTL * 1000 }).toEqual([demo.apiUrl, demo.billingUrl].sort());
    const sent = traffic.exchanges.filter((e) => e.grantType === 'refresh_token').map((e) => e.form.get('refresh_token'));
    expect(new Set(sent).size).toBe(sent.length);
    expect(traffic.exchanges.every((e) => e.status === 200)).toBe(true);
    await page.locator('#call-billing').click();
    await expect.poll(() => textOf(page, '#api-result')).toContain('the billing API');
    expect(await textOf(page, '#api-result')).toContain('HTTP 200');

    // logout(): the refresh token is revoked, so no new token for either API can be had, and the
    // page holds neither; a copy of either token taken before dies with its `exp` (a JWT is checked
    // offline), at most the access token lifetime after its refresh.
    const latestRefresh = [...traffic.exchanges].reverse().find((e) => e.status === 200)!.body as { refresh_token: string };
    const revocation = page.waitForResponse((r) => r.url() === env.discovery.revocation_endpoint);
    await page.locator('#sign-out').click();
    expect((await revocation).status()).toBe(200);
    await page.waitForURL(demo.pageUrl);
    await expect.poll(() => textOf(page, '#status')).toBe('Signed out');
    expect(await page.locator('#api-card').isHidden()).toBe(true);
    expect(await page.locator('#token-card').isHidden()).toBe(true);
    for (const resource of [demo.apiUrl, demo.billingUrl]) {
      const after = await refreshFromNode(env, latestRefresh.refresh_token, resource);
      expect([after.status, after.body.error]).toEqual([400, 'invalid_grant']);
    }
    const lifetimes = ok(traffic.exchanges).map((e) => (e.body as { expires_in: number }).expires_in);
    expect(Math.max(...lifetimes)).toBeLessThanOrEqual(ACCESS_TOKEN_TTL);
    expect(pageErrors).toEqual([]);
  });

  it('resource: [A, B] at sign-in: oidc-provider issues the sign-in token for its default resource, and the other per API', async () => {
    const { demo } = env;
    const { context, page } = await newDemoPage(env);
    await blockDemoApp(context, env);
    await page.goto(demo.pageUrl);
    const resource = [demo.apiUrl, demo.billingUrl];
    await openBareApp(page, { resource });
    await signInThroughProvider(page, env, { username: 'dave' });
    expect(await openBareApp(page, { resource })).toBe(true);
    const audiences = await page.evaluate(async (billing) => {
      const aud = (token: string) => JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).aud as string;
      return [aud(await window.auth.getAccessToken()), aud(await window.auth.getAccessToken({ resource: billing.url, scope: billing.scope }))];
    }, { url: demo.billingUrl, scope: demo.config.billingScope });
    expect(audiences).toEqual([demo.apiUrl, demo.billingUrl]);
    // oidc-provider spends the refresh token while refusing a resource the grant lacks: such a
    // resource (here one with a trailing slash) is refused in the page, and the session goes on.
    expect(await outcome(page, `auth.getAccessToken({ resource: '${demo.billingUrl}/' })`)).toBe('invalid_config');
    expect(await outcome(page, 'auth.getAccessToken({ forceRefresh: true })')).toBe('ok');
    expect(await outcome(page, `auth.getAccessToken({ resource: '${demo.billingUrl}', forceRefresh: true })`)).toBe('ok');
  });
});
