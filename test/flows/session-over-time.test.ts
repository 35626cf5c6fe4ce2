// The session over time (issue 7): a sign-out is final, a rotated refresh token is never lost,
// claims survive a refresh, and the app's own handlers cannot undo what the client is doing.
// Each case failed on the client before the session became a state machine.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isPkceError,
  memoryTokenStore,
  webStorageTokenStore,
  type PkceClientEvents,
  type TokenSet,
  type TokenStore,
} from '../../src/index.js';
import { clientNames } from '../../src/browser/names.js';
import { CLIENT_ID, createTestServer, ISSUER, type TestServer } from '../support/authorization-server.js';
import { createClient, reachCallback, resetPage, signIn } from '../support/flow.js';

let server: TestServer;
beforeEach(async () => {
  resetPage();
  server = await createTestServer();
});
afterEach(resetPage);

const refreshRequests = () => server.requests.filter((r) => r.body?.get('grant_type') === 'refresh_token');
const sentRefreshTokens = () => refreshRequests().map((r) => r.body!.get('refresh_token'));
const revoked = () => server.requests.filter((r) => r.url === `${ISSUER}/revoke`).map((r) => r.body?.get('token'));
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
};
const settle = () => new Promise((r) => setTimeout(r, 50));

function recordEvents(auth: ReturnType<typeof createClient>['auth']) {
  const events: [string, unknown][] = [];
  for (const name of ['signed-in', 'refreshed', 'refresh-failed', 'session-ended'] as const) {
    auth.on(name, (detail) => events.push([name, detail]));
  }
  return events;
}

describe('a sign-out is final', () => {
  it('a refresh answered after logout() is not saved, and its new refresh token is revoked', async () => {
    const store = webStorageTokenStore(sessionStorage);
    const { client } = await signIn(server, createClient(server, { tokenStore: store }));
    server.tokenDelayMs = 200;
    const refreshing = client.auth.getAccessToken({ forceRefresh: true }).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await until(() => refreshRequests().length === 1);
    void client.auth.logout();
    const outcome = await refreshing;

    expect(isPkceError(outcome, 'login_required')).toBe(true);
    expect(client.auth.isAuthenticated()).toBe(false);
    expect(await store.get()).toBeUndefined();
    const [, rt2] = server.issuedRefreshTokens;
    expect(rt2).toBeDefined();
    await until(() => revoked().includes(rt2!));
    expect(server.isRefreshTokenActive(rt2!)).toBe(false);
    await settle();
    expect(client.auth.isAuthenticated()).toBe(false);
    expect(await store.get()).toBeUndefined();
  });

  it('a sign-in completed after logout() began is dropped and its refresh token revoked', async () => {
    const { client } = await signIn(server);
    await reachCallback(server, client);
    server.tokenDelayMs = 100;
    const completing = client.auth.handleRedirect().then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await until(() => server.requests.some((r) => r.body?.get('grant_type') === 'authorization_code' && r.end === undefined));
    void client.auth.logout();
    expect(isPkceError(await completing, 'login_required')).toBe(true);
    expect(client.auth.isAuthenticated()).toBe(false);
    const latest = server.issuedRefreshTokens.at(-1)!;
    await until(() => revoked().includes(latest));
  });
});

