// Attacks on per-API tokens ("Several APIs": a token per API, all through the session's one refresh
// token), from the security review of 2c4273e, kept as regressions of the fixes that followed. What
// each group shows:
// - A refused API never ends the session: a refusal for one API (Entra's missing consent is
//   invalid_grant, a bare 400, invalid_target, …) is that API's error; the refresh token stays usable.
// - No API gets another's token: an answer whose JWT `aud` does not name the resource asked for, or
//   whose `scope` lacks a scope asked for, is refused by name and sent nowhere; the rotated refresh
//   token is kept. Also against the Auth0 profile (test/support/providers/auth0.ts), which answers a
//   refresh for an audience it does not take with a token for the sign-in's audience.
// - Token slots cannot collide (a resource with spaces is refused); a hand-edited store reads as no
//   session rather than throwing, and schedules no timer loop.
// - One refresh token, never sent twice: concurrent and background refreshes, logout() and a second
//   sign-in while an API's refresh is in flight, copies of the session in other tabs.
// - No token in errors or events; auth.fetch routes a token only to its API's exact origin.
// - What the SDK refuses before any request (no refresh token for an API; a scope alone with several
//   sign-in resources), and which tokens the background timer keeps fresh.
// - A KNOWN LIMIT, asserted as it is: the sign-in's token on a server that issues it for the whole
//   grant; and a session stored before a deploy that adds an API, refused before any request.
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import 'fake-indexeddb/auto';
import { indexedDbTokenStore, isPkceError, webStorageTokenStore, type PkceClientEvents, type PkceClientOptions } from '../../src/index.js';
import type { JwksTokenVerifierOptions } from '../../src/server/index.js';
import { apiTokenKey } from '../../src/session/token-set.js';
import { API_ORIGIN, ISSUER, createTestServer, type TestServer } from '../support/authorization-server.js';
import { deferred } from '../support/deferred.js';
import { createClient, installWebLocks, resetPage, signIn } from '../support/flow.js';
import { AUTH0_CLIENT_ID, auth0 } from '../support/providers/auth0.js';
import * as provider from '../support/providers/harness.js';
import type { ProviderServer } from '../support/providers/provider-server.js';

const BILLING_ORIGIN = 'https://billing.example';
const BILLING = 'https://billing.example/';
const BILLING_SCOPE = 'billing:read';
const OPTIONS: Partial<PkceClientOptions> = {
  scope: `openid profile offline_access api:read ${BILLING_SCOPE}`,
  apiOrigins: [API_ORIGIN, { origin: BILLING_ORIGIN, resource: BILLING, scope: BILLING_SCOPE }],
};
const BILLING_TARGET = { resource: BILLING, scope: BILLING_SCOPE };
const REPORTS_ORIGIN = 'https://reports.example';
const REPORTS = 'https://reports.example/';

let server: TestServer;
beforeEach(async () => {
  resetPage();
  server = await createTestServer();
});
afterEach(resetPage);

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const refreshRequests = () => server.requests.filter((r) => r.body?.get('grant_type') === 'refresh_token');
const sentRefreshTokens = () => refreshRequests().map((r) => r.body!.get('refresh_token')!);
const revoked = () => server.requests.filter((r) => r.url === `${ISSUER}/revoke`).map((r) => r.body?.get('token'));
const macrotask = () => new Promise((r) => setTimeout(r, 0));
/** A token's `aud`; anything else (an error) as it is, for the failure to show. */
const audience = (token: unknown) => (typeof token === 'string' ? decodeJwt(token).aud : token);

/** What each API origin received in Authorization. */
function recordApis() {
  const seen: Record<string, (string | null)[]> = {};
  server.api = async (request) => {
    (seen[new URL(request.url).origin] ??= []).push(request.headers.get('authorization'));
    return json({});
  };
  return seen;
}

/**
 * Holds the answer to the first refresh for `resource` (processed at once, so its refresh token is
 * rotated, and answered only when released): the test decides what happens while it is in flight.
 */
function holdRefresh(resource: string) {
  const reached = deferred<void>();
  const release = deferred<void>();
  const original = server.handleToken.bind(server);
  let first = true;
  server.handleToken = async (form, request) => {
    const answer = await original(form, request);
    if (first && form.get('grant_type') === 'refresh_token' && form.getAll('resource').includes(resource)) {
      first = false;
      reached.resolve();
      await release.promise;
    }
    return answer;
  };
  return { reached: reached.promise, release: () => release.resolve() };
}

/** The next refresh (the sign-in's token's) sends `rotated`, the refresh token the refused answer carried, and works; none went out twice. */
async function nextRefreshSends(auth: ReturnType<typeof createClient>['auth'], rotated: string) {
  await auth.getAccessToken({ forceRefresh: true });
  expect(sentRefreshTokens().at(-1)).toBe(rotated);
  const sent = sentRefreshTokens();
  expect(new Set(sent).size).toBe(sent.length);
}

