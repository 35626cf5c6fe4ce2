import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientNames } from '../../src/browser/names.js';
import { isPkceError } from '../../src/index.js';
import { createTestServer, ISSUER, type TestServer } from '../support/authorization-server.js';
import { createClient, reachCallback, resetPage, signIn, startLogin } from '../support/flow.js';

let server: TestServer;
beforeEach(async () => {
  resetPage();
  server = await createTestServer();
});
afterEach(resetPage);

/** The rejection, and proof that it cost no token request. */
async function expectRejected(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isPkceError(error), String(error)).toBe(true);
  expect(error).toMatchObject({ code });
  return error as Error;
}

describe('a whole sign-in', () => {
  it('signs in with PKCE, validates the ID token, and returns where the user was going', async () => {
    const client = createClient(server);
    const authorizeUrl = new URL(await startLogin(client, { returnTo: '/inbox?tab=2' }));
    const query = authorizeUrl.searchParams;
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${ISSUER}/authorize`);
    expect(query.get('response_type')).toBe('code');
    expect(query.get('code_challenge_method')).toBe('S256');
    expect(query.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.get('resource')).toBe('https://api.example');
    expect(query.has('code_verifier')).toBe(false);

    history.replaceState(null, '', await server.authorize(authorizeUrl.href));
    const result = await client.auth.handleRedirect();

    expect(result?.returnTo).toBe('/inbox?tab=2');
    expect(result?.user).toMatchObject({ sub: 'alice', name: 'Alice Example', iss: ISSUER });
    expect(client.auth.isAuthenticated()).toBe(true);
    expect(client.auth.user?.sub).toBe('alice');
    const token = server.requests.find((r) => r.url === `${ISSUER}/token`)!;
    expect(token.body?.get('grant_type')).toBe('authorization_code');
    expect(token.body?.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token.body?.getAll('resource')).toEqual(['https://api.example']);
    // RFC 9700 §4.3: the single-use code leaves the address bar at once.
    expect(location.href).toBe('https://app.example/callback');
    const response = await client.auth.fetch('https://api.example/api/me');
    expect(await response.json()).toMatchObject({ sub: 'alice' });
  });

  it('returns null on a page that is no callback, without any request', async () => {
    history.replaceState(null, '', '/somewhere?code=abc'); // code without state is no callback
    const { auth } = createClient(server);
    expect(await auth.handleRedirect()).toBeNull();
    expect(server.requests).toHaveLength(0);
  });

  it('keeps two logins started in parallel apart, and both complete', async () => {
    const first = createClient(server);
    const second = createClient(server);
    const firstCallback = await server.authorize(await startLogin(first), { sub: 'first' });
    const secondCallback = await server.authorize(await startLogin(second), { sub: 'second' });
    expect((await second.auth.handleRedirect(secondCallback))?.user?.sub).toBe('second');
    expect((await first.auth.handleRedirect(firstCallback))?.user?.sub).toBe('first');
  });

  it('completes on a new page load with no discovery request, fetching the keys alongside the token request', async () => {
    const loginPage = createClient(server);
    await reachCallback(server, loginPage);
    server.requests.length = 0;
    server.tokenDelayMs = 50;
    const callbackPage = createClient(server); // the page was reloaded: a fresh client
    await callbackPage.auth.handleRedirect();
    const [first, second] = server.requests;
    expect(first?.url).toBe(`${ISSUER}/token`);
    expect(second?.url).toBe(`${ISSUER}/jwks`);
    expect(second!.start).toBeLessThan(first!.end!);
    expect(server.count('/.well-known/openid-configuration')).toBe(0);
  });

  it('skips discovery altogether when metadata is given', async () => {
    const client = createClient(server, { metadata: server.metadata() as never });
    await signIn(server, client);
    expect(server.count('/.well-known/openid-configuration')).toBe(0);
    expect(client.auth.isAuthenticated()).toBe(true);
  });
});

describe('callbacks that are refused before any token request', () => {
  it('refuses a replayed callback: a second handleRedirect makes no second token request', async () => {
    const { client } = await signIn(server);
    const again = createClient(server);
    const callback = server.requests.length; // for the count below
    await expectRejected(again.auth.handleRedirect('https://app.example/callback?code=x&state=y'), 'invalid_state');
    expect(server.requests.length).toBe(callback);
    expect(client.auth.isAuthenticated()).toBe(true);
  });

  it('the same callback URL again (a reload of the callback page) resolves null: no second token request, the session as it was', async () => {
    const client = createClient(server);
    const callback = await reachCallback(server, client);
    await client.auth.handleRedirect(callback);
    const tokens = await client.auth.getAccessToken();
    history.replaceState(null, '', callback);
    await expect(client.auth.handleRedirect()).resolves.toBeNull();
    expect(location.href).toBe('https://app.example/callback'); // the used code and state leave the address bar
    expect(server.count('/token')).toBe(1);
    expect(await client.auth.getAccessToken()).toBe(tokens);
  });

  it('Back to the authorization request after sign-in: a new code with the used state resolves null, and the code is never redeemed', async () => {
    const client = createClient(server);
    const authorizeUrl = await startLogin(client);
    history.replaceState(null, '', await server.authorize(authorizeUrl));
    await client.auth.handleRedirect();
    const back = await server.authorize(authorizeUrl); // the server, its session still on, answers again
    history.replaceState(null, '', back);
    const fresh = createClient(server); // Back loads the callback page anew
    await expect(fresh.auth.handleRedirect()).resolves.toBeNull();
    expect(server.count('/token')).toBe(1);
    expect(location.search).toBe('');
  });

  it('lets only one of two simultaneous handleRedirect calls use the code', async () => {
    const client = createClient(server);
    const callback = await reachCallback(server, client);
    const outcomes = await Promise.allSettled([client.auth.handleRedirect(callback), client.auth.handleRedirect(callback)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(server.count('/token')).toBe(1);
  });

  it('refuses a tampered state', async () => {
    const client = createClient(server);
    const callback = new URL(await reachCallback(server, client));
    callback.searchParams.set('state', 'forged');
    await expectRejected(client.auth.handleRedirect(callback.href), 'invalid_state');
    expect(server.count('/token')).toBe(0);
  });

  it('refuses a wrong iss (RFC 9207 mix-up defence)', async () => {
    const client = createClient(server);
    await reachCallback(server, client, { iss: 'https://evil.example' });
    await expectRejected(client.auth.handleRedirect(), 'invalid_issuer');
    expect(server.count('/token')).toBe(0);
    expect(client.auth.isAuthenticated()).toBe(false);
  });

  it('refuses a missing iss when the server promised it', async () => {
    const client = createClient(server);
    await reachCallback(server, client, { iss: null });
    await expectRejected(client.auth.handleRedirect(), 'invalid_issuer');
    expect(server.count('/token')).toBe(0);
  });

  it('accepts a missing iss from a server that does not send it', async () => {
    server.metadataOverrides.authorization_response_iss_parameter_supported = false;
    const client = createClient(server);
    await reachCallback(server, client, { iss: null });
    expect((await client.auth.handleRedirect())?.user?.sub).toBe('alice');
  });

  it('turns access_denied into an OAuthError that keeps the wire fields', async () => {
    const client = createClient(server);
    await reachCallback(server, client, { deny: true });
    const error = await expectRejected(client.auth.handleRedirect(), 'oauth_error');
    expect(error).toMatchObject({ error: 'access_denied', errorDescription: 'The user cancelled' });
    expect(server.count('/token')).toBe(0);
    expect(location.search).toBe(''); // error parameters are cleaned up too
  });

  it('refuses a transaction that has expired', async () => {
    const client = createClient(server);
    await reachCallback(server, client);
    const key = clientNames(ISSUER, 'spa').transaction;
    const stored = JSON.parse(sessionStorage.getItem(key)!);
    for (const tx of Object.values<{ createdAt: number }>(stored)) tx.createdAt -= 11 * 60_000;
    sessionStorage.setItem(key, JSON.stringify(stored));
    await expectRejected(client.auth.handleRedirect(), 'invalid_state');
    expect(server.count('/token')).toBe(0);
  });
});

describe('token responses that are refused, storing nothing', () => {
  const cases: [string, (s: TestServer) => void, string][] = [
    ['an ID token with a bad signature', (s) => (s.idTokenMischief = { foreignKey: true }), 'invalid_id_token'],
    ['an ID token with the wrong nonce', (s) => (s.idTokenMischief = { claims: { nonce: 'other' } }), 'invalid_id_token'],
    ['an ID token with the wrong iss', (s) => (s.idTokenMischief = { claims: { iss: 'https://evil.example' } }), 'invalid_id_token'],
    ['an unsigned ID token (alg none)', (s) => (s.idTokenMischief = { unsigned: true }), 'invalid_id_token'],
    ['an HS256 ID token', (s) => (s.idTokenMischief = { symmetric: 'x'.repeat(32) }), 'invalid_id_token'],
    [
      'a token response without id_token',
      (s) => (s.nextTokenResponse = () => Response.json({ access_token: 'at', token_type: 'Bearer', expires_in: 60 })),
      'invalid_response',
    ],
    ['a 500 from the token endpoint', (s) => (s.nextTokenResponse = () => new Response('<h1>oops</h1>', { status: 500, headers: { 'content-type': 'text/html' } })), 'invalid_response'],
  ];
  it.each(cases)('refuses %s', async (_, misbehave, code) => {
    const client = createClient(server);
    await reachCallback(server, client);
    misbehave(server);
    await expectRejected(client.auth.handleRedirect(), code);
    expect(client.auth.isAuthenticated()).toBe(false);
    await expect(client.auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' });
    expect(server.count('/api/me')).toBe(0);
  });

  it('refuses a discovery document for another issuer, before sending the browser anywhere', async () => {
    server.metadataOverrides.issuer = 'https://evil.example';
    const { auth, navigations } = createClient(server);
    await expectRejected(auth.login(), 'invalid_issuer');
    expect(navigations).toHaveLength(0);
    expect(sessionStorage.length).toBe(0);
  });

  it('accepts keys rotated after the first sign-in, refetching the JWKS once', async () => {
    const client = createClient(server);
    await signIn(server, client);
    await server.rotateKeys('ES256');
    await reachCallback(server, client);
    expect((await client.auth.handleRedirect())?.user?.sub).toBe('alice');
    expect(server.count('/jwks')).toBe(2);
  });

  it('accepts an ID token without kid when the JWKS has one key', async () => {
    server.dropKidFromJwks = true;
    server.idTokenMischief = { header: { kid: undefined } };
    const client = createClient(server);
    expect((await signIn(server, client)).result?.user?.sub).toBe('alice');
  });
});

describe('login() input', () => {
  it('refuses a returnTo on another origin (no open redirect)', async () => {
    const { auth, navigations } = createClient(server);
    await expectRejected(auth.login({ returnTo: 'https://evil.example/' }), 'invalid_config');
    await expectRejected(auth.login({ returnTo: '//evil.example/x' }), 'invalid_config');
    expect(navigations).toHaveLength(0);
  });

  it('refuses parameters that would undo PKCE or the state check', async () => {
    const { auth } = createClient(server);
    await expectRejected(auth.login({ params: { code_challenge_method: 'plain' } }), 'invalid_config');
    await expectRejected(auth.login({ params: { response_type: 'token' } }), 'invalid_config');
  });

  it('sends a new verifier, state and nonce for every login', async () => {
    const client = createClient(server);
    const a = new URL(await startLogin(client)).searchParams;
    const b = new URL(await startLogin(client)).searchParams;
    for (const name of ['state', 'nonce', 'code_challenge']) expect(a.get(name)).not.toBe(b.get(name));
  });

  it('checks auth_time when max_age was asked for', async () => {
    const client = createClient(server);
    const callback = await server.authorize(await startLogin(client, { params: { max_age: '60' } }));
    server.idTokenMischief = { claims: { auth_time: Math.floor(Date.now() / 1000) - 3600 } };
    await expectRejected(client.auth.handleRedirect(callback), 'invalid_id_token');
  });
});

describe('appState', () => {
  it('comes back from handleRedirect as it was given, never sent to the server nor read from the URL', async () => {
    const client = createClient(server);
    const appState = { draft: { title: 'Hello', tags: ['a', 'b'] }, tab: 3, when: null };
    const authorizeUrl = await startLogin(client, { returnTo: '/compose', appState });
    expect(authorizeUrl).not.toContain('draft');
    const callback = new URL(await server.authorize(authorizeUrl));
    callback.searchParams.set('appState', '{"evil":true}');
    history.replaceState(null, '', callback);
    const result = await client.auth.handleRedirect();
    expect(result).toMatchObject({ returnTo: '/compose', appState });
    expect(result?.appState).not.toBe(appState); // a copy, from the transaction
  });

  it('is absent from the result when none was given', async () => {
    const client = createClient(server);
    history.replaceState(null, '', await server.authorize(await startLogin(client)));
    expect(await client.auth.handleRedirect()).not.toHaveProperty('appState');
  });

  it('comes back on the errors of the callback too', async () => {
    const client = createClient(server);
    history.replaceState(null, '', await server.authorize(await startLogin(client, { appState: { step: 2 } }), { deny: true }));
    await expect(client.auth.handleRedirect()).rejects.toMatchObject({ error: 'access_denied', appState: { step: 2 } });
  });

  it('refuses what JSON cannot carry, before anything is stored', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const appState of [cyclic, 10n, () => 1]) {
      const { auth } = createClient(server);
      await expect(auth.login({ appState })).rejects.toMatchObject({ code: 'invalid_config' });
    }
    expect(sessionStorage.length).toBe(0);
  });
});

describe('restoreSession() at start-up', () => {
  it('an anonymous visitor (no sign-in here before) is signed out at once: no request, no iframe', async () => {
    const { auth } = createClient(server);
    expect(await auth.restoreSession()).toMatchObject({ signedIn: false, via: 'none', reason: 'skipped' });
    expect(document.querySelector('iframe')).toBeNull();
    expect(server.requests.filter((r) => r.url.startsWith(`${ISSUER}/authorize`))).toHaveLength(0);
  });

  it('rejects for a configuration mistake (an issuer the server does not publish), instead of reporting signed out', async () => {
    const client = createClient(server, { issuer: `${ISSUER}/` });
    const error = await expectRejected(client.auth.restoreSession({ silent: true }), 'invalid_issuer');
    expect(error.message).toContain(`set "issuer" to exactly "${ISSUER}" (mind the trailing slash)`);
  });

  it('resolves signed out when the server cannot be reached or answers 503: that is no mistake of the app', async () => {
    const client = createClient(server, { fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    expect(await client.auth.restoreSession({ silent: true })).toMatchObject({ signedIn: false, via: 'none', reason: 'network_error' });
    const busy = createClient(server, { fetch: async () => new Response('busy', { status: 503 }) });
    expect(await busy.auth.restoreSession({ silent: true })).toMatchObject({ signedIn: false, via: 'none', reason: 'invalid_response' });
  });
});
