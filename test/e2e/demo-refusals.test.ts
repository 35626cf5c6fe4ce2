// The demo page in real Chromium when things go wrong: the user cancels at the consent page, a
// callback is reloaded, a callback's state or iss was tampered with, an access token was forged.
// Each time the user sees a readable error, and no token request is made for a refused callback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';

import {
  callApiFromNode,
  decodePart,
  expectSignedIn,
  newDemoPage,
  signInThroughProvider,
  startDemoEnv,
  textOf,
  type DemoEnv,
} from '../support/browser/demo';

let env: DemoEnv;

beforeAll(async () => {
  // Bearer tokens here, whose copies the tests replay from Node; DPoP's demo: test/e2e/dpop.test.ts.
  env = await startDemoEnv(60, { dpop: false }); // no refresh during these tests
});

afterAll(async () => {
  await env?.close();
});

/**
 * Signs in up to the redirect back to the demo, and holds the callback there. Playwright does not
 * route redirects, so the consent form's POST is routed instead: it is sent from Playwright (with
 * the browser's cookies), its redirects are followed to the callback URL, and the browser gets a
 * placeholder page. The test can then change the URL before the demo page ever sees it. The route
 * lives only while the tab shows the consent page, which sends no CORS request: nothing else is
 * answered by Playwright instead of the servers.
 */
async function holdCallback(page: Page): Promise<URL> {
  await page.goto(env.demo.pageUrl);
  await signInThroughProvider(page, env, { username: 'dave', stopAt: 'consent' });
  let held: string | undefined;
  const toAuthServer = (url: URL) => url.origin === env.demo.issuer;
  await page.route(toAuthServer, async (route) => {
    if (route.request().method() !== 'POST') return route.fallback();
    const response = await route.fetch(); // → /auth/:uid → /callback?code=…&state=…&iss=…
    held = response.url();
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<!DOCTYPE html><title>held</title><p>held by the test</p>' });
  });
  await page.locator('button[type="submit"]').click();
  await expect.poll(() => held).toBeDefined();
  await page.unroute(toAuthServer);
  expect(held!.startsWith(`${env.demo.config.redirectUri}?`)).toBe(true);
  return new URL(held!);
}

const errorTitle = (page: Page) => textOf(page, '#error-title');