describe('after a 200 the spent refresh token is never sent again', () => {
  async function signInDue(options?: Parameters<typeof createClient>[1]) {
    server.accessTokenTtl = 0;
    const { client } = await signIn(server, createClient(server, options));
    server.accessTokenTtl = 300;
    return client;
  }

  it('a refreshed ID token whose auth_time changed ends the session and revokes the new refresh token', async () => {
    const { auth } = await signInDue();
    const events = recordEvents(auth);
    server.idTokenMischief = { claims: { auth_time: 1 } };
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_id_token' });
    const [rt1, rt2] = server.issuedRefreshTokens;
    expect(auth.isAuthenticated()).toBe(false);
    await until(() => revoked().includes(rt2!));
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' });
    expect(sentRefreshTokens()).toEqual([rt1]);
    expect(events).toEqual([['session-ended', expect.objectContaining({ reason: 'invalid_response', elsewhere: false })]]);
  });

  it('a refreshed ID token whose keys cannot be fetched: the session goes on with the new tokens and the old claims', async () => {
    const { auth } = await signInDue();
    const user = auth.user;
    await server.rotateKeys(); // the new ID token names a kid the client has not seen
    server.jwksOffline = true;
    const token = await auth.getAccessToken();
    const [rt1, rt2] = server.issuedRefreshTokens;
    expect(token).toMatch(/^ey/);
    expect(auth.user).toEqual(user);
    server.jwksOffline = false;
    await auth.getAccessToken({ forceRefresh: true });
    expect(sentRefreshTokens()).toEqual([rt1, rt2]);
  });

  it('a store that cannot be written: the store is emptied and the session goes on in memory with the new refresh token', async () => {
    const inner = memoryTokenStore();
    let writes = 0;
    const store: TokenStore = {
      get: () => inner.get(),
      set: (tokens: TokenSet) => {
        if (++writes > 1) throw new Error('QuotaExceededError');
        return inner.set(tokens);
      },
      clear: () => inner.clear(),
    };
    const { auth } = await signInDue({ tokenStore: store });
    expect(await auth.getAccessToken()).toMatch(/^ey/);
    expect(await store.get()).toBeUndefined(); // it never holds the spent token
    await auth.getAccessToken({ forceRefresh: true });
    const [rt1, rt2] = server.issuedRefreshTokens;
    expect(sentRefreshTokens()).toEqual([rt1, rt2]);
  });

  it('a store that can be neither written nor emptied: the session ends and the new refresh token is revoked', async () => {
    const inner = memoryTokenStore();
    let writes = 0;
    const store: TokenStore = {
      get: () => inner.get(),
      set: (tokens: TokenSet) => {
        if (++writes > 1) throw new Error('broken');
        return inner.set(tokens);
      },
      clear: () => {
        throw new Error('broken');
      },
    };
    const { auth } = await signInDue({ tokenStore: store });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_response' });
    expect(auth.isAuthenticated()).toBe(false);
    const [rt1, rt2] = server.issuedRefreshTokens;
    await until(() => revoked().includes(rt2!));
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' });
    expect(sentRefreshTokens()).toEqual([rt1]);
  });

  it('a malformed 200 ends the session and revokes the refresh token it carried', async () => {
    const { auth } = await signInDue();
    server.nextTokenResponse = () =>
      Response.json({ access_token: 'at', token_type: 'Bearer', expires_in: 'soon', refresh_token: 'rt-from-bad-answer' });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_response' });
    expect(auth.isAuthenticated()).toBe(false);
    await until(() => revoked().includes('rt-from-bad-answer'));
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' });
    expect(refreshRequests()).toHaveLength(1);
  });

  it('a 200 that is not JSON ends the session and revokes the refresh token that was sent', async () => {
    const { auth } = await signInDue();
    const [rt1] = server.issuedRefreshTokens;
    server.nextTokenResponse = () => new Response('<html>proxy</html>', { headers: { 'content-type': 'text/html' } });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_response' });
    expect(auth.isAuthenticated()).toBe(false);
    await until(() => revoked().includes(rt1!));
    expect(refreshRequests()).toHaveLength(1);
  });
});

describe('an unusable 200 for a session that is no longer this tab’s', () => {
  it('revokes what it carried but leaves the session that replaced it alone', async () => {
    const store = memoryTokenStore();
    server.accessTokenTtl = 0;
    const { client } = await signIn(server, createClient(server, { tokenStore: store }));
    server.accessTokenTtl = 300;
    server.tokenDelayMs = 200;
    server.nextTokenResponse = () => Response.json({ access_token: 'at', token_type: 'Bearer', expires_in: 'soon', refresh_token: 'rt-late' });
    const refreshing = client.auth.getAccessToken().catch((e: unknown) => e);
    await until(() => refreshRequests().length === 1);
    // Meanwhile another tab signed in anew, and this tab takes that session over from the store.
    const other = { sessionId: 'other-session', accessToken: 'at-other', refreshToken: 'rt-other', issuer: ISSUER, clientId: CLIENT_ID };
    await store.set(other);
    document.dispatchEvent(new Event('visibilitychange'));
    await until(() => client.auth.isAuthenticated() && (store.get() as TokenSet).sessionId === 'other-session');
    expect(await refreshing).toMatchObject({ code: 'invalid_response' });
    await until(() => revoked().includes('rt-late'));
    expect(client.auth.isAuthenticated()).toBe(true);
    expect(await store.get()).toEqual(other);
  });
});

