// Issue 16: one sign-in, a token per API, all through the session's one refresh token. The test
// server keeps the grant's resources (RFC 8707 §2.1), issues one resource per access token, and
// refuses a refresh token used twice, as oidc-provider does.
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import { indexedDbTokenStore, isPkceError, webStorageTokenStore, type PkceClientEvents, type PkceClientOptions } from '../../src/index.js';
import { API_ORIGIN, createTestServer, type TestServer } from '../support/authorization-server.js';
import { createClient, installWebLocks, resetPage, signIn } from '../support/flow.js';

const BILLING_ORIGIN = 'https://billing.example';
const BILLING = 'https://billing.example/';
const BILLING_SCOPE = 'billing:read';
const OPTIONS: Partial<PkceClientOptions> = {
  scope: `openid profile offline_access api:read ${BILLING_SCOPE}`,
  apiOrigins: [API_ORIGIN, { origin: BILLING_ORIGIN, resource: BILLING, scope: BILLING_SCOPE }],
};

let server: TestServer;
beforeEach(async () => {
  resetPage();
  server = await createTestServer();
});
afterEach(resetPage);

const refreshRequests = () => server.requests.filter((r) => r.body?.get('grant_type') === 'refresh_token');
const audience = (token: string) => decodeJwt(token).aud;