describe('demo page: refusals a user can see', () => {
  it('cancelling at the consent page shows "You cancelled" and offers to sign in again', async () => {
    const { page, traffic, pageErrors } = await newDemoPage(env);
    await page.goto(env.demo.pageUrl);
    const { prompts } = await signInThroughProvider(page, env, { username: 'erin', stopAt: 'consent' });
    expect(prompts).toEqual(['login', 'consent']);

    await Promise.all([
      page.waitForURL((url) => url.origin === env.demo.pageOrigin),
      page.getByRole('link', { name: '[ Cancel ]' }).click(),
    ]);
    await expect.poll(() => errorTitle(page)).toBe('You cancelled the sign-in at the consent page.');
    expect(await textOf(page, '#error-detail')).toContain('End-User aborted interaction'); // error_description, secondary
    expect(await textOf(page, '#error-detail')).toContain('error: access_denied');
    expect(await page.locator('#sign-in').isVisible()).toBe(true);
    expect(await textOf(page, '#status')).toBe('Signed out');
    expect(page.url()).toBe(env.demo.pageUrl); // the error parameters are gone from the address bar
    expect(await page.locator('[data-step="callback"]').getAttribute('data-state')).toBe('failed');
    expect(traffic.tokenRequests()).toHaveLength(0);

    // "Sign in again" starts a new sign-in (the login session is still there: straight to consent).
    await expect(page.locator('#error-retry').textContent()).resolves.toBe('Sign in again');
    await Promise.all([page.waitForURL((url) => url.origin === env.demo.issuer), page.locator('#error-retry').click()]);
    expect(await page.locator('input[name="prompt"]').getAttribute('value')).toBe('consent');
    expect(pageErrors).toEqual([]);
  });

  it('reloading the callback URL after sign-in shows no error, keeps the user signed in, and never redeems its code again', async () => {
    const { page, traffic, pageErrors } = await newDemoPage(env);
    await page.goto(env.demo.pageUrl);
    const { callbackUrl } = await signInThroughProvider(page, env, { username: 'frank' });
    await expectSignedIn(page, 'frank');
    const used = new URL(callbackUrl!).searchParams.get('code');
    const redeemed = () => traffic.tokenRequests('authorization_code').filter((r) => new URLSearchParams(r.request.postData() ?? '').get('code') === used);
    expect(redeemed()).toHaveLength(1);

    await page.goto(callbackUrl!); // the same code, state and iss again: this tab completed that sign-in
    await expectSignedIn(page, 'frank');
    expect(await page.locator('#error').isVisible()).toBe(false);
    expect(redeemed()).toHaveLength(1);
    expect(page.url()).toBe(env.demo.pageUrl);
    expect(pageErrors).toEqual([]);
  });

  it('a callback with a tampered state is refused before any token request', async () => {
    const { page, traffic, pageErrors } = await newDemoPage(env);
    const callback = await holdCallback(page);
    const genuine = callback.href;
    const state = callback.searchParams.get('state')!;
    callback.searchParams.set('state', `${state[0] === 'A' ? 'B' : 'A'}${state.slice(1)}`);

    await page.goto(callback.href);
    await expect.poll(() => errorTitle(page)).toBe('This sign-in link was already used or has expired — sign in again.');
    expect(await textOf(page, '#error-detail')).toContain('code: invalid_state');
    expect(await textOf(page, '[data-step="callback"]')).toContain('✗ not the state sent in step 2');
    expect(traffic.tokenRequests()).toHaveLength(0);
    expect(await textOf(page, '#status')).toBe('Signed out');
    expect(page.url()).toBe(env.demo.pageUrl);

    // The forged callback did not use up the sign-in in progress: the genuine one still completes.
    await page.goto(genuine);
    await expectSignedIn(page, 'dave');
    expect(traffic.tokenRequests('authorization_code')).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  });

  it('a forged error callback: its text is shown nowhere on the page', async () => {
    const { page, traffic, pageErrors } = await newDemoPage(env);
    const callback = await holdCallback(page);
    const forged = new URL(callback.pathname, callback.origin);
    forged.searchParams.set('error', 'access_denied');
    forged.searchParams.set('error_description', 'Your account is locked: call +1 555 0100 now');
    forged.searchParams.set('state', 'a-state-this-tab-never-sent');
    await page.goto(forged.href);
    await expect.poll(() => errorTitle(page)).toBe('This sign-in link was already used or has expired — sign in again.');
    expect(await page.locator('body').innerText()).not.toContain('555 0100');
    expect(traffic.tokenRequests()).toHaveLength(0);
    expect(pageErrors).toEqual([]);
  });

  it('a callback with a wrong iss is refused before any token request (RFC 9207)', async () => {
    const { page, traffic, pageErrors } = await newDemoPage(env);
    const callback = await holdCallback(page);
    expect(callback.searchParams.get('iss')).toBe(env.demo.issuer);
    callback.searchParams.set('iss', 'http://localhost:1/evil');

    await page.goto(callback.href);
    await expect.poll(() => errorTitle(page)).toBe('This sign-in answer names the wrong server, so it was refused.');
    expect(await textOf(page, '#error-detail')).toContain('code: invalid_issuer');
    expect(await textOf(page, '[data-step="callback"]')).toContain('✗ not the issuer');
    expect(traffic.tokenRequests()).toHaveLength(0);
    expect(await textOf(page, '#status')).toBe('Signed out');

    // Its state matched, so that sign-in is spent: the genuine callback is now refused as well.
    callback.searchParams.set('iss', env.demo.issuer);
    await page.goto(callback.href);
    await expect.poll(() => textOf(page, '#error-detail')).toContain('code: invalid_state');
    expect(traffic.tokenRequests()).toHaveLength(0);
    expect(pageErrors).toEqual([]);
  });

  it('the API refuses a tampered access token with WWW-Authenticate, and the page shows it', async () => {
    const { page, traffic, pageErrors } = await newDemoPage(env);
    await page.goto(env.demo.pageUrl);
    await signInThroughProvider(page, env, { username: 'grace' });
    await expectSignedIn(page, 'grace');
    const token = String(traffic.latestTokens()!.access_token);
    const [header, payload, signature] = token.split('.') as [string, string, string];

    expect((await callApiFromNode(env, token)).status).toBe(200);
    // One character of the signature changed…
    const badSignature = await callApiFromNode(env, `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`);
    expect(badSignature.status).toBe(401);
    // RFC 9449 §7.1: the API accepts DPoP too, so the challenge names both schemes.
    expect(badSignature.wwwAuthenticate).toMatch(/^Bearer (realm="[^"]*", )?error="invalid_token", error_description="[^"]+", DPoP (realm="[^"]*", )?algs="ES256"$/);
    // …or a claim changed in the payload (someone else's sub), signature kept.
    const forged = Buffer.from(JSON.stringify({ ...decodePart(payload), sub: 'mallory' })).toString('base64url');
    const badPayload = await callApiFromNode(env, `${header}.${forged}.${signature}`);
    expect(badPayload.status).toBe(401);
    expect(badPayload.wwwAuthenticate).toMatch(/^Bearer (realm="[^"]*", )?error="invalid_token"/);

    // In the page: the tampered call shows the API's 401 and its WWW-Authenticate header.
    await page.locator('#call-tampered').click();
    await expect.poll(() => errorTitle(page)).toBe('The API refused the access token (HTTP 401).');
    expect(await textOf(page, '#error-header')).toMatch(/^WWW-Authenticate: Bearer (realm="[^"]*", )?error="invalid_token"/);
    expect(await textOf(page, '#api-result')).toContain('HTTP 401');
    // The session itself is fine: dismiss, and the real token still works.
    await page.locator('#error-dismiss').click();
    await page.locator('#call-api').click();
    await expect.poll(() => textOf(page, '#api-result')).toContain('"sub": "grace"');
    expect(await page.locator('#error').isVisible()).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});