describe('refreshed ID tokens', () => {
  it('merges the refreshed claims over the originals, so auth_time and name survive, and keeps checking auth_time', async () => {
    server.accessTokenTtl = 0;
    const { client } = await signIn(server);
    const { auth_time: authTime, name } = client.auth.user!;
    expect(authTime).toEqual(expect.any(Number));
    server.idTokenMischief = { claims: { auth_time: undefined, name: undefined, email: 'alice@example.com' } };
    await client.auth.getAccessToken();
    expect(client.auth.user).toMatchObject({ auth_time: authTime, name, email: 'alice@example.com' });
    server.idTokenMischief = { claims: { auth_time: authTime! + 100 } };
    await expect(client.auth.getAccessToken({ forceRefresh: true })).rejects.toMatchObject({ code: 'invalid_id_token' });
  });
});

describe('without a refresh token', () => {
  it('a forced refresh fails with a typed error and the still-valid session is kept', async () => {
    server.issueRefreshTokens = false;
    const { client } = await signIn(server);
    const token = await client.auth.getAccessToken();
    const error = await client.auth.getAccessToken({ forceRefresh: true }).catch((e: unknown) => e);
    expect(isPkceError(error, 'login_required')).toBe(true);
    expect(client.auth.isAuthenticated()).toBe(true);
    expect(await client.auth.getAccessToken()).toBe(token);
    expect(refreshRequests()).toHaveLength(0);
  });
});

describe('401s from an API', () => {
  it('an API that never accepts the token costs at most one refresh for 50 calls', async () => {
    const refused = () => new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    const client = createClient(server, {
      fetch: (input, init) => (new Request(input, init).url.includes('/api/') ? Promise.resolve(refused()) : server.fetch(input, init)),
    });
    await signIn(server, client);
    for (let i = 0; i < 50; i++) expect((await client.auth.fetch('https://api.example/api/me')).status).toBe(401);
    expect(refreshRequests().length).toBeLessThanOrEqual(1);
    expect(client.auth.isAuthenticated()).toBe(true);
  });

  it('a 401 for a token that was already replaced retries with the current one, without a refresh', async () => {
    let auth: ReturnType<typeof createClient>['auth'] | undefined;
    const sentWith: string[] = [];
    const client = createClient(server, {
      fetch: async (input, init) => {
        const request = new Request(input, init);
        if (!request.url.includes('/api/')) return server.fetch(request);
        const token = request.headers.get('authorization')!.slice('Bearer '.length);
        sentWith.push(token);
        if (sentWith.length > 1) return server.fetch(request);
        // While this request was on its way, another caller refreshed: the API refuses the old token.
        await auth!.getAccessToken({ forceRefresh: true });
        return new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
      },
    });
    auth = client.auth;
    await signIn(server, client);
    expect((await auth.fetch('https://api.example/api/me')).status).toBe(200);
    expect(refreshRequests()).toHaveLength(1); // the other caller's, and no second one
    expect(sentWith[1]).not.toBe(sentWith[0]);
    expect(sentWith[1]).toBe(await auth.getAccessToken());
  });
});

describe('sign-out cannot be overtaken', () => {
  it('login() called from a session-ended handler does not replace the end-session navigation', async () => {
    const { client } = await signIn(server);
    const order: string[] = [];
    client.auth.on('session-ended', () => {
      order.push('session-ended');
      void client.auth.login();
    });
    void client.auth.logout();
    await until(() => client.navigations.length >= 2);
    await settle();
    const destinations = client.navigations.slice(1).map((url) => new URL(url).pathname);
    expect(destinations).toEqual(['/logout']);
    expect(order).toEqual(['session-ended']);
  });
});

