// Proves the demo's authorization server and API are configured as the SDK expects, without the
// SDK: a hand-built PKCE request goes through oidc-provider's real login and consent pages in
// Chromium, and the token, refresh, revocation and API calls are then made from Node.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import type { Browser, Page } from 'playwright-core';

import { startDemo, type RunningDemo } from '../../demo/start.mjs';
import { launchChromium } from '../support/browser/chromium';
import type { Discovery } from '../support/browser/demo';

const ACCESS_TOKEN_TTL = 30;
const random = () => randomBytes(16).toString('base64url');

function newPkce() {
  const verifier = randomBytes(32).toString('base64url'); // RFC 7636 §4.1: 43 characters
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}


interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  id_token: string;
  refresh_token: string;
  scope?: string;
  error?: string;
}

let demo: RunningDemo;
let discovery: Discovery;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  demo = await startDemo({ quiet: true, accessTokenTtl: ACCESS_TOKEN_TTL });
  discovery = (await (await fetch(`${demo.issuer}/.well-known/openid-configuration`)).json()) as Discovery;
  browser = await launchChromium();
  // launchChromium() keeps the browser on loopback and off the network (the dev login pages @import a web font).
  const context = await browser.newContext();
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

function authorizeUrl(params: Record<string, string | undefined>): string {
  const url = new URL(discovery.authorization_endpoint);
  const all: Record<string, string | undefined> = {
    client_id: demo.clientId,
    response_type: 'code',
    redirect_uri: demo.config.redirectUri,
    scope: demo.config.scope,
    resource: demo.config.resource,
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [key, value] of Object.entries(all)) if (value !== undefined) url.searchParams.set(key, value);
  return url.href;
}

/** Runs an authorization request in Chromium, answering the login and consent pages if shown. */
async function authorizeInBrowser(username = 'alice') {
  const { verifier, challenge } = newPkce();
  const state = random();
  const nonce = random();
  const prompts: string[] = [];
  // The callback as the browser requested it: the demo page loaded there may tidy the address bar
  // (its own app refuses this callback) before page.url() is read.
  let reached: string | undefined;
  const onRequest = (request: import('playwright-core').Request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame() && request.url().startsWith(demo.config.redirectUri)) {
      reached ??= request.url();
    }
  };
  page.on('request', onRequest);
  await page.goto(authorizeUrl({ state, nonce, code_challenge: challenge }));
  while (reached === undefined && !page.url().startsWith(demo.config.redirectUri)) {
    if (prompts.length > 3) throw new Error(`stuck at ${page.url()}`);
    const before = page.url();
    const prompt = await page.locator('input[name="prompt"]').getAttribute('value');
    if (prompt === 'login') {
      await page.fill('input[name="login"]', username);
      await page.fill('input[name="password"]', 'any password');
    } else if (prompt !== 'consent') {
      throw new Error(`unexpected page at ${before}: ${await page.title()}`);
    }
    prompts.push(prompt);
    await Promise.all([page.waitForURL((url) => url.href !== before), page.click('button[type="submit"]')]);
  }
  page.off('request', onRequest);
  const callback = new URL(reached ?? page.url());
  return { callback, verifier, state, nonce, prompts, code: callback.searchParams.get('code') ?? '' };
}

async function post(endpoint: string, params: Record<string, string>, origin = demo.pageOrigin) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
    body: new URLSearchParams({ client_id: demo.clientId, ...params }),
  });
  const text = await response.text();
  return { response, body: (text ? JSON.parse(text) : {}) as TokenResponse };
}

const exchange = (code: string, verifier: string) =>
  post(discovery.token_endpoint, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: demo.config.redirectUri,
    resource: demo.config.resource,
  });

const refresh = (refreshToken: string, resource: string | null = demo.config.resource) =>
  post(discovery.token_endpoint, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    ...(resource ? { resource } : {}),
  });

/** A full sign-in: browser authorization, then the code exchange. */
async function signIn() {
  const auth = await authorizeInBrowser();
  const { response, body } = await exchange(auth.code, auth.verifier);
  expect(response.status, JSON.stringify(body.error)).toBe(200);
  return { auth, tokens: body };
}