describe('a refused API never ends the session', () => {
  it("an API refused with invalid_grant (Entra's missing consent, AADSTS65001) leaves the session signed in and its refresh token usable", async () => {
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const { auth } = client;
    const liveRefreshToken = server.issuedRefreshTokens.at(-1)!;
    const ended: unknown[] = [];
    auth.on('session-ended', (e) => ended.push(e));
    server.nextTokenResponse = () =>
      json(
        {
          error: 'invalid_grant',
          error_description: "AADSTS65001: The user or administrator has not consented to use the application with ID 'spa'.",
          suberror: 'consent_required',
        },
        400,
      );
    const error = await auth.getAccessToken(BILLING_TARGET).catch((e: unknown) => e);
    expect(isPkceError(error, 'oauth_error') && error.error).toBe('invalid_grant');
    expect((error as Error).message).toContain('the server refused a token for resource "https://billing.example/" and scope "billing:read"');
    expect(auth.isAuthenticated()).toBe(true);
    expect(ended).toEqual([]);
    expect(server.isRefreshTokenActive(liveRefreshToken)).toBe(true);
    expect(revoked()).not.toContain(liveRefreshToken);
    // Once consent is given, the same refresh token gets the API its token.
    expect(audience(await auth.getAccessToken(BILLING_TARGET))).toEqual([BILLING]);
    expect(sentRefreshTokens()).toEqual([liveRefreshToken, liveRefreshToken]);
  });

  it('an API refresh answered with a bare 400 (no OAuth error) rejects for that API alone: the session stays signed in, its refresh token usable', async () => {
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const { auth } = client;
    const liveRefreshToken = server.issuedRefreshTokens.at(-1)!;
    const ended: unknown[] = [];
    auth.on('session-ended', (e) => ended.push(e));
    server.nextTokenResponse = () => new Response('Bad Request', { status: 400 });
    const error = await auth.getAccessToken(BILLING_TARGET).catch((e: unknown) => e);
    expect(isPkceError(error, 'invalid_response')).toBe(true);
    expect((error as Error).message).toBe('The token endpoint answered HTTP 400');
    expect(auth.isAuthenticated()).toBe(true);
    expect(ended).toEqual([]);
    expect(server.isRefreshTokenActive(liveRefreshToken)).toBe(true);
    // A glitch, not remembered: the next call asks again.
    expect(audience(await auth.getAccessToken(BILLING_TARGET))).toEqual([BILLING]);
    expect(sentRefreshTokens()).toEqual([liveRefreshToken, liveRefreshToken]);
  });

  it("an API refused with invalid_grant because another tab rotated the refresh token meanwhile is asked again with that tab's refresh token", async () => {
    // Two clients on one store, without Web Locks: tab B's refresh lands between tab A's read of the store and its request.
    const store = webStorageTokenStore(localStorage, 'shared');
    const tabA = createClient(server, { ...OPTIONS, tokenStore: store });
    await signIn(server, tabA);
    const tabB = createClient(server, { ...OPTIONS, tokenStore: store });
    await tabB.auth.handleRedirect('https://app.example/'); // loads the shared store
    const original = server.handleToken.bind(server);
    let first = true;
    server.handleToken = async (form, request) => {
      if (first && form.getAll('resource').includes(BILLING)) {
        first = false;
        await tabB.auth.getAccessToken({ forceRefresh: true });
      }
      return original(form, request);
    };
    const token = await tabA.auth.getAccessToken(BILLING_TARGET);
    expect(audience(token)).toEqual([BILLING]);
    const [spentByB, fromB] = server.issuedRefreshTokens;
    expect(sentRefreshTokens()).toEqual([spentByB, spentByB, fromB]); // B's, A's refused, A's again with B's
    expect(tabA.auth.isAuthenticated() && tabB.auth.isAuthenticated()).toBe(true);
  });

  it('invalid_target, invalid_scope, invalid_request (Entra AADSTS901002), interaction_required and a 5xx for an API reject with the server’s error and keep the session', async () => {
    const { client } = await signIn(server, createClient(server, OPTIONS));
    for (const [error, status] of [
      ['invalid_target', 400],
      ['invalid_scope', 400],
      ['invalid_request', 400],
      ['interaction_required', 400],
      ['server_error', 500],
    ] as const) {
      server.nextTokenResponse = () => json({ error, error_description: `refused: ${error}` }, status);
      const e = await client.auth.getAccessToken({ ...BILLING_TARGET, forceRefresh: true }).catch((x: unknown) => x);
      expect(isPkceError(e, 'oauth_error') && e.error).toBe(error);
      expect(client.auth.isAuthenticated()).toBe(true);
    }
  });
});