/** What each API received: its origin's requests' Authorization headers. */
function recordApis() {
  const seen: Record<string, (string | null)[]> = {};
  server.api = async (request) => {
    (seen[new URL(request.url).origin] ??= []).push(request.headers.get('authorization'));
    return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return seen;
}

describe('a token per API', () => {
  it('asks for every named API at sign-in, then gets the second API its own token with the refresh token', async () => {
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const authorize = new URL(server.requests.find((r) => new URL(r.url).pathname === '/authorize')?.url ?? client.navigations[0]!);
    expect(authorize.searchParams.getAll('resource')).toEqual([API_ORIGIN, BILLING]);
    const { auth } = client;
    const events: PkceClientEvents['refreshed'][] = [];
    auth.on('refreshed', (e) => events.push(e));

    const signInToken = await auth.getAccessToken();
    expect(audience(signInToken)).toEqual([API_ORIGIN]);
    const billingToken = await auth.getAccessToken({ resource: BILLING, scope: BILLING_SCOPE });
    expect(audience(billingToken)).toEqual([BILLING]);
    expect(decodeJwt(billingToken).scope).toBe(BILLING_SCOPE);
    const [refresh] = refreshRequests();
    expect(refresh!.body!.getAll('resource')).toEqual([BILLING]);
    expect(refresh!.body!.get('scope')).toBe(BILLING_SCOPE);
    expect(events).toEqual([{ expiresAt: expect.any(Number), resource: BILLING, scope: BILLING_SCOPE }]);

    // Held while fresh: no second request; the sign-in's token is still the sign-in's.
    expect(await auth.getAccessToken({ scope: BILLING_SCOPE, resource: BILLING })).toBe(billingToken);
    expect(await auth.getAccessToken()).toBe(signInToken);
    expect(refreshRequests()).toHaveLength(1);
  });

  it('auth.fetch sends each API its own token, never another API’s, and other origins none', async () => {
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const seen = recordApis();
    const { auth } = client;
    await auth.fetch(`${API_ORIGIN}/api/me`);
    await auth.fetch(`${BILLING_ORIGIN}/api/invoices`);
    await auth.fetch('https://other.example/api/x');
    expect(audience(seen[API_ORIGIN]![0]!.slice(7))).toEqual([API_ORIGIN]);
    expect(audience(seen[BILLING_ORIGIN]![0]!.slice(7))).toEqual([BILLING]);
    expect(seen['https://other.example']).toEqual([null]);
  });

  it('50 concurrent callers over 2 APIs at expiry: one refresh per API, one after the other, no refresh token sent twice', async () => {
    server.accessTokenTtl = 0;
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const { auth } = client;
    await auth.getAccessToken({ resource: BILLING, scope: BILLING_SCOPE });
    const before = refreshRequests().length;
    server.accessTokenTtl = 300;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? auth.getAccessToken() : auth.getAccessToken({ resource: BILLING, scope: BILLING_SCOPE }))),
    );
    const sent = refreshRequests().slice(before);
    expect(sent).toHaveLength(2);
    expect(sent.map((r) => r.body!.getAll('resource')).sort()).toEqual([[API_ORIGIN], [BILLING]]);
    const used = refreshRequests().map((r) => r.body!.get('refresh_token'));
    expect(new Set(used).size).toBe(used.length);
    // Each request went out after the previous one was answered, with the refresh token it returned.
    expect(sent[1]!.start).toBeGreaterThanOrEqual(sent[0]!.end!);
    expect(server.issuedRefreshTokens).toContain(sent[1]!.body!.get('refresh_token'));
    expect(new Set(results.filter((_, i) => i % 2)).size).toBe(1);
    expect(new Set(results.filter((_, i) => !(i % 2))).size).toBe(1);
    expect(auth.isAuthenticated()).toBe(true);
  });

  it('a 401 from one API refreshes only that API’s token', async () => {
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const { auth } = client;
    const signInToken = await auth.getAccessToken();
    let refuse = true;
    server.api = async (request) => {
      if (new URL(request.url).origin === BILLING_ORIGIN && refuse) {
        refuse = false;
        return new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
      }
      return new Response('{}', { status: 200 });
    };
    expect((await auth.fetch(`${BILLING_ORIGIN}/api/invoices`)).status).toBe(200);
    const sent = refreshRequests();
    expect(sent.map((r) => r.body!.getAll('resource'))).toEqual([[BILLING], [BILLING]]);
    expect(await auth.getAccessToken()).toBe(signInToken);
  });

  it('a refused resource or scope names what was asked for, is not asked again, and the session goes on', async () => {
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const { auth } = client;
    const refuse = (error: string) => () =>
      new Response(JSON.stringify({ error, error_description: 'no' }), { status: 400, headers: { 'content-type': 'application/json' } });
    server.nextTokenResponse = refuse('invalid_target');
    const unknown = await auth.getAccessToken({ resource: BILLING, scope: BILLING_SCOPE }).catch((e: unknown) => e);
    expect(isPkceError(unknown, 'oauth_error') && unknown.error).toBe('invalid_target');
    expect((unknown as Error).message).toContain('the server refused a token for resource "https://billing.example/" and scope "billing:read": check that the server knows this resource');
    // The same API again: the same refusal, without a request; forceRefresh asks again.
    const before = refreshRequests().length;
    await expect(auth.getAccessToken({ resource: BILLING, scope: BILLING_SCOPE })).rejects.toBe(unknown);
    expect(refreshRequests()).toHaveLength(before);
    const wider = await auth.getAccessToken({ resource: BILLING, scope: 'billing:write' }).catch((e: unknown) => e);
    expect(isPkceError(wider, 'oauth_error') && wider.error).toBe('invalid_scope');
    expect((wider as Error).message).toMatch(/scope "billing:write".*granted/);
    expect(auth.isAuthenticated()).toBe(true);
    expect(audience(await auth.getAccessToken({ resource: BILLING, scope: BILLING_SCOPE, forceRefresh: true }))).toEqual([BILLING]);
  });

  it('a resource the sign-in did not ask for is refused before any request (oidc-provider would spend the refresh token refusing it)', async () => {
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const { auth } = client;
    for (const resource of ['https://unknown.example', 'https://billing.example']) {
      const error = await auth.getAccessToken({ resource }).catch((e: unknown) => e);
      expect(isPkceError(error, 'invalid_config')).toBe(true);
      expect((error as Error).message).toContain(`"resource" "${resource}" is not one the sign-in asked for ("https://api.example", "https://billing.example/")`);
    }
    expect(refreshRequests()).toHaveLength(0);
    expect(auth.isAuthenticated()).toBe(true);
  });

  it('a resource alone names its apiOrigins entry, and the sign-in resource the sign-in token', async () => {
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const { auth } = client;
    expect(await auth.getAccessToken({ resource: API_ORIGIN })).toBe(await auth.getAccessToken());
    const billing = await auth.getAccessToken({ resource: BILLING });
    expect(await auth.getAccessToken({ resource: BILLING, scope: BILLING_SCOPE })).toBe(billing);
    expect(refreshRequests()).toHaveLength(1);
  });

  it('refuses bad input by name before anything is sent', async () => {
    const { client } = await signIn(server, createClient(server, OPTIONS));
    await expect(client.auth.getAccessToken({ resource: 'billing' })).rejects.toThrow(/"resource" must be an absolute URI/);
    await expect(client.auth.getAccessToken({ scope: ' ' })).rejects.toThrow(/"scope" must be a non-empty string/);
    expect(() => createClient(server, { apiOrigins: [{ origin: BILLING_ORIGIN, resource: 'billing' }] })).toThrow(/"apiOrigins\[0\]\.resource" must be an absolute URI/);
    expect(() => createClient(server, { apiOrigins: [{ origin: BILLING_ORIGIN, audience: BILLING } as never] })).toThrow(/"apiOrigins\[0\]\.audience" is not a field of \{ origin, resource, scope \}/);
    expect(() => createClient(server, { apiOrigins: [BILLING_ORIGIN, { origin: BILLING_ORIGIN, resource: BILLING }] })).toThrow(/lists https:\/\/billing\.example twice/);
    expect(refreshRequests()).toHaveLength(0);
  });

  it('keeps API tokens in the store with the session, and logout() leaves none', async () => {
    const store = webStorageTokenStore(sessionStorage);
    const { client } = await signIn(server, createClient(server, { ...OPTIONS, tokenStore: store }));
    const billingToken = await client.auth.getAccessToken({ resource: BILLING, scope: BILLING_SCOPE });
    // A reload: a new client on the same store serves the held token without a request.
    const reloaded = createClient(server, { ...OPTIONS, tokenStore: store });
    expect(await reloaded.auth.getAccessToken({ resource: BILLING, scope: BILLING_SCOPE })).toBe(billingToken);
    expect(refreshRequests()).toHaveLength(1);
    void reloaded.auth.logout({ returnTo: '/' });
    await expect.poll(() => reloaded.navigations.length).toBe(1);
    expect(Object.values(sessionStorage).join()).not.toContain(billingToken);
    await expect(reloaded.auth.getAccessToken({ resource: BILLING, scope: BILLING_SCOPE })).rejects.toMatchObject({ code: 'login_required' });
  });

  it('two tabs sharing IndexedDB at expiry send one refresh for the API between them', async () => {
    const uninstall = installWebLocks();
    try {
      const database = "api-tokens-two-tabs";
      server.accessTokenTtl = 0;
      const tab1 = createClient(server, { ...OPTIONS, tokenStore: indexedDbTokenStore(database) });
      await signIn(server, tab1);
      const tab2 = createClient(server, { ...OPTIONS, tokenStore: indexedDbTokenStore(database) });
      server.accessTokenTtl = 300;
      const [a, b] = await Promise.all([tab1, tab2].map((tab) => tab.auth.getAccessToken({ resource: BILLING, scope: BILLING_SCOPE })));
      expect(a).toBe(b);
      expect(refreshRequests().filter((r) => r.body!.getAll('resource')[0] === BILLING)).toHaveLength(1);
    } finally {
      uninstall();
    }
  });

  it('resource: [A, B] against a server that issues one resource per token: the sign-in fails saying to ask per API', async () => {
    server.oneResourcePerToken = true;
    const client = createClient(server, { ...OPTIONS, resource: [API_ORIGIN, BILLING] });
    const refused = await signIn(server, client).catch((e: unknown) => e);
    expect(isPkceError(refused, 'oauth_error') && refused.error).toBe('invalid_target');
    expect((refused as Error).message).toContain('keep one in "resource", and ask for the others per API');
  });

  it('an invalid_request to an API refresh keeps the session: the API parameters may be what the server refused', async () => {
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const { auth } = client;
    server.nextTokenResponse = () =>
      new Response(JSON.stringify({ error: 'invalid_request', error_description: "AADSTS901002: The 'resource' request parameter is not supported." }), {
        status: 400,
        headers: { 'content-type': 'application/json' },
      });
    const refused = await auth.getAccessToken({ resource: BILLING, scope: BILLING_SCOPE }).catch((e: unknown) => e);
    expect(isPkceError(refused, 'oauth_error') && refused.error).toBe('invalid_request');
    expect((refused as Error).message).toContain('the server refused a token for resource "https://billing.example/" and scope "billing:read"');
    expect(auth.isAuthenticated()).toBe(true);
    expect(audience(await auth.getAccessToken({ resource: BILLING, scope: BILLING_SCOPE }))).toEqual([BILLING]);
  });

  it('an answer that grants none of the scopes asked for an API is no token for it: none kept or sent, the rotated refresh token kept', async () => {
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const { auth } = client;
    const seen = recordApis();
    server.transformTokenResponse = (body) => ({ ...body, scope: 'openid profile offline_access' });
    const refused = await auth.fetch(`${BILLING_ORIGIN}/api/invoices`).catch((e: unknown) => e);
    expect(isPkceError(refused, 'invalid_response')).toBe(true);
    expect((refused as Error).message).toContain('without "billing:read"');
    expect(seen[BILLING_ORIGIN]).toBeUndefined();
    server.transformTokenResponse = undefined;
    // Not asked again for this session, unless forced; then with the refresh token that answer rotated.
    await expect(auth.getAccessToken({ resource: BILLING, scope: BILLING_SCOPE })).rejects.toBe(refused);
    expect(audience(await auth.getAccessToken({ resource: BILLING, scope: BILLING_SCOPE, forceRefresh: true }))).toEqual([BILLING]);
    const used = refreshRequests().map((r) => r.body!.get('refresh_token'));
    expect(new Set(used).size).toBe(used.length);
  });
});
