// DPoP (RFC 9449) end to end in real Chromium: oidc-provider binds the tokens, the demo API checks
// them with pkce-spa/server, and the point of it all: every token and every storage value copied
// out of the browser and replayed from Node is refused, at the token endpoint and at the API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { blockDemoApp, openBareApp, outcome } from '../support/browser/bare-app';
import { expectSignedIn, newDemoPage, postForm, signInThroughProvider, startDemoEnv, textOf, type DemoEnv } from '../support/browser/demo';

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  form: URLSearchParams;
  status?: number;
  body?: Record<string, unknown>;
}

function watch(context: BrowserContext, env: DemoEnv) {
  const seen: Seen[] = [];
  const servers = [env.demo.issuer, env.demo.apiUrl, env.demo.billingUrl];
  context.on('request', (request) => {
    if (!servers.some((origin) => request.url().startsWith(origin)) || request.method() === 'OPTIONS') return;
    seen.push({ url: request.url(), method: request.method(), headers: request.headers(), form: new URLSearchParams(request.postData() ?? '') });
  });
  context.on('response', async (response) => {
    const entry = [...seen].reverse().find((s) => s.url === response.url() && s.status === undefined);
    if (!entry) return;
    entry.status = response.status();
    entry.body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  });
  return seen;
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const headerOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;

/** A DPoP proof made in Node with a key of its own: what a thief holding a copied token could make. */
async function foreignProof(htm: string, htu: string, accessToken?: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const { kty, crv, x, y } = await exportJWK(publicKey);
  const claims: Record<string, unknown> = { htm, htu, jti: randomUUID(), iat: Math.floor(Date.now() / 1000) };
  if (accessToken) claims.ath = createHash('sha256').update(accessToken).digest('base64url');
  return new SignJWT(claims).setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } }).sign(privateKey);
}

async function signInWithDpop(env: DemoEnv, page: Page) {
  await page.goto(env.demo.pageUrl);
  await openBareApp(page, { dpop: true, store: 'sessionStorage' });
  await signInThroughProvider(page, env);
  expect(await openBareApp(page, { dpop: true, store: 'sessionStorage' })).toBe(true);
}