describe("no API gets another API's token", () => {
  it("with resourceParameter 'audience' on a server that ignores it, the sign-in's token is refused for billing by name and never sent there; the rotated refresh token is kept", async () => {
    const { client } = await signIn(server, createClient(server, { ...OPTIONS, resourceParameter: 'audience' }));
    const { auth } = client;
    const seen = recordApis();
    const refused = await auth.fetch(`${BILLING_ORIGIN}/api/invoices`).catch((e: unknown) => e);
    expect(isPkceError(refused, 'invalid_response')).toBe(true);
    expect((refused as Error).message).toContain('The token endpoint gave no token for resource "https://billing.example/" and scope "billing:read": its access token is for ["https://api.example"]');
    expect(seen[BILLING_ORIGIN]).toBeUndefined();
    expect(auth.isAuthenticated()).toBe(true);
    // Not asked again in this session: the same refusal, without a request.
    const before = refreshRequests().length;
    await expect(auth.getAccessToken(BILLING_TARGET)).rejects.toBe(refused);
    expect(refreshRequests()).toHaveLength(before);
    await nextRefreshSends(auth, server.issuedRefreshTokens.at(-1)!);
  });

  it("an API named by resource alone, on a server that answers with the sign-in's token: refused by name (its aud is not the API), sent nowhere; the rotated refresh token is kept", async () => {
    const options: Partial<PkceClientOptions> = { ...OPTIONS, apiOrigins: [API_ORIGIN, { origin: BILLING_ORIGIN, resource: BILLING }] };
    const { client } = await signIn(server, createClient(server, options));
    const { auth } = client;
    // A server that ignores `resource` (RFC 8707 is optional; Auth0 answers an audience outside its
    // refresh token policies with the sign-in's audience): the answer is a token for API_ORIGIN.
    const original = server.handleToken.bind(server);
    server.handleToken = async (form, request) => {
      const stripped = new URLSearchParams(form);
      stripped.delete('resource');
      stripped.append('resource', API_ORIGIN);
      return original(stripped, request);
    };
    const seen = recordApis();
    const refused = await auth.fetch(`${BILLING_ORIGIN}/api/invoices`).catch((e: unknown) => e);
    expect(isPkceError(refused, 'invalid_response')).toBe(true);
    expect((refused as Error).message).toContain('no token for resource "https://billing.example/": its access token is for ["https://api.example"]');
    expect(seen[BILLING_ORIGIN]).toBeUndefined();
    expect(auth.isAuthenticated()).toBe(true);
    await nextRefreshSends(auth, server.issuedRefreshTokens.at(-1)!);
  });
});

describe('token slots', () => {
  it('a resource with a space is refused as a ConfigError, so two APIs ({urn:x a, b} and {urn:x, a b}) never share a token slot', () => {
    const A = { origin: 'https://a.example', resource: 'urn:x a', scope: 'b' };
    const B = { origin: 'https://b.example', resource: 'urn:x', scope: 'a b' };
    const error = (() => {
      try {
        createClient(server, { scope: 'openid profile offline_access a b', apiOrigins: [API_ORIGIN, A, B] });
      } catch (e) {
        return e;
      }
    })();
    expect(isPkceError(error, 'invalid_config')).toBe(true);
    expect((error as Error).message).toContain('"apiOrigins[1].resource" must not contain spaces');
    expect(apiTokenKey(A)).not.toBe(apiTokenKey(B));
    expect(apiTokenKey({ resource: 'urn:x', scope: 'b a' })).toBe(apiTokenKey(B));
  });

  it('getAccessToken({ resource }) with a space is a ConfigError before any request', async () => {
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const error = await client.auth.getAccessToken({ resource: 'urn:x a', scope: 'b' }).catch((e: unknown) => e);
    expect(isPkceError(error, 'invalid_config')).toBe(true);
    expect((error as Error).message).toContain('must not contain spaces');
    expect(refreshRequests()).toHaveLength(0);
  });
});

