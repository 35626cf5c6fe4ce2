// DPoP (RFC 9449) through the whole client: bound codes, proofs on every request to the
// authorization server, DPoP-scheme API calls checked by pkce-spa/server's verifier, nonce retries,
// and Bearer answers refused. The proofs are checked with jose at the test server, as a server would.
// happy-dom has no IndexedDB; a DPoP key must wait in one across the redirect, as in a browser.
import 'fake-indexeddb/auto';
import { calculateJwkThumbprint } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokenVerifier, rotatingDpopNonces } from '../../src/server/index.js';
import { API_ORIGIN, ISSUER, createTestServer, type TestServer } from '../support/authorization-server.js';
import { dpopAtTokenEndpoint } from '../support/dpop.js';
import { createClient, resetPage, signIn, startLogin } from '../support/flow.js';

let server: TestServer;
let proofs: ReturnType<typeof dpopAtTokenEndpoint>['proofs'];
beforeEach(async () => {
  resetPage();
  server = await createTestServer();
  const dpop = dpopAtTokenEndpoint();
  server.dpop = dpop.check;
  proofs = dpop.proofs;
});
afterEach(resetPage);

/** The API checks tokens with pkce-spa/server, DPoP on. */
function dpopApi(options: { nonces?: ReturnType<typeof rotatingDpopNonces> } = {}) {
  const verifier = createTokenVerifier({
    issuer: ISSUER,
    audience: API_ORIGIN,
    jwksUri: `${ISSUER}/jwks`,
    fetch: (url, init) => server.fetch(url, init),
    dpop: { mode: 'required', algorithms: ['ES256'], ...(options.nonces ? { nonces: options.nonces } : {}) },
  });
  const seen: Request[] = [];
  server.api = async (request) => {
    seen.push(request.clone());
    const { claims, response } = await verifier.verifyRequest(request);
    return response ?? Response.json({ sub: claims.sub });
  };
  return seen;
}

const dpopClient = () => createClient(server, { dpop: true });

describe('sign-in', () => {
  it('binds the code to the session key (dpop_jkt) and redeems it with a proof; the tokens are DPoP', async () => {
    const client = dpopClient();
    const authorizeUrl = new URL(await startLogin(client));
    history.replaceState(null, '', await server.authorize(authorizeUrl.href));
    expect((await client.auth.handleRedirect())?.user?.sub).toBe('alice');
    const [proof] = proofs;
    expect(proof!.header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
    expect(proof!.header.jwk).not.toHaveProperty('d');
    expect(Object.keys(proof!.claims).sort()).toEqual(['htm', 'htu', 'iat', 'jti']);
    expect(proof!.claims).toMatchObject({ htm: 'POST', htu: `${ISSUER}/token` });
    expect(authorizeUrl.searchParams.get('dpop_jkt')).toBe(await calculateJwkThumbprint(proof!.header.jwk!));
  });

  it('refuses a Bearer answer to a DPoP token request, never downgrading (RFC 9449 §5)', async () => {
    server.transformTokenResponse = (body) => ({ ...body, token_type: 'Bearer' });
    const client = dpopClient();
    history.replaceState(null, '', await server.authorize(await startLogin(client)));
    await expect(client.auth.handleRedirect()).rejects.toMatchObject({ code: 'invalid_response', message: expect.stringContaining('DPoP') });
    expect(client.auth.isAuthenticated()).toBe(false);
  });

  it('retries the token request exactly once with the server’s nonce (RFC 9449 §8)', async () => {
    const dpop = dpopAtTokenEndpoint({ nonce: 'server-nonce-1' });
    server.dpop = dpop.check;
    const client = dpopClient();
    history.replaceState(null, '', await server.authorize(await startLogin(client)));
    await client.auth.handleRedirect();
    expect(dpop.proofs.map((p) => p.claims.nonce)).toEqual([undefined, 'server-nonce-1']);
    expect(client.auth.isAuthenticated()).toBe(true);
    // The nonce is remembered: the refresh carries it from the first try.
    await client.auth.getAccessToken({ forceRefresh: true });
    expect(dpop.proofs.at(-1)!.claims.nonce).toBe('server-nonce-1');
    expect(dpop.proofs).toHaveLength(3);
  });
});

describe('a server that does not offer DPoP', () => {
  // LemonLDAP::NG, say: no dpop_signing_alg_values_supported. Its Bearer tokens would be refused only
  // after the user typed a password, and the refresh token it issued would stay valid, unrevocable.
  it.each([
    ['no dpop_signing_alg_values_supported', { dpop_signing_alg_values_supported: undefined }],
    ['DPoP without ES256', { dpop_signing_alg_values_supported: ['RS256'] }],
  ])('login() is refused before the user leaves (%s), naming what to change', async (_, metadata) => {
    server.metadataOverrides = metadata;
    const client = dpopClient();
    const error = await client.auth.login().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_config', message: expect.stringMatching(/"dpop".*dpop_signing_alg_values_supported.*dpop: false/) });
    expect(client.navigations).toEqual([]);
  });

  it('a server that supports DPoP without saying so is used through metadataOverrides', async () => {
    server.metadataOverrides = { dpop_signing_alg_values_supported: undefined };
    const client = createClient(server, { dpop: true, metadataOverrides: { dpop_signing_alg_values_supported: ['ES256'] } });
    await signIn(server, client);
    expect(client.auth.isAuthenticated()).toBe(true);
  });
});

describe('a browser whose IndexedDB refuses (a private mode, Lockdown Mode, blocked site data)', () => {
  it.each([
    ['missing', () => void Reflect.deleteProperty(globalThis, 'indexedDB')],
    ['refusing to open', () => void (indexedDB.open = () => { throw new DOMException('The user denied permission to access the database.', 'SecurityError'); })],
  ])('login() is refused before the user leaves when IndexedDB is %s, with a typed error that says why', async (_, breakIt) => {
    const saved = globalThis.indexedDB;
    const open = saved.open;
    breakIt();
    try {
      const client = dpopClient();
      const error = await client.auth.login().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'invalid_config', message: expect.stringMatching(/IndexedDB.*loginWithPopup\(\).*dpop: false/) });
      expect(client.navigations).toEqual([]);
    } finally {
      saved.open = open;
      globalThis.indexedDB = saved;
    }
  });
});