describe('DPoP against oidc-provider and the demo API', () => {
  let env: DemoEnv;
  let context: BrowserContext;
  let page: Page;
  let seen: Seen[];
  beforeAll(async () => {
    env = await startDemoEnv(60);
  });
  afterAll(() => env?.close());
  beforeEach(async () => {
    ({ context, page } = await newDemoPage(env));
    await blockDemoApp(context, env);
    seen = watch(context, env);
    return () => context.close();
  });

  it('signs in, calls the API, refreshes and signs out with proofs of one non-extractable key', async () => {
    await signInWithDpop(env, page);
    const push = seen.find((s) => s.url === env.discovery.pushed_authorization_request_endpoint)!;
    // The demo requires DPoP nonces: the first proof of the page gets use_dpop_nonce (RFC 9449 §8),
    // the same code with a proof carrying the nonce gets the tokens. The bodies are read as the
    // response events come, which can trail the page's own progress.
    const exchanges = () => seen.filter((s) => s.form.get('grant_type') === 'authorization_code');
    await expect.poll(() => exchanges().map((s) => s.body?.error ?? s.body?.token_type)).toEqual(['use_dpop_nonce', 'DPoP']);
    const exchange = exchanges()[1]!;
    expect(exchange.form.get('code')).toBe(exchanges()[0]!.form.get('code'));
    const proof = exchange.headers['dpop']!;
    expect(headerOf(proof)).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256' });
    expect(claimsOf(proof).nonce).toEqual(expect.any(String));
    expect(push.form.get('dpop_jkt')).toBe(await calculateJwkThumbprint(headerOf(proof).jwk as never));
    const accessToken = exchange.body!.access_token as string;
    expect(claimsOf(accessToken)).toMatchObject({ cnf: { jkt: push.form.get('dpop_jkt') } });

    const status = await page.evaluate(async (api) => (await window.auth.fetch(`${api}/api/me`)).status, env.demo.apiUrl);
    expect(status).toBe(200);
    const apiCall = seen.find((s) => s.url.startsWith(`${env.demo.apiUrl}/api/me`))!;
    expect(apiCall.headers['authorization']).toBe(`DPoP ${accessToken}`);
    expect(claimsOf(apiCall.headers['dpop']!)).toMatchObject({ htm: 'GET', htu: `${env.demo.apiUrl}/api/me`, ath: createHash('sha256').update(accessToken).digest('base64url') });

    expect(await outcome(page, 'auth.getAccessToken({ forceRefresh: true })')).toBe('ok');
    const refresh = seen.find((s) => s.form.get('grant_type') === 'refresh_token')!;
    expect(refresh.status).toBe(200);
    expect(headerOf(refresh.headers['dpop']!).jwk).toEqual(headerOf(proof).jwk);

    // The billing API's own token is bound to the same key, and goes to that API alone, with a proof.
    const billing = await page.evaluate(async (url) => (await window.auth.fetch(`${url}/api/me`)).status, env.demo.billingUrl);
    expect(billing).toBe(200);
    const billingRefreshes = () => seen.filter((s) => s.form.get('grant_type') === 'refresh_token' && s.form.get('resource') === env.demo.billingUrl && s.body?.access_token);
    await expect.poll(() => billingRefreshes().length).toBe(1);
    const billingRefresh = billingRefreshes()[0]!;
    const billingToken = billingRefresh.body!.access_token as string;
    expect(billingRefresh.body!.token_type).toBe('DPoP');
    expect(claimsOf(billingToken)).toMatchObject({ aud: env.demo.billingUrl, cnf: { jkt: push.form.get('dpop_jkt') } });
    const billingCall = seen.find((s) => s.url.startsWith(`${env.demo.billingUrl}/api/me`) && s.headers['authorization'])!;
    expect(billingCall.headers['authorization']).toBe(`DPoP ${billingToken}`);
    expect(claimsOf(billingCall.headers['dpop']!)).toMatchObject({ htu: `${env.demo.billingUrl}/api/me`, ath: createHash('sha256').update(billingToken).digest('base64url') });

    // The private key cannot leave the page, even for the page's own script.
    const exported = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const opening = indexedDB.open('pkce-spa-dpop');
        opening.onsuccess = () => resolve(opening.result);
        opening.onerror = () => reject(opening.error);
      });
      const keys = await new Promise<{ pair: CryptoKeyPair }[]>((resolve) => {
        const request = db.transaction('keys').objectStore('keys').getAll();
        request.onsuccess = () => resolve(request.result as { pair: CryptoKeyPair }[]);
      });
      return Promise.all(
        keys.map(({ pair }) =>
          crypto.subtle.exportKey('jwk', pair.privateKey).then(
            () => 'exported',
            (e: Error) => e.name,
          ),
        ),
      );
    });
    expect(exported.length).toBeGreaterThan(0);
    expect(exported.every((result) => result === 'InvalidAccessError')).toBe(true);

    await page.evaluate(() => {
      window.stayOnPage = true;
      void window.auth.logout();
    });
    await expect.poll(() => seen.filter((s) => s.url === env.discovery.revocation_endpoint).length).toBe(1);
    const revocation = seen.find((s) => s.url === env.discovery.revocation_endpoint)!;
    expect(claimsOf(revocation.headers['dpop']!)).toMatchObject({ htm: 'POST', htu: env.discovery.revocation_endpoint });
  });

  it('a silent restore binds the tokens to a key made when its code came: the iframe request carries no dpop_jkt', async () => {
    await page.goto(env.demo.pageUrl);
    await openBareApp(page, { dpop: true });
    // Signed out: the iframe's prompt=none request carries no dpop_jkt, and no key is kept.
    expect(await page.evaluate(async () => (await window.auth.restoreSession({ silent: true })).signedIn)).toBe(false);
    const silent = () => seen.filter((s) => s.url.startsWith(env.discovery.authorization_endpoint) && new URL(s.url).searchParams.get('prompt') === 'none');
    expect(silent()).toHaveLength(1);
    expect(new URL(silent()[0]!.url).searchParams.has('dpop_jkt')).toBe(false);
    // Signed in (memory store), then reloaded: the iframe brings a code, redeemed with a fresh key's proof.
    await signInThroughProvider(page, env);
    expect(await openBareApp(page, { dpop: true })).toBe(true);
    await page.reload();
    expect(await openBareApp(page, { dpop: true })).toBe(false);
    expect(await page.evaluate(async () => (await window.auth.restoreSession()).via)).toBe('iframe');
    expect(new URL(silent()[1]!.url).searchParams.has('dpop_jkt')).toBe(false);
    const exchanges = seen.filter((s) => s.form.get('grant_type') === 'authorization_code' && s.body?.access_token);
    const last = exchanges.at(-1)!;
    const jkt = await calculateJwkThumbprint(headerOf(last.headers['dpop']!).jwk as never);
    expect(claimsOf(last.body!.access_token as string)).toMatchObject({ cnf: { jkt } });
    const status = await page.evaluate(async (api) => (await window.auth.fetch(`${api}/api/me`)).status, env.demo.apiUrl);
    expect(status).toBe(200);
  });

  it('with nonces required (the demo default), retries once at the token endpoint and at the API, then takes each next nonce from the answers', async () => {
    await signInWithDpop(env, page);
    const exchanges = seen.filter((s) => s.form.get('grant_type') === 'authorization_code');
    expect(exchanges.map((s) => s.status)).toEqual([400, 200]);
    await expect.poll(() => exchanges[0]!.body).toMatchObject({ error: 'use_dpop_nonce' });
    const call = () => page.evaluate(async (api) => (await window.auth.fetch(`${api}/api/me`)).status, env.demo.apiUrl);
    expect([await call(), await call()]).toEqual([200, 200]);
    const calls = seen.filter((s) => s.url.startsWith(`${env.demo.apiUrl}/api/me`));
    expect(calls.map((s) => s.status)).toEqual([401, 200, 200]);
    expect(claimsOf(calls[1]!.headers['dpop']!).nonce).toEqual(expect.any(String));
    expect(claimsOf(calls[2]!.headers['dpop']!).nonce).toBe(claimsOf(calls[1]!.headers['dpop']!).nonce);
  });

  it('every token and storage value copied out of the browser is refused when replayed from Node', async () => {
    await signInWithDpop(env, page);
    // Everything script on the page could read: the session in sessionStorage, the transaction store.
    const storage = await page.evaluate(() => Object.fromEntries(Object.entries(sessionStorage)));
    const tokens = JSON.parse(Object.entries(storage).find(([key]) => key.startsWith('pkce-spa:tokens'))![1]) as { accessToken: string; refreshToken: string; idToken: string };
    const values = Object.values(storage).flatMap((value) => value.match(/[A-Za-z0-9_.-]{40,}/g) ?? []);
    expect(values).toContain(tokens.refreshToken);
    const api = `${env.demo.apiUrl}/api/me`;

    // At the token endpoint: every stolen value as a refresh token, without a proof and with the thief's own.
    for (const value of new Set(values)) {
      const params = { grant_type: 'refresh_token', refresh_token: value, client_id: env.demo.clientId, resource: env.demo.config.resource };
      expect((await postForm(env.discovery.token_endpoint, params, env.demo.pageOrigin)).status).toBeGreaterThanOrEqual(400);
      const withProof = await fetch(env.discovery.token_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: await foreignProof('POST', env.discovery.token_endpoint) },
        body: new URLSearchParams(params),
      });
      expect(withProof.status).toBeGreaterThanOrEqual(400);
    }
    // At the API: every stolen value as a token, as Bearer and as DPoP with the thief's proof.
    for (const value of new Set(values)) {
      const bearer = await fetch(api, { headers: { authorization: `Bearer ${value}` } });
      expect(bearer.status).toBe(401);
      const dpop = await fetch(api, { headers: { authorization: `DPoP ${value}`, dpop: await foreignProof('GET', api, value) } });
      expect(dpop.status).toBe(401);
    }
    // The page itself still works: the key never left it.
    expect(await page.evaluate(async (url) => (await window.auth.fetch(url)).status, api)).toBe(200);
    expect(await outcome(page, 'auth.getAccessToken({ forceRefresh: true })')).toBe('ok');
  });
});

