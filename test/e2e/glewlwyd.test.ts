// The demo flow against a second real authorization server: Debian's glewlwyd (2.7.5 in
// bookworm), started for this file with its own database. The SDK's real build runs in Chromium
// on the demo's page; the user signs in on glewlwyd's own login and consent pages, calls an API
// that checks glewlwyd's access token with pkce-spa/server, keeps working across a refresh that
// rotates the refresh token, and signs out through glewlwyd's end_session page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import { startDemoPage, type RunningDemoPage } from '../../demo/start.mjs';
import { blockDemoAppAt, serveBareApp } from '../support/browser/bare-app';
import { launchChromium } from '../support/browser/chromium';
import { startApi, type RunningApi } from '../support/glewlwyd/api';
import { openApp, recordGlewlwydTraffic, signInAtGlewlwyd } from '../support/glewlwyd/browser';
import { startGlewlwyd, type RunningGlewlwyd } from '../support/glewlwyd/server';

const TTL = 4; // seconds: the SDK refreshes a token once half of its lifetime is over

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint: string;
  end_session_endpoint: string;
  jwks_uri: string;
  code_challenge_methods_supported: string[];
}

let demoPage: RunningDemoPage;
let glewlwyd: RunningGlewlwyd;
let api: RunningApi;
let discovery: Discovery;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let traffic: ReturnType<typeof recordGlewlwydTraffic>;
let pageConfig: Record<string, string> = {};

beforeAll(async () => {
  demoPage = await startDemoPage({ config: () => pageConfig, wrap: serveBareApp });
  glewlwyd = await startGlewlwyd({
    redirectUri: `${demoPage.pageOrigin}/callback`,
    postLogoutRedirectUri: `${demoPage.pageOrigin}/`,
    accessTokenTtl: TTL,
  });
  discovery = (await (await fetch(`${glewlwyd.issuer}/.well-known/openid-configuration`)).json()) as Discovery;
  // Without resource indicators glewlwyd's access tokens have the scope list as `aud`.
  api = await startApi({
    issuer: glewlwyd.issuer,
    jwksUri: discovery.jwks_uri,
    audience: glewlwyd.scope,
    requiredScope: glewlwyd.apiScope,
    pageOrigin: demoPage.pageOrigin,
  });
  pageConfig = {
    issuer: glewlwyd.issuer,
    clientId: glewlwyd.clientId,
    redirectUri: `${demoPage.pageOrigin}/callback`,
    postLogoutRedirectUri: `${demoPage.pageOrigin}/`,
    scope: glewlwyd.scope,
    apiUrl: api.apiUrl,
  };
  browser = await launchChromium();
  // launchChromium() keeps the browser on loopback; no route, so every CORS preflight reaches glewlwyd and the API.
  context = await browser.newContext();
  // The demo's own app would take over the page: the bare app in openApp() replaces it.
  await blockDemoAppAt(context, demoPage.pageOrigin);
  traffic = recordGlewlwydTraffic(context, discovery);
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await glewlwyd?.close();
  await demoPage?.close();
});

const callApi = () =>
  page.evaluate(async (apiUrl) => {
    const response = await window.auth.fetch(`${apiUrl}/api/me`);
    return { status: response.status, body: (await response.json()) as { sub?: string; scope?: string } };
  }, api.apiUrl);

/** A refresh from Node, as the SDK sends it. */
async function refreshFromNode(refreshToken: string) {
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: glewlwyd.clientId }),
  });
  return { status: response.status, text: await response.text() };
}