describe('a hand-edited store', () => {
  const tamper = (mutate: (stored: Record<string, unknown>) => void) => {
    const [key] = Object.keys(sessionStorage).filter((k) => sessionStorage.getItem(k)!.includes('"sessionId"'));
    const stored = JSON.parse(sessionStorage.getItem(key!)!) as Record<string, unknown>;
    mutate(stored);
    sessionStorage.setItem(key!, JSON.stringify(stored));
  };
  const reload = () => createClient(server, { ...OPTIONS, tokenStore: webStorageTokenStore(sessionStorage) });

  it('a stored API token without an access token reads as no session: every call says login_required, none throws a TypeError', async () => {
    const { client } = await signIn(server, createClient(server, { ...OPTIONS, tokenStore: webStorageTokenStore(sessionStorage) }));
    await client.auth.getAccessToken(BILLING_TARGET);
    tamper((stored) => {
      stored.apiTokens = { 'https://poison.example/ x': null };
    });
    const reloaded = reload();
    for (const call of [
      () => reloaded.auth.getAccessToken(BILLING_TARGET),
      () => reloaded.auth.getAccessToken(),
      () => reloaded.auth.fetch(`${API_ORIGIN}/api/me`),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(isPkceError(error, 'login_required')).toBe(true);
    }
    expect(reloaded.auth.isAuthenticated()).toBe(false);
  });

  it('a stored API token whose refreshAt is no number schedules no refresh timer (no 0 ms loop), and is served', async () => {
    const { client } = await signIn(server, createClient(server, { ...OPTIONS, tokenStore: webStorageTokenStore(sessionStorage) }));
    const billingToken = await client.auth.getAccessToken(BILLING_TARGET);
    tamper((stored) => {
      const apiTokens = stored.apiTokens as Record<string, Record<string, unknown>>;
      for (const token of Object.values(apiTokens)) token.refreshAt = 'soon';
    });
    const reloaded = reload();
    const delays: unknown[] = [];
    const original = globalThis.setTimeout;
    globalThis.setTimeout = ((fn: () => void, ms?: number) => {
      delays.push(ms);
      return original(fn, ms);
    }) as typeof setTimeout;
    try {
      // The schedules are set as the session loads, before the token is served.
      expect(await reloaded.auth.getAccessToken(BILLING_TARGET)).toBe(billingToken);
    } finally {
      globalThis.setTimeout = original;
    }
    // Before: a NaN delay (0 ms) at once, then dozens more; now the only timer is the sign-in token's (5 s or more).
    expect(delays.filter((ms) => typeof ms === 'number' && !Number.isFinite(ms))).toEqual([]);
    expect(refreshRequests()).toHaveLength(1);
  });

  it('stored apiTokens that are a string, an array or hold a __proto__ key read as no session; null reads as none held; nothing throws or pollutes Object.prototype', async () => {
    for (const [value, signedIn] of [
      ['abc', false],
      [[1, 2], false],
      [JSON.parse('{"__proto__": {"polluted": 1}}'), false],
      [null, true],
    ] as const) {
      resetPage();
      await signIn(server, createClient(server, { ...OPTIONS, tokenStore: webStorageTokenStore(sessionStorage) }));
      tamper((stored) => {
        stored.apiTokens = value;
      });
      const outcome = await reload()
        .auth.getAccessToken(BILLING_TARGET)
        .catch((e: unknown) => e);
      if (signedIn) expect(audience(outcome)).toEqual([BILLING]);
      else expect(isPkceError(outcome, 'login_required')).toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });
});

describe('one refresh token, never sent twice', () => {
  it('forced refreshes of 2 APIs and the sign-in, 401 retries and the background timer interleaved: every refresh token sent once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    onTestFinished(() => void vi.useRealTimers());
    server.accessTokenTtl = 0;
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const { auth } = client;
    server.accessTokenTtl = 2;
    let refuse = 6;
    server.api = async () =>
      refuse-- > 0 ? new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } }) : json({});
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      calls.push(auth.getAccessToken({ ...BILLING_TARGET, forceRefresh: i % 3 === 0 }).catch((e: unknown) => e));
      calls.push(auth.getAccessToken({ forceRefresh: i % 4 === 0 }).catch((e: unknown) => e));
      calls.push(auth.getAccessToken({ resource: API_ORIGIN, forceRefresh: i % 5 === 0 }).catch((e: unknown) => e));
      calls.push(auth.fetch(`${BILLING_ORIGIN}/api/x`).catch((e: unknown) => e));
      calls.push(auth.fetch(`${API_ORIGIN}/api/x`).catch((e: unknown) => e));
    }
    await vi.advanceTimersByTimeAsync(6_000); // the timers' refreshes (5 s apart at least) join the calls'
    const outcomes = await Promise.all(calls);
    await vi.advanceTimersByTimeAsync(6_000); // and once more after
    // Refreshes run one after another in the tab: these two end after whatever the timers started.
    await auth.getAccessToken({ forceRefresh: true });
    await auth.getAccessToken({ ...BILLING_TARGET, forceRefresh: true });
    expect(outcomes.filter((o) => o instanceof Error)).toEqual([]);
    const sent = sentRefreshTokens();
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(new Set(sent).size).toBe(sent.length);
    expect(auth.isAuthenticated()).toBe(true);
    // Each was the one issued just before it.
    for (const [i, token] of sent.entries()) expect(server.issuedRefreshTokens[i]).toBe(token);
  });

  it('logout() while an API refresh is in flight: nothing is committed, the new refresh token is revoked, no event carries a token', async () => {
    const { client } = await signIn(server, createClient(server, { ...OPTIONS, tokenStore: webStorageTokenStore(sessionStorage) }));
    const { auth } = client;
    const refreshed: unknown[] = [];
    auth.on('refreshed', (e) => refreshed.push(e));
    const held = holdRefresh(BILLING);
    const pending = auth.getAccessToken(BILLING_TARGET).catch((e: unknown) => e);
    await held.reached;
    void auth.logout({ returnTo: '/' });
    await vi.waitFor(() => expect(auth.isAuthenticated()).toBe(false));
    held.release();
    expect(isPkceError(await pending, 'login_required')).toBe(true);
    await vi.waitFor(() => expect(client.navigations).toHaveLength(2)); // the sign-in's, the logout's
    expect(refreshed).toEqual([]);
    expect(Object.values(sessionStorage).join()).not.toMatch(/accessToken|apiTokens/);
    await vi.waitFor(() => {
      for (const token of server.issuedRefreshTokens) expect(server.isRefreshTokenActive(token)).toBe(false);
    });
  });

  it('two tabs on IndexedDB: tab B logs out while tab A refreshes an API; nothing survives in either tab or the store', async () => {
    onTestFinished(installWebLocks());
    const database = 'api-tokens-attacks-two-tabs';
    const tabA = createClient(server, { ...OPTIONS, tokenStore: indexedDbTokenStore(database) });
    await signIn(server, tabA);
    const tabB = createClient(server, { ...OPTIONS, tokenStore: indexedDbTokenStore(database) });
    await tabB.auth.restoreSession();
    expect(tabB.auth.isAuthenticated()).toBe(true);
    const held = holdRefresh(BILLING);
    const pending = tabA.auth.getAccessToken(BILLING_TARGET).catch((e: unknown) => e);
    await held.reached;
    void tabB.auth.logout({ returnTo: '/' });
    // Tab A hears of the logout while its refresh is still unanswered.
    await vi.waitFor(() => expect(tabA.auth.isAuthenticated() || tabB.auth.isAuthenticated()).toBe(false));
    held.release();
    expect(isPkceError(await pending, 'login_required')).toBe(true);
    await vi.waitFor(() => expect(tabB.navigations).toHaveLength(1));
    await vi.waitFor(() => {
      for (const token of server.issuedRefreshTokens) expect(server.isRefreshTokenActive(token)).toBe(false);
    });
    expect(tabA.auth.isAuthenticated() || tabB.auth.isAuthenticated()).toBe(false);
    const reopened = createClient(server, { ...OPTIONS, tokenStore: indexedDbTokenStore(database) });
    await expect(reopened.auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' });
  });

  it("a new sign-in in the same tab while the last session's API refresh is in flight: that refresh is dropped and its refresh token revoked, and the new session's caller gets its own token", async () => {
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const { auth } = client;
    const held = holdRefresh(BILLING);
    const old = auth.getAccessToken(BILLING_TARGET).catch((e: unknown) => e);
    await held.reached;
    await signIn(server, client); // loginWithPopup / a second redirect sign-in, same tab
    // A caller of the new session asks for billing while the old session's refresh (same API, no token yet) is unanswered.
    const fresh = auth.getAccessToken(BILLING_TARGET).catch((e: unknown) => e);
    // Its way to the refresher is promise jobs only (the API code is loaded, the session too): one
    // macrotask later it has reached it (before the fix it joined the old refresh there).
    await macrotask();
    held.release();
    const [oldOutcome, freshOutcome] = await Promise.all([old, fresh]);
    expect(isPkceError(oldOutcome, 'login_required')).toBe(true);
    expect(audience(freshOutcome)).toEqual([BILLING]);
    expect(auth.isAuthenticated()).toBe(true);
    // [session 1's, its API refresh's, session 2's, session 2's API refresh's]
    const [, oldRotated, session2, fresh2] = server.issuedRefreshTokens;
    await vi.waitFor(() => expect(revoked()).toContain(oldRotated));
    expect(sentRefreshTokens().at(-1)).toBe(session2);
    expect(server.isRefreshTokenActive(fresh2!)).toBe(true);
  });
});