const callApi = (token?: string, path = '/api/me') =>
  fetch(`${demo.apiUrl}${path}`, {
    headers: { Origin: demo.pageOrigin, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  });

describe('demo authorization server and API (without the SDK)', () => {
  it('advertises RFC 9207 iss, S256 only, code only, revocation and end_session in discovery', async () => {
    expect(discovery.issuer).toBe(demo.issuer);
    expect(discovery.authorization_response_iss_parameter_supported).toBe(true);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.response_types_supported).toEqual(['code']);
    expect(discovery.revocation_endpoint).toBe(`${demo.issuer}/token/revocation`);
    expect(discovery.end_session_endpoint).toBe(`${demo.issuer}/session/end`);

    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: Record<string, string>[] };
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const key of jwks.keys) {
      expect(key.kid).toBeTruthy();
      expect(key.d).toBeUndefined(); // public keys only
    }
  });

  it('serves /config.json with what the page needs', async () => {
    const response = await fetch(`${demo.pageOrigin}/config.json`);
    expect(await response.json()).toEqual(demo.config);
    expect(demo.config).toMatchObject({
      issuer: demo.issuer,
      clientId: 'pkce-spa-demo',
      redirectUri: `${demo.pageOrigin}/callback`,
      resource: demo.apiUrl,
      scope: 'openid profile email offline_access api:read billing:read',
      billingUrl: demo.billingUrl,
      billingScope: 'billing:read',
    });
  });

  it('refuses authorization requests without PKCE, with plain PKCE, or with a foreign redirect_uri', async () => {
    const state = random();
    const withoutPkce = await fetch(authorizeUrl({ state, code_challenge_method: undefined }), { redirect: 'manual' });
    const location = new URL(withoutPkce.headers.get('location') ?? '');
    expect(location.href.startsWith(demo.config.redirectUri)).toBe(true);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe(state);
    expect(location.searchParams.get('iss')).toBe(demo.issuer);

    const { verifier } = newPkce();
    const plain = await fetch(authorizeUrl({ state, code_challenge: verifier, code_challenge_method: 'plain' }), {
      redirect: 'manual',
    });
    expect(new URL(plain.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_request');

    const foreign = await fetch(authorizeUrl({ state, code_challenge: newPkce().challenge, redirect_uri: 'http://evil.example/callback' }), {
      redirect: 'manual',
    });
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('location')).toBeNull();
  });

  it('signs in through the login and consent pages and redirects with code, state and iss', async () => {
    const auth = await authorizeInBrowser('alice');
    expect(auth.prompts).toEqual(['login', 'consent']);
    expect(auth.callback.origin + auth.callback.pathname).toBe(demo.config.redirectUri);
    expect(auth.code).toMatch(/^[\w-]{20,}$/);
    expect(auth.callback.searchParams.get('state')).toBe(auth.state);
    expect(auth.callback.searchParams.get('iss')).toBe(demo.issuer);
    expect(await page.title()).toContain('pkce-spa demo'); // the page server answered /callback

    // A wrong code_verifier is refused (and does not use up the code)…
    const wrong = await exchange(auth.code, newPkce().verifier);
    expect(wrong.response.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');

    // …the right one gets the API's JWT, an ID token and a refresh token, with CORS for the page.
    const { response, body } = await exchange(auth.code, auth.verifier);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(demo.pageOrigin);
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(ACCESS_TOKEN_TTL);
    expect(body.refresh_token).toBeTruthy();

    const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
    expect(decodeProtectedHeader(body.access_token)).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
    const { payload: at } = await jwtVerify(body.access_token, jwks, { issuer: demo.issuer, audience: demo.apiUrl });
    expect(at).toMatchObject({ sub: 'alice', client_id: demo.clientId, scope: 'api:read' });

    const { payload: id, protectedHeader } = await jwtVerify(body.id_token, jwks, {
      issuer: demo.issuer,
      audience: demo.clientId,
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(id).toMatchObject({ sub: 'alice', nonce: auth.nonce, name: 'alice', email: 'alice@example.com' });

    // The page origin gets CORS; another origin does not.
    const again = await authorizeInBrowser();
    expect(again.prompts).toEqual([]); // signed-in session and existing grant: straight back
    const foreign = await post(discovery.token_endpoint, {
      grant_type: 'authorization_code', code: again.code, code_verifier: again.verifier,
      redirect_uri: demo.config.redirectUri, resource: demo.config.resource,
    }, 'http://evil.example');
    expect(foreign.response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('API: 200 with the access token, 401 with a tampered one, with an ID token, or with none', async () => {
    const { tokens } = await signIn();

    const ok = await callApi(tokens.access_token);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(demo.pageOrigin);
    expect(await ok.json()).toMatchObject({ sub: 'alice', scope: 'api:read' });
    expect((await callApi(tokens.access_token, '/api/time')).status).toBe(200);

    const [header, payload, signature] = tokens.access_token.split('.');
    const flipped = `${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
    for (const bad of [`${header}.${payload}.${flipped}`, tokens.id_token]) {
      const response = await callApi(bad);
      expect(response.status).toBe(401);
      // RFC 9449 §7.1: the API accepts DPoP too, so the challenge names both schemes.
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="demo-api", error="invalid_token", error_description="[^"]+", DPoP realm="demo-api", algs="ES256"$/);
    }

    const none = await callApi();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="demo-api", scope="api:read", DPoP realm="demo-api", scope="api:read", algs="ES256"');

    const preflight = await fetch(`${demo.apiUrl}/api/me`, {
      method: 'OPTIONS',
      headers: { Origin: demo.pageOrigin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(demo.pageOrigin);
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });

  it('rotates refresh tokens, refuses a used one, and then ends the whole grant', async () => {
    const { tokens } = await signIn();

    const first = await refresh(tokens.refresh_token);
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get('access-control-allow-origin')).toBe(demo.pageOrigin);
    expect(first.body.refresh_token).toBeTruthy();
    expect(first.body.refresh_token).not.toBe(tokens.refresh_token);
    expect(first.body.access_token).not.toBe(tokens.access_token);
    expect(decodeJwt(first.body.access_token).aud).toBe(demo.apiUrl); // resource kept on refresh
    expect((await callApi(first.body.access_token)).status).toBe(200);

    // Without `resource` the provider returns an opaque token for its own userinfo endpoint.
    const opaque = await refresh(first.body.refresh_token, null);
    expect(opaque.response.status).toBe(200);
    expect(opaque.body.access_token.split('.')).toHaveLength(1);

    const reused = await refresh(tokens.refresh_token);
    expect(reused.response.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    // Reuse detection: presenting a retired refresh token revokes the grant, newest token included.
    expect((await refresh(opaque.body.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('revokes a refresh token', async () => {
    const { tokens } = await signIn();
    const { response } = await post(discovery.revocation_endpoint, {
      token: tokens.refresh_token,
      token_type_hint: 'refresh_token',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(demo.pageOrigin);

    const after = await refresh(tokens.refresh_token);
    expect(after.response.status).toBe(400);
    expect(after.body.error).toBe('invalid_grant');
  });

  it('logs out with id_token_hint straight back to the page, ending the session and its refresh token', async () => {
    const { tokens } = await signIn();
    const url = new URL(discovery.end_session_endpoint);
    const state = random();
    url.search = new URLSearchParams({
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: demo.config.postLogoutRedirectUri,
      state,
    }).toString();
    await page.goto(url.href);
    await page.waitForURL((u) => u.href.startsWith(demo.config.postLogoutRedirectUri) && u.origin === demo.pageOrigin);
    expect(new URL(page.url()).searchParams.get('state')).toBe(state);

    expect((await refresh(tokens.refresh_token)).body.error).toBe('invalid_grant');
    expect((await authorizeInBrowser()).prompts).toEqual(['login', 'consent']); // signed out for real
  });

  it('asks for confirmation before logging out without id_token_hint', async () => {
    await signIn();
    const url = new URL(discovery.end_session_endpoint);
    url.search = new URLSearchParams({
      client_id: demo.clientId,
      post_logout_redirect_uri: demo.config.postLogoutRedirectUri,
    }).toString();
    await page.goto(url.href);
    expect(page.url().startsWith(demo.issuer)).toBe(true);
    await Promise.all([
      page.waitForURL((u) => u.origin === demo.pageOrigin),
      page.click('button[name="logout"][value="yes"]'),
    ]);
    expect((await authorizeInBrowser()).prompts).toContain('login');
  });
});