describe('after a sign-out', () => {
  it('restoreSession() makes no silent sign-in until the user signs in again: a server session that outlived the sign-out does not bring the user back', async () => {
    server.metadataOverrides.end_session_endpoint = undefined; // the server's session survives the sign-out
    const { client } = await signIn(server);
    void client.auth.logout();
    await until(() => client.navigations.length === 2);
    const next = createClient(server); // the next page load
    expect(await next.auth.restoreSession()).toMatchObject({ signedIn: false, via: 'none', reason: 'signed_out' });
    expect(next.navigations).toEqual([]);
    await signIn(server, next);
    expect(next.auth.hadSession()).toBe(true);
    expect(localStorage.getItem(clientNames(ISSUER, 'spa').signedOut)).toBeNull();
  });
});

describe('prompt=none answers', () => {
  for (const error of ['login_required', 'interaction_required', 'consent_required', 'account_selection_required']) {
    it(`${error} becomes a LoginRequiredError with the OAuth error and the returnTo of the login`, async () => {
      const client = createClient(server);
      await reachCallback(server, client, { error });
      const failure = await client.auth.handleRedirect().catch((e: unknown) => e);
      expect(isPkceError(failure, 'login_required')).toBe(true);
      expect(failure).toMatchObject({ name: 'LoginRequiredError', error, returnTo: '/inbox?tab=2' });
      expect(server.count('/token')).toBe(0);
    });
  }

  it('a login_required answer clears hadSession(), so an app that redirects returning users cannot loop', async () => {
    const { client } = await signIn(server);
    expect(client.auth.hadSession()).toBe(true);
    await reachCallback(server, client, { error: 'login_required' });
    await expect(client.auth.handleRedirect()).rejects.toMatchObject({ code: 'login_required' });
    expect(client.auth.hadSession()).toBe(false);
  });

  it('access_denied stays an OAuthError, and carries the returnTo too', async () => {
    const client = createClient(server);
    await reachCallback(server, client, { deny: true });
    await expect(client.auth.handleRedirect()).rejects.toMatchObject({ code: 'oauth_error', error: 'access_denied', returnTo: '/inbox?tab=2' });
  });
});

describe('getUserInfo()', () => {
  it('answers the UserInfo claims of the signed-in user, from the metadata the client has', async () => {
    server.metadataOverrides.userinfo_endpoint = `${ISSUER}/userinfo`;
    server.userinfo = (sub) => ({ sub, email: `${sub}@example.com` });
    const { client } = await signIn(server);
    expect(await client.auth.getUserInfo()).toEqual({ sub: 'alice', email: 'alice@example.com' });
    expect(client.auth.user?.email).toBeUndefined(); // never merged into the ID token claims
  });

  it('an answer about another user is refused and ends the session, revoking the refresh token', async () => {
    server.metadataOverrides.userinfo_endpoint = `${ISSUER}/userinfo`;
    server.userinfo = () => ({ sub: 'mallory' });
    const { client } = await signIn(server);
    const events = recordEvents(client.auth);
    await expect(client.auth.getUserInfo()).rejects.toMatchObject({ code: 'invalid_userinfo' });
    expect(client.auth.isAuthenticated()).toBe(false);
    await until(() => revoked().includes(server.issuedRefreshTokens[0]!));
    expect(events).toEqual([['session-ended', expect.objectContaining({ reason: 'invalid_response' })]]);
  });
});

describe('events an app renders from', () => {
  it('a background refresh that fails is reported with its typed error, and the session is kept', async () => {
    server.accessTokenTtl = 0;
    const { client } = await signIn(server);
    const failures: PkceClientEvents['refresh-failed'][] = [];
    client.auth.on('refresh-failed', (e) => failures.push(e));
    server.offline = true;
    document.dispatchEvent(new Event('visibilitychange')); // a tab coming back re-checks at once
    await until(() => failures.length === 1);
    expect(failures[0]!.error).toMatchObject({ code: 'network_error' });
    expect(client.auth.isAuthenticated()).toBe(true);
  });

  it('a tab returning to the foreground refreshes a token that came due while it was hidden', async () => {
    server.accessTokenTtl = 0;
    await signIn(server);
    server.accessTokenTtl = 300;
    expect(refreshRequests()).toHaveLength(0);
    document.dispatchEvent(new Event('visibilitychange'));
    await until(() => refreshRequests().length === 1);
  });
});