describe('no token in errors and events', () => {
  it('refusals, malformed answers and events carry no access, refresh or ID token', async () => {
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const { auth } = client;
    const seen: unknown[] = [];
    for (const name of ['refreshed', 'refresh-failed', 'session-ended', 'signed-in'] as const) auth.on(name, (e) => seen.push(e));
    server.nextTokenResponse = () => json({ error: 'invalid_target', error_description: 'nope' }, 400);
    seen.push(await auth.getAccessToken(BILLING_TARGET).catch((e: unknown) => e));
    await auth.getAccessToken({ ...BILLING_TARGET, forceRefresh: true });
    const liveRt = server.issuedRefreshTokens.at(-1)!;
    server.nextTokenResponse = () => json({ access_token: 'AT-SECRET', refresh_token: 'RT-SECRET', token_type: 'Bearer', expires_in: 'soon' });
    seen.push(await auth.getAccessToken({ ...BILLING_TARGET, forceRefresh: true }).catch((e: unknown) => e));
    const dump = (v: unknown, depth = 0): string => {
      if (depth > 5 || v === null || v === undefined) return String(v);
      if (v instanceof Error) return [v.message, v.stack, dump((v as { cause?: unknown }).cause, depth + 1), JSON.stringify(v)].join('\n');
      if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}=${dump(x, depth + 1)}`).join(',');
      return String(v);
    };
    const text = seen.map((v) => dump(v)).join('\n');
    for (const secret of ['AT-SECRET', 'RT-SECRET', liveRt, ...server.issuedRefreshTokens]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/eyJ[\w-]{10,}\./);
  });
});

describe('refused before any request', () => {
  it('without a refresh token, a named API is a ConfigError saying to ask for offline_access, not login_required (a new sign-in would bring none either)', async () => {
    server.issueRefreshTokens = false;
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const { auth } = client;
    for (const call of [() => auth.getAccessToken(BILLING_TARGET), () => auth.fetch(`${BILLING_ORIGIN}/api/x`)]) {
      const error = await call().catch((e: unknown) => e);
      expect(isPkceError(error, 'invalid_config')).toBe(true);
      expect((error as Error).message).toContain('ask for "offline_access" in "scope"');
    }
    expect(auth.isAuthenticated()).toBe(true);
    expect(refreshRequests()).toHaveLength(0);
  });

  it('a scope alone, when the sign-in asked for several resources, is a ConfigError before any request (oidc-provider would spend the refresh token refusing it)', async () => {
    spendOnInvalidTarget(server, { severalResolved: true });
    const options: Partial<PkceClientOptions> = {
      scope: `openid profile offline_access api:read ${BILLING_SCOPE} reports:read`,
      apiOrigins: [API_ORIGIN, { origin: REPORTS_ORIGIN, resource: REPORTS }, { origin: BILLING_ORIGIN, scope: BILLING_SCOPE }],
    };
    const { client } = await signIn(server, createClient(server, options));
    const { auth } = client;
    const live = server.issuedRefreshTokens.at(-1)!;
    for (const call of [() => auth.getAccessToken({ scope: BILLING_SCOPE }), () => auth.fetch(`${BILLING_ORIGIN}/api/invoices`)]) {
      const error = await call().catch((e: unknown) => e);
      expect(isPkceError(error, 'invalid_config')).toBe(true);
      expect((error as Error).message).toContain(`"scope" alone names none of the sign-in's resources ("https://api.example", "${REPORTS}")`);
    }
    expect(refreshRequests()).toHaveLength(0);
    expect(server.isRefreshTokenActive(live)).toBe(true);
    expect(auth.isAuthenticated()).toBe(true);
    await auth.getAccessToken({ forceRefresh: true });
    expect(sentRefreshTokens()).toEqual([live]);
  });
});