describe('the demo flow against glewlwyd 2.7 (Debian package), in Chromium', () => {
  let firstAccessToken = '';
  let exchangedAt = 0;

  it('finds glewlwyd set up for a public SPA: discovery at the issuer, PKCE S256 required', async () => {
    expect(discovery).toMatchObject({ issuer: glewlwyd.issuer, code_challenge_methods_supported: ['S256'] });
    expect(discovery.end_session_endpoint).toBe(`${glewlwyd.issuer}/end_session`);
    const withoutPkce = new URL(discovery.authorization_endpoint);
    withoutPkce.search = new URLSearchParams({
      response_type: 'code',
      client_id: glewlwyd.clientId,
      redirect_uri: `${demoPage.pageOrigin}/callback`,
      scope: glewlwyd.scope,
      state: 'x',
      nonce: 'y',
    }).toString();
    // PKCE is required: without a code_challenge glewlwyd sends the browser back with an error.
    const refused = new URL((await fetch(withoutPkce, { redirect: 'manual' })).headers.get('location') ?? '');
    expect(refused.searchParams.get('error')).toBe('invalid_request');
    expect(refused.searchParams.has('code')).toBe(false);
  });

  it('signs in through glewlwyd\'s login and consent pages, with PKCE S256 and the RFC 9207 iss', async () => {
    await page.goto(demoPage.pageUrl);
    expect((await openApp(page)).signedIn).toBe(false);

    expect(await signInAtGlewlwyd(page, glewlwyd, demoPage.pageOrigin)).toEqual(['password', 'consent', 'continue']);
    const app = await openApp(page);
    expect(app).toMatchObject({ signedIn: true, name: glewlwyd.user.name });
    expect(page.url()).toBe(demoPage.pageUrl); // code, state, iss and session_state gone from the address bar

    const [authorization] = traffic.authorizations;
    expect(authorization?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization?.searchParams.get('scope')).toBe('openid api:read');
    const [callback] = traffic.callbacks;
    expect(callback?.searchParams.get('iss')).toBe(glewlwyd.issuer);
    expect(callback?.searchParams.has('session_state')).toBe(true); // glewlwyd's extra, ignored

    await expect.poll(() => traffic.codeExchanges.length).toBe(1);
    const [exchange] = traffic.codeExchanges;
    expect(exchange?.status).toBe(200);
    expect(exchange?.form.get('code_verifier')).toMatch(/^[\w-]{43}$/);
    expect(exchange?.body.token_type).toBe('bearer');
    // glewlwyd's ID token: auth_time is always 0, so max_age cannot be used with it.
    expect(decodeJwt(exchange?.body.id_token as string)).toMatchObject({ sub: app.sub, aud: glewlwyd.clientId, auth_time: 0 });
    firstAccessToken = exchange?.body.access_token as string;
    exchangedAt = Date.now();
  });

  it('calls an API that checks glewlwyd\'s access token with pkce-spa/server', async () => {
    const answer = await callApi();
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ sub: await page.evaluate(() => window.auth.user?.sub), scope: 'openid api:read' });
    expect(decodeJwt(firstAccessToken).aud).toBe('openid api:read');
    expect((await fetch(`${api.apiUrl}/api/me`)).status).toBe(401); // the API does check
  });

  it('refreshes the token once it is due; glewlwyd rotates the refresh token and the user stays signed in', async () => {
    // The token is due after half its lifetime; the next API call refreshes it first.
    const due = exchangedAt + (TTL / 2) * 1000;
    await page.waitForTimeout(Math.max(0, due - Date.now()) + 100);
    const answer = await callApi();
    expect(answer.status).toBe(200);

    await expect.poll(() => traffic.refreshes.length).toBeGreaterThan(0);
    const [refresh] = traffic.refreshes;
    expect(refresh?.sent).toBe(traffic.codeExchanges[0]?.body.refresh_token);
    expect(refresh?.status).toBe(200);
    expect(refresh?.received).toBeTruthy();
    expect(refresh?.received).not.toBe(refresh?.sent);
    expect(refresh?.body.id_token).toBeUndefined(); // glewlwyd sends none on refresh: the user is kept
    expect(await page.evaluate(() => window.auth.getAccessToken())).not.toBe(firstAccessToken);
    expect(await page.evaluate(() => ({ signedIn: window.auth.isAuthenticated(), name: window.auth.user?.name }))).toEqual({
      signedIn: true,
      name: glewlwyd.user.name,
    });
  });

  it('signs out through glewlwyd\'s end_session page, though its revocation endpoint answers 401 to a public client', async () => {
    await page.evaluate(() => void window.auth.logout({ returnTo: '/' }));
    await page.waitForURL((url) => url.origin === glewlwyd.origin);
    await expect.poll(() => traffic.revocations.map((r) => r.token)).toContain(traffic.latestRefreshToken());
    expect(traffic.revocations.every((r) => r.status === 401)).toBe(true);

    const [endSession] = traffic.endSessions;
    expect(endSession?.searchParams.get('client_id')).toBe(glewlwyd.clientId);
    expect(endSession?.searchParams.get('post_logout_redirect_uri')).toBe(`${demoPage.pageOrigin}/`);
    await page.getByText('End session').first().waitFor();
    await page.locator('button', { hasText: 'Logout' }).first().click();
    await page.waitForURL((url) => url.origin === demoPage.pageOrigin);
    expect(new URL(page.url()).searchParams.get('state')).toBe(endSession?.searchParams.get('state'));
    expect((await openApp(page)).signedIn).toBe(false);
  });

  it('refuses the rotated-out refresh token; the last one outlives the sign-out, as revocation was refused', async () => {
    const last = traffic.latestRefreshToken()!;
    expect((await refreshFromNode(last)).status).toBe(200); // what logout() could not revoke
    const spent = await refreshFromNode(traffic.codeExchanges[0]?.body.refresh_token as string);
    expect(spent).toEqual({ status: 400, text: '' }); // no OAuth error body: see the known gap below
  });

  it('signs in again: glewlwyd asks for the password again (its session ended), not for consent', async () => {
    expect(await signInAtGlewlwyd(page, glewlwyd, demoPage.pageOrigin)).toEqual(['password', 'continue']);
    expect(await openApp(page)).toMatchObject({ signedIn: true, name: glewlwyd.user.name });
  });

  // What the app does when glewlwyd refuses its refresh token. Another holder spends it first
  // (a second tab without a shared store, a replay): glewlwyd answers HTTP 400 with an empty body.
  let afterRefusal: { error?: string; signedIn: boolean; ended: Window['authEvents'] } | undefined;

  it('meets a refresh token glewlwyd refuses: HTTP 400 with an empty body, no OAuth error', async () => {
    await expect.poll(() => traffic.codeExchanges.length).toBe(2);
    const held = traffic.latestRefreshToken()!;
    expect((await refreshFromNode(held)).status).toBe(200);
    const before = traffic.refreshes.length;
    afterRefusal = await page.evaluate(async () => {
      const error = await window.auth.getAccessToken({ forceRefresh: true }).then(
        () => undefined,
        (e: { code: string }) => e.code,
      );
      const ended = window.authEvents.filter((e) => e.type === 'session-ended');
      return { error, signedIn: window.auth.isAuthenticated(), ended };
    });
    await expect.poll(() => traffic.refreshes.slice(before).find((r) => r.sent === held)).toMatchObject({ status: 400, body: {} });
    expect(afterRefusal.error).toBeDefined();
  });

  // glewlwyd refuses a spent, reused or disabled refresh token with HTTP 400 and no body, where
  // RFC 6749 §5.2 wants {"error":"invalid_grant"}; asking again can only fail again, so the client
  // ends the session as it does on invalid_grant.
  it('a refresh token glewlwyd refuses (HTTP 400, empty body) ends the session', () => {
    expect(afterRefusal).toEqual({
      error: 'login_required',
      signedIn: false,
      ended: [{ type: 'session-ended', reason: 'invalid_grant', code: 'login_required' }],
    });
  });
});
