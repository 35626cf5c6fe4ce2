import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { webStorageTokenStore, type PkceClientEvents } from '../../src/index.js';
import { createTestServer, ISSUER, type TestServer } from '../support/authorization-server.js';
import { createClient, installWebLocks, resetPage, signIn } from '../support/flow.js';

let server: TestServer;
beforeEach(async () => {
  resetPage();
  server = await createTestServer();
});
afterEach(resetPage);

/** Signs in with access tokens that are already due for refresh when they arrive. */
async function signInExpired(options?: Parameters<typeof createClient>[1]) {
  server.accessTokenTtl = 0;
  const { client } = await signIn(server, createClient(server, options));
  server.accessTokenTtl = 300;
  return client;
}

const refreshRequests = () => server.requests.filter((r) => r.body?.get('grant_type') === 'refresh_token');

describe('refresh', () => {
  it('serves 50 concurrent callers with an expired token from exactly one refresh request', async () => {
    const { auth } = await signInExpired();
    const before = auth.getAccessToken;
    const results = await Promise.all([
      ...Array.from({ length: 25 }, () => auth.getAccessToken()),
      ...Array.from({ length: 25 }, () => auth.fetch('https://api.example/api/me').then((r) => r.status)),
    ]);
    expect(refreshRequests()).toHaveLength(1);
    const tokens = new Set(results.slice(0, 25));
    expect(tokens.size).toBe(1);
    expect(results.slice(25)).toEqual(Array(25).fill(200));
    expect(before).toBe(auth.getAccessToken);
  });

  it('keeps the newest refresh token when the server rotates it, and the old one is then refused', async () => {
    const { auth } = await signInExpired();
    const events: PkceClientEvents['refreshed'][] = [];
    auth.on('refreshed', (e) => events.push(e));
    await auth.getAccessToken();
    server.accessTokenTtl = 0;
    await auth.getAccessToken({ forceRefresh: true });
    const [first, second] = refreshRequests();
    const firstToken = first!.body!.get('refresh_token')!;
    expect(second!.body!.get('refresh_token')).not.toBe(firstToken);
    expect(server.isRefreshTokenActive(firstToken)).toBe(false);
    expect(events).toHaveLength(2);
    expect(first!.body!.getAll('resource')).toEqual(['https://api.example']);
  });

  it('does not storm the server when it issues tokens that expire at once', async () => {
    await signInExpired();
    server.accessTokenTtl = 0;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // The timer's refreshes are at least 5 s apart: at most one in the first second.
    expect(refreshRequests().length).toBeLessThanOrEqual(1);
  });

  it('checks expiry when a token is asked for, not only by timers', async () => {
    const { auth } = await signInExpired();
    // No timer has had a chance to run: the check happens on demand.
    await auth.getAccessToken();
    expect(refreshRequests()).toHaveLength(1);
  });

  it('does not refresh a token that is still fresh', async () => {
    const { client } = await signIn(server);
    await client.auth.getAccessToken();
    await client.auth.fetch('/api/me');
    expect(refreshRequests()).toHaveLength(0);
  });

  it('ends the session cleanly on invalid_grant: event, tokens gone, typed error', async () => {
    const { auth } = await signInExpired();
    const ended: PkceClientEvents['session-ended'][] = [];
    auth.on('session-ended', (e) => ended.push(e));
    server.nextTokenResponse = () => Response.json({ error: 'invalid_grant', error_description: 'grant revoked' }, { status: 400 });
    const error = await auth.getAccessToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'login_required', error: 'invalid_grant', errorDescription: 'grant revoked' });
    expect(ended).toEqual([expect.objectContaining({ reason: 'invalid_grant' })]);
    expect(auth.isAuthenticated()).toBe(false);
    expect(auth.user).toBeUndefined();
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' });
    expect(refreshRequests()).toHaveLength(1);
  });

  it('ends the session on a 400 without an error body, as glewlwyd refuses a spent refresh token', async () => {
    const { auth } = await signInExpired();
    const ended: PkceClientEvents['session-ended'][] = [];
    auth.on('session-ended', (e) => ended.push(e));
    server.nextTokenResponse = () => new Response(null, { status: 400 });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' });
    expect(ended).toEqual([expect.objectContaining({ reason: 'invalid_grant' })]);
    expect(auth.isAuthenticated()).toBe(false);
  });

  it('ends the session on a refusal no retry can fix (invalid_request, as LemonLDAP::NG answers a purged refresh token)', async () => {
    const { auth } = await signInExpired();
    const ended: PkceClientEvents['session-ended'][] = [];
    auth.on('session-ended', (e) => ended.push(e));
    server.nextTokenResponse = () => Response.json({ error: 'invalid_request', error_description: 'unknown refresh token' }, { status: 400 });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required', error: 'invalid_request' });
    expect(ended).toEqual([expect.objectContaining({ reason: 'invalid_grant', error: expect.objectContaining({ error: 'invalid_request' }) })]);
    expect(auth.isAuthenticated()).toBe(false);
  });

  it('ends the session when the access token has expired and the server refuses any other way', async () => {
    const { auth } = await signInExpired();
    const ended: PkceClientEvents['session-ended'][] = [];
    auth.on('session-ended', (e) => ended.push(e));
    server.nextTokenResponse = () => Response.json({ error: 'invalid_scope' }, { status: 400 });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required', error: 'invalid_scope' });
    expect(ended).toEqual([expect.objectContaining({ reason: 'expired', error: expect.objectContaining({ error: 'invalid_scope' }) })]);
    expect(auth.isAuthenticated()).toBe(false);
  });

  it('keeps a session whose access token still works through such a refusal', async () => {
    const { client: { auth } } = await signIn(server, createClient(server));
    server.nextTokenResponse = () => Response.json({ error: 'invalid_scope' }, { status: 400 });
    await expect(auth.getAccessToken({ forceRefresh: true })).rejects.toMatchObject({ code: 'oauth_error', error: 'invalid_scope' });
    expect(auth.isAuthenticated()).toBe(true);
  });

  it('keeps the session through a 503 without an error body: it may answer next time', async () => {
    const { auth } = await signInExpired();
    server.nextTokenResponse = () => new Response('busy', { status: 503 });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_response' });
    expect(auth.isAuthenticated()).toBe(true);
  });

  it('keeps the session through a network failure and reports it', async () => {
    const { auth } = await signInExpired();
    server.offline = true;
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'network_error' });
    expect(auth.isAuthenticated()).toBe(true);
    server.offline = false;
    expect(await auth.getAccessToken()).toMatch(/^ey/);
  });

  it('still serves a token that has not expired when an early refresh cannot reach the server', async () => {
    server.accessTokenTtl = 100; // due after 50 s (half the lifetime, as the leeway is 60 s), valid for 100 s
    const { client } = await signIn(server);
    const token = await client.auth.getAccessToken();
    const dueSoon = Date.now() + 60_000;
    vi.setSystemTime(dueSoon);
    try {
      server.offline = true;
      expect(await client.auth.getAccessToken()).toBe(token);
      expect(refreshRequests()).toHaveLength(1); // the attempt was made, and failed as a network error
      await expect(client.auth.getAccessToken({ forceRefresh: true })).rejects.toMatchObject({ code: 'network_error' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a refreshed ID token for another user: the session ends and the new refresh token is revoked', async () => {
    const { auth } = await signInExpired();
    server.idTokenMischief = { claims: { sub: 'mallory' } };
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_id_token' });
    expect(auth.user).toBeUndefined();
    await expect.poll(() => server.isRefreshTokenActive(server.issuedRefreshTokens[1]!)).toBe(false);
  });

  it('refuses a refreshed ID token from another issuer', async () => {
    const { auth } = await signInExpired();
    server.idTokenMischief = { claims: { iss: 'https://evil.example' } };
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_id_token' });
  });

  it('adopts tokens another tab refreshed instead of spending the same refresh token', async () => {
    // The re-read after the lock, with two clients on one store; real tabs (and IndexedDB) are in test/e2e/cross-tab.
    onTestFinished(installWebLocks());
    const store = webStorageTokenStore(localStorage, 'shared');
    const tabA = createClient(server, { tokenStore: store });
    server.accessTokenTtl = 0;
    await signIn(server, tabA);
    server.accessTokenTtl = 300;
    const tabB = createClient(server, { tokenStore: store });
    await tabB.auth.handleRedirect('https://app.example/'); // loads the shared store
    const fromA = await tabA.auth.getAccessToken();
    const fromB = await tabB.auth.getAccessToken();
    expect(fromB).toBe(fromA);
    expect(refreshRequests()).toHaveLength(1);
  });

  it('ends the session when the token expired and there is no refresh token', async () => {
    server.issueRefreshTokens = false;
    server.accessTokenTtl = 0;
    const { client } = await signIn(server);
    await expect(client.auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' });
    expect(client.auth.isAuthenticated()).toBe(false);
  });
});

describe('fetch wrapper', () => {
  it('sends the token to the allowed API origin in the Authorization header only', async () => {
    const { client } = await signIn(server);
    await client.auth.fetch('https://api.example/api/me?x=1');
    const request = server.requests.at(-1)!;
    expect(request.headers.get('authorization')).toMatch(/^Bearer ey/);
    expect(request.url).toBe('https://api.example/api/me?x=1');
  });

  it('sends the token to the page’s own origin', async () => {
    const { client } = await signIn(server);
    await client.auth.fetch('/api/me');
    expect(server.requests.at(-1)!.headers.get('authorization')).toMatch(/^Bearer /);
  });

  it('never sends the token to an origin that is not allowed', async () => {
    const { client } = await signIn(server);
    await client.auth.fetch('https://tracker.example/api/collect');
    expect(server.requests.at(-1)!.headers.has('authorization')).toBe(false);
  });

  it('refreshes once and retries once on 401 invalid_token, sending the body again', async () => {
    const { client } = await signIn(server);
    await server.rotateKeys(); // the API now refuses the current token
    const response = await client.auth.fetch('https://api.example/api/echo', { method: 'POST', body: 'hello' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ body: 'hello' });
    expect(refreshRequests()).toHaveLength(1);
    expect(server.count('/api/echo')).toBe(2);
  });

  it('gives up after one retry and hands back the 401', async () => {
    const { client } = await signIn(server);
    const refused = () => new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    const fetchThatRefuses = (input: Request | string | URL, init?: RequestInit) =>
      new Request(input, init).url.includes('/api/') ? Promise.resolve(refused()) : server.fetch(input, init);
    const other = createClient(server, { fetch: fetchThatRefuses });
    await signIn(server, other);
    const response = await other.auth.fetch('/api/me');
    expect(response.status).toBe(401);
    expect(refreshRequests()).toHaveLength(1);
    expect(client.auth.isAuthenticated()).toBe(true);
  });

  it('does not retry a 401 without invalid_token', async () => {
    const { client } = await signIn(server);
    const response = await client.auth.fetch('https://api.example/none', { headers: {} });
    expect(response.status).toBe(404);
    expect(refreshRequests()).toHaveLength(0);
  });

  it('rejects with login_required when not signed in', async () => {
    const { auth } = createClient(server);
    await expect(auth.fetch('/api/me')).rejects.toMatchObject({ code: 'login_required' });
  });
});

describe('logout', () => {
  it('revokes the refresh token, forgets every token and goes to end_session', async () => {
    const { client } = await signIn(server);
    const ended: PkceClientEvents['session-ended'][] = [];
    client.auth.on('session-ended', (e) => ended.push(e));
    const refreshToken = server.requests.find((r) => r.url.endsWith('/token'))!;
    void client.auth.logout({ returnTo: '/bye' });
    await expect.poll(() => client.navigations.length).toBe(2);
    const revoke = server.requests.find((r) => r.url === `${ISSUER}/revoke`)!;
    expect(revoke.body?.get('token_type_hint')).toBe('refresh_token');
    expect(refreshToken).toBeDefined();
    const url = new URL(client.navigations.at(-1)!);
    expect(url.origin + url.pathname).toBe(`${ISSUER}/logout`);
    expect(url.searchParams.get('client_id')).toBe('spa');
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe('https://app.example/bye');
    expect(url.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(client.auth.isAuthenticated()).toBe(false);
    expect(ended).toEqual([{ reason: 'logout', elsewhere: false }]);
  });

  it('tidies the address bar when the server sends the user back with the logout state', async () => {
    const { client } = await signIn(server);
    void client.auth.logout({ returnTo: '/bye' });
    await expect.poll(() => client.navigations.length).toBe(2);
    const state = new URL(client.navigations.at(-1)!).searchParams.get('state')!;
    const back = createClient(server); // the page is loaded anew after the server's redirect
    history.replaceState(null, '', `/bye?tab=1&state=${state}`);
    expect(await back.auth.handleRedirect()).toBeNull();
    expect(location.href).toBe('https://app.example/bye?tab=1');
    // A state that was not ours (or is replayed) is left alone: it may be the app's own.
    history.replaceState(null, '', `/bye?state=${state}`);
    expect(await back.auth.handleRedirect()).toBeNull();
    expect(location.search).toBe(`?state=${state}`);
  });

  it('with a fixed postLogoutRedirectUri, logout({ returnTo }) still counts: back on that page, the address bar shows returnTo', async () => {
    const fixed = { postLogoutRedirectUri: 'https://app.example/signed-out' };
    const { client } = await signIn(server, createClient(server, fixed));
    void client.auth.logout({ returnTo: '/goodbye?from=settings' });
    await expect.poll(() => client.navigations.length).toBe(2);
    const url = new URL(client.navigations.at(-1)!);
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe('https://app.example/signed-out');
    const back = createClient(server, fixed);
    history.replaceState(null, '', `/signed-out?state=${url.searchParams.get('state')}`);
    expect(await back.auth.handleRedirect()).toBeNull();
    expect(location.href).toBe('https://app.example/goodbye?from=settings');
  });

  it('signs out locally even when revocation fails', async () => {
    const { client } = await signIn(server);
    server.revokeFails = true;
    void client.auth.logout();
    await expect.poll(() => client.navigations.length).toBe(2);
    expect(client.auth.isAuthenticated()).toBe(false);
  });

  it('goes straight back to returnTo when the server has no end_session_endpoint', async () => {
    server.metadataOverrides.end_session_endpoint = undefined;
    const { client } = await signIn(server);
    void client.auth.logout({ returnTo: '/' });
    await expect.poll(() => client.navigations.at(-1)).toBe('https://app.example/');
  });
});