describe('what the background timer keeps fresh', () => {
  it('only the APIs of apiOrigins are refreshed in the background; a token asked for once with getAccessToken is refreshed when asked again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    onTestFinished(() => void vi.useRealTimers());
    server.accessTokenTtl = 2;
    const { client } = await signIn(server, createClient(server, { ...OPTIONS, scope: `${OPTIONS.scope} a b c` }));
    const { auth } = client;
    for (const scope of ['a', 'b', 'c']) await auth.getAccessToken({ resource: BILLING, scope });
    // apiOrigins' billing last: before the fix the timer refreshed every held token in that order.
    await auth.getAccessToken(BILLING_TARGET);
    const refreshed: PkceClientEvents['refreshed'][] = [];
    auth.on('refreshed', (e) => refreshed.push(e));
    const before = refreshRequests().length;
    await vi.advanceTimersByTimeAsync(6_000);
    await vi.waitFor(() => expect(refreshed.some((e) => e.scope === BILLING_SCOPE)).toBe(true));
    const inBackground = () =>
      refreshRequests()
        .slice(before)
        .filter((r) => r.body!.get('resource') === BILLING)
        .map((r) => r.body!.get('scope'));
    expect(inBackground()).toEqual([BILLING_SCOPE]);
    await auth.getAccessToken({ resource: BILLING, scope: 'a' });
    expect(inBackground()).toEqual([BILLING_SCOPE, 'a']);
  });
});

describe('copies of a session', () => {
  it('a per-tab copy from before an API refresh (Back, a duplicated tab) does not send the spent refresh token', async () => {
    const { client } = await signIn(server, createClient(server, { ...OPTIONS, tokenStore: webStorageTokenStore(sessionStorage) }));
    const snapshot = Object.fromEntries(Object.entries(sessionStorage));
    await client.auth.getAccessToken(BILLING_TARGET);
    sessionStorage.clear();
    for (const [k, v] of Object.entries(snapshot)) sessionStorage.setItem(k, v as string);
    const copy = createClient(server, { ...OPTIONS, tokenStore: webStorageTokenStore(sessionStorage) });
    const e = await copy.auth.getAccessToken(BILLING_TARGET).catch((x: unknown) => x);
    expect(isPkceError(e, 'login_required')).toBe(true);
    const sent = sentRefreshTokens();
    expect(new Set(sent).size).toBe(sent.length);
  });

  it('two tabs on IndexedDB, each forcing refreshes of both APIs and the sign-in at once: every refresh token sent once', async () => {
    onTestFinished(installWebLocks());
    const database = 'api-tokens-attacks-interleave';
    const tab1 = createClient(server, { ...OPTIONS, tokenStore: indexedDbTokenStore(database) });
    await signIn(server, tab1);
    const tab2 = createClient(server, { ...OPTIONS, tokenStore: indexedDbTokenStore(database) });
    await tab2.auth.restoreSession();
    server.tokenDelayMs = 20; // longer overlaps; the outcome does not depend on it
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 8; i++) {
      for (const tab of [tab1, tab2]) {
        calls.push(tab.auth.getAccessToken({ ...BILLING_TARGET, forceRefresh: true }).catch((e: unknown) => e));
        calls.push(tab.auth.getAccessToken({ resource: API_ORIGIN, forceRefresh: true }).catch((e: unknown) => e));
        calls.push(tab.auth.getAccessToken({ forceRefresh: true }).catch((e: unknown) => e));
      }
    }
    const outcomes = await Promise.all(calls);
    const sent = sentRefreshTokens();
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sent).size).toBe(sent.length);
    expect(outcomes.filter((o) => o instanceof Error)).toEqual([]);
    expect(tab1.auth.isAuthenticated() && tab2.auth.isAuthenticated()).toBe(true);
  });
});