describe('the demo page with DPoP (its default)', () => {
  let env: DemoEnv;
  beforeAll(async () => {
    env = await startDemoEnv(60);
  });
  afterAll(() => env?.close());

  it('shows the proofs in its steps, and the token request still leaves first with the keys alongside', async () => {
    const { context, page } = await newDemoPage(env);
    await page.goto(env.demo.pageUrl);
    await signInThroughProvider(page, env, { username: 'alice' });
    await expectSignedIn(page, 'alice');
    // The page times the SDK's fetch calls: the keys were asked for after the token request left
    // (with DPoP, its CORS preflight goes first on the wire, which Playwright does not report).
    await expect.poll(() => page.locator('[data-step="jwks"]').getAttribute('data-state')).toBe('done');
    expect(await textOf(page, '[data-step="jwks"]')).toMatch(/Requested [\d.]+ ms after the token request started/);
    expect(await textOf(page, '[data-step="token"]')).toContain('DPoP proof');
    expect(await textOf(page, '[data-step="token"]')).toContain('dpop+jwt');
    await page.locator('#call-api').click();
    await expect.poll(() => textOf(page, '#api-result')).toContain('HTTP 200');
    await expect.poll(() => textOf(page, '[data-step="api"]')).toContain('AuthorizationDPoP ey');
    expect(await textOf(page, '[data-step="api"]')).toContain('ath');
    await context.close();
  });
});