describe('the session', () => {
  it('refreshes with a proof of the same key; the refresh token is useless without it', async () => {
    const { client } = await signIn(server, dpopClient());
    const [rt1] = server.issuedRefreshTokens;
    await client.auth.getAccessToken({ forceRefresh: true });
    expect(proofs).toHaveLength(2);
    expect(proofs[1]!.header.jwk).toEqual(proofs[0]!.header.jwk);
    // Replayed without a proof (as by whoever copied it), the rotated-in refresh token is refused.
    const rt2 = server.issuedRefreshTokens[1]!;
    const replay = await server.fetch(`${ISSUER}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rt2, client_id: 'spa' }),
    });
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    expect(rt1).not.toBe(rt2);
  });

  it('auth.fetch sends Authorization: DPoP with a proof bound to the token (ath), and the API accepts it', async () => {
    const seen = dpopApi();
    const { client } = await signIn(server, dpopClient());
    const response = await client.auth.fetch('https://api.example/api/me?x=1', { method: 'POST', body: 'hi' });
    expect(response.status).toBe(200);
    const request = seen[0]!;
    const token = await client.auth.getAccessToken();
    expect(request.headers.get('authorization')).toBe(`DPoP ${token}`);
    const [, payload] = request.headers.get('dpop')!.split('.');
    const claims = JSON.parse(atob(payload!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    expect(claims).toMatchObject({ htm: 'POST', htu: 'https://api.example/api/me' });
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
    expect(claims.ath).toBe(btoa(String.fromCharCode(...hash)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  });

  it('the same token as Bearer is refused by the API', async () => {
    dpopApi();
    const { client } = await signIn(server, dpopClient());
    const token = await client.auth.getAccessToken();
    const response = await server.fetch('https://api.example/api/me', { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
  });

  it('retries an API call once with the API’s nonce (RFC 9449 §9)', async () => {
    const seen = dpopApi({ nonces: rotatingDpopNonces({ rotateEvery: 300 }) });
    const { client } = await signIn(server, dpopClient());
    expect((await client.auth.fetch('https://api.example/api/me')).status).toBe(200);
    expect(seen).toHaveLength(2);
    expect((await client.auth.fetch('https://api.example/api/me')).status).toBe(200);
    expect(seen).toHaveLength(3); // the nonce is remembered for the API's origin
  });

  it('sends neither the token nor a proof to an origin that is not allowed', async () => {
    const { client } = await signIn(server, dpopClient());
    await client.auth.fetch('https://tracker.example/collect');
    const request = server.requests.at(-1)!;
    expect(request.headers.has('authorization')).toBe(false);
    expect(request.headers.has('dpop')).toBe(false);
  });

  it('logout revokes the refresh token with a proof', async () => {
    const { client } = await signIn(server, dpopClient());
    void client.auth.logout();
    await expect.poll(() => client.navigations.length).toBe(2);
    expect(proofs.at(-1)).toMatchObject({ url: `${ISSUER}/revoke`, claims: { htm: 'POST', htu: `${ISSUER}/revoke` } });
  });
});

describe('without dpop', () => {
  it('no proofs, Bearer tokens', async () => {
    const { client } = await signIn(server);
    expect(proofs).toHaveLength(0);
    await client.auth.fetch('https://api.example/api/me');
    expect(server.requests.at(-1)!.headers.get('authorization')).toMatch(/^Bearer /);
  });
});