describe('routing', () => {
  it("billing's token goes only to https://billing.example, whatever the spelling; lookalikes get none", async () => {
    const { client } = await signIn(server, createClient(server, OPTIONS));
    const billingToken = await client.auth.getAccessToken(BILLING_TARGET);
    const signInToken = await client.auth.getAccessToken();
    const cases: [string, string | null | 'throws'][] = [
      ['https://BILLING.example:443/api/x', billingToken],
      ['https://billing.example/api/../api/x', billingToken],
      ['https://billing.example./api/x', null], // another origin by the URL standard (DNS: the same host)
      ['https://billing.example:8443/api/x', null],
      ['http://billing.example/api/x', null],
      ['https://billing.example.evil.example/api/x', null],
      ['https://evil.example/api/x?https://billing.example', null],
      ['https://evil.example#@billing.example/api/x', null],
      ['https://api.example@billing.example/api/x', 'throws'], // credentials in a URL: Request refuses it
      ['https://billing%2eexample/api/x', billingToken], // percent-decoded host
      ['https://billing。example/api/x', billingToken], // ideographic full stop maps to "."
      ['/api/x', signInToken], // the page's own origin
      ['//billing.example/api/x', billingToken],
      ['https:billing.example/api/x', null], // resolves against the page: https://app.example/billing.example/api/x (not an API path here)
    ];
    for (const [url, expected] of cases) {
      const seen = recordApis();
      const outcome = await client.auth.fetch(url).then(
        () => Object.values(seen).flat()[0] ?? null,
        () => 'throws',
      );
      const sent = typeof outcome === 'string' && outcome !== 'throws' ? outcome.slice(7) : outcome;
      expect([url, sent]).toEqual([url, expected]);
      if (sent === billingToken) expect(Object.keys(seen)).toEqual([BILLING_ORIGIN]);
    }
  });
});

const ordersVerifier: JwksTokenVerifierOptions = { issuer: 'https://pkce-spa.eu.auth0.com/', audience: 'https://api.example', profile: 'plain-jwt' };
const billingVerifier: JwksTokenVerifierOptions = { ...ordersVerifier, audience: 'https://billing.example' };

const recipe = (billing: { resource?: string; scope?: string }, extra: Partial<provider.Recipe> = {}): provider.Recipe => ({
  issuer: 'https://pkce-spa.eu.auth0.com/',
  clientId: AUTH0_CLIENT_ID,
  scope: 'openid profile offline_access',
  authorizationParams: { audience: 'https://api.example' },
  apiOrigins: ['https://api.example', { origin: 'https://billing.example', ...billing }],
  ...extra,
});

/** Signs in and calls billing through auth.fetch: what billing received, and how the call ended. */
async function callBilling(server: ProviderServer, page: provider.Page) {
  provider.plugApi(server, ordersVerifier);
  provider.plugApi(server, billingVerifier, 'https://billing.example');
  const seen = provider.tokensSeenBy(server, 'https://billing.example');
  await provider.signIn(server, page);
  const outcome = await provider.callApi(page, 'https://billing.example/invoices').catch((e: unknown) => e);
  return { seen, outcome };
}

/** The session goes on with the refresh token the refused answer rotated (reuse detection would revoke the family for the spent one). */
async function sessionGoesOn(server: ProviderServer, page: provider.Page) {
  expect(page.auth.isAuthenticated()).toBe(true);
  await provider.refresh(page);
  const sent = provider.sentRefreshTokens(server);
  expect(sent).toHaveLength(2);
  expect(new Set(sent).size).toBe(2);
}

describe("Auth0: the sign-in audience's token is never billing's", () => {
  it("an API named by resource only, outside the refresh token policies: Auth0's answer (the orders token) is refused by its aud and never reaches billing", async () => {
    const server = await auth0({ refreshTokenPolicies: [] });
    const page = provider.spa(server, recipe({ resource: 'https://billing.example' }));
    const { seen, outcome } = await callBilling(server, page);
    expect(outcome).toMatchObject({ code: 'invalid_response' });
    expect((outcome as Error).message).toContain('no token for resource "https://billing.example": its access token is for ["https://api.example","https://pkce-spa.eu.auth0.com/userinfo"]');
    expect(seen).toEqual([]);
    await sessionGoesOn(server, page);
  });

  it("with resourceParameter 'resource' (the default on a custom domain), billing in the policies: Auth0 ignores `resource`, and its answer is refused by its aud and never reaches billing", async () => {
    const server = await auth0({ refreshTokenPolicies: [{ audience: 'https://billing.example', scope: ['read:billing'] }] });
    // The mock's issuer is *.auth0.com; a custom domain (auth.example.com) gets the 'resource' default.
    const page = provider.spa(server, recipe({ resource: 'https://billing.example' }, { resourceParameter: 'resource' }));
    const { seen, outcome } = await callBilling(server, page);
    expect(outcome).toMatchObject({ code: 'invalid_response' });
    expect((outcome as Error).message).toContain('its access token is for ["https://api.example","https://pkce-spa.eu.auth0.com/userinfo"]');
    expect(seen).toEqual([]);
    await sessionGoesOn(server, page);
  });

  it('with a scope named, outside the refresh token policies: the answer lacks the scope, is refused by name and never reaches billing', async () => {
    const server = await auth0({ refreshTokenPolicies: [] });
    const page = provider.spa(server, recipe({ resource: 'https://billing.example', scope: 'read:billing' }));
    const { seen, outcome } = await callBilling(server, page);
    expect(outcome).toMatchObject({ code: 'invalid_response' });
    expect((outcome as Error).message).toContain('no token for resource "https://billing.example" and scope "read:billing"');
    expect(seen).toEqual([]);
    await sessionGoesOn(server, page);
  });
});

describe('known limits', () => {
  it("KNOWN LIMIT: without a top-level resource the named APIs join the sign-in's grant, so on a server that issues the sign-in's token for the whole grant that token is valid at billing too", async () => {
    const { client } = await signIn(server, createClient(server, { ...OPTIONS, resource: undefined }));
    const seen = recordApis();
    await client.auth.fetch(`${API_ORIGIN}/api/me`);
    expect(audience(seen[API_ORIGIN]![0]!.slice(7))).toContain(BILLING);
  });

  it('a session stored before a deploy that adds an API: the API is refused before any request (a new sign-in covers it), so oidc-provider never spends the refresh token refusing it', async () => {
    spendOnInvalidTarget(server);
    const before: Partial<PkceClientOptions> = { scope: `openid profile offline_access api:read ${BILLING_SCOPE}`, apiOrigins: [API_ORIGIN] };
    await signIn(server, createClient(server, { ...before, tokenStore: webStorageTokenStore(sessionStorage) }));
    const live = server.issuedRefreshTokens.at(-1)!;
    // The new version of the app names billing; the session in sessionStorage was granted without it.
    const page = createClient(server, { ...before, apiOrigins: OPTIONS.apiOrigins, tokenStore: webStorageTokenStore(sessionStorage) });
    const refused = await page.auth.fetch(`${BILLING_ORIGIN}/api/invoices`).catch((e: unknown) => e);
    expect(isPkceError(refused, 'login_required')).toBe(true);
    expect((refused as Error).message).toContain(`This session's sign-in did not ask for "${BILLING}"`);
    expect(refreshRequests()).toHaveLength(0);
    expect(page.auth.isAuthenticated()).toBe(true);
    expect(server.isRefreshTokenActive(live)).toBe(true);
    await expect(page.auth.getAccessToken({ forceRefresh: true })).resolves.toMatch(/^ey/);
  });
});

/**
 * oidc-provider's order (9.13, lib/actions/grants/refresh_token.js): the refresh token is consumed,
 * then the resource is resolved and refused with invalid_target (lib/helpers/resolve_resource.js),
 * also for a refresh without `resource` whose scope lacks openid when the grant has several
 * resources (`severalResolved`). The test server refuses before rotating; this gives it that order.
 */
function spendOnInvalidTarget(server: TestServer, options: { severalResolved?: boolean } = {}) {
  const original = server.handleToken.bind(server);
  server.handleToken = async (form, request) => {
    const refresh = form.get('grant_type') === 'refresh_token';
    const several = options.severalResolved && refresh && !form.has('resource') && form.has('scope') && !form.get('scope')!.split(' ').includes('openid');
    const answer = several
      ? json({ error: 'invalid_target', error_description: 'only a single resource indicator value must be requested/resolved during Access Token Request' }, 400)
      : await original(form, request);
    if (refresh && answer.status === 400 && (several || ((await answer.clone().json()) as { error?: string }).error === 'invalid_target')) {
      const consume = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: form.get('refresh_token')!, client_id: form.get('client_id')! });
      await original(consume, request); // refreshToken.consume(): what it issued is never answered
    }
    return answer;
  };
}
