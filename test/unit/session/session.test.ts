// The session state machine on its own: its states, and the rules its header promises. The store,
// the emitter and the lock are the real ones; only revocation is a recorder.
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { createEmitter } from '../../../src/session/emitter.js';
import type { PkceClientEvents } from '../../../src/session/events.js';
import { createSession, type SessionOptions } from '../../../src/session/session.js';
import { tokenSetFrom } from '../../../src/session/token-set.js';
import { createSessionLock, type TabMessage } from '../../../src/session/tab-sync.js';
import { memoryTokenStore, webStorageTokenStore, type TokenSet, type TokenStore } from '../../../src/session/token-store.js';
import { installWebLocks } from '../../support/flow.js';

const owner = { issuer: 'https://auth.example', clientId: 'spa' };
const tokens = (sessionId: string, n = 1): TokenSet => ({ sessionId, accessToken: `at-${sessionId}-${n}`, refreshToken: `rt-${sessionId}-${n}`, ...owner });

function setup(store: TokenStore = memoryTokenStore(), overrides: Partial<SessionOptions> = {}) {
  const events = createEmitter<PkceClientEvents>();
  const seen: [string, unknown][] = [];
  for (const name of ['signed-in', 'session-ended'] as const) events.on(name, (detail) => seen.push([name, detail]));
  const posted: TabMessage[] = [];
  const revoked: string[] = [];
  const session = createSession({
    store,
    events,
    locked: createSessionLock('test-lock'),
    channel: { listen: () => undefined, post: (m) => void posted.push(m) },
    holderLock: (id) => `holder:${id}`,
    owner,
    revoke: async (token) => void revoked.push(token),
    ...overrides,
  });
  return { session, store, seen, posted, revoked };
}

afterEach(() => sessionStorage.clear());

describe('states', () => {
  it('moves signed-out → signed-in → refreshing → signed-in → signing-out, and back to signed-out on a bfcache return', async () => {
    const { session } = setup();
    expect(session.status).toBe('signed-out');
    await session.start(tokens('s1'), 'redirect', session.loginTicket());
    expect(session.status).toBe('signed-in');
    let during = '';
    await session.track('refreshing', async () => void (during = session.status));
    expect(during).toBe('refreshing');
    await session.logout();
    expect(session.status).toBe('signing-out');
    session.resume();
    expect(session.status).toBe('signed-out');
  });

  it('is signing-in while a callback completes without a session', async () => {
    const { session } = setup();
    let during = '';
    await session.track('signingIn', async () => void (during = session.status));
    expect(during).toBe('signing-in');
  });
});

describe('commits', () => {
  it('refuses a refresh whose session ended meanwhile, and revokes the refresh token it brought', async () => {
    const { session, revoked } = setup();
    await session.start(tokens('s1'), 'redirect', session.loginTicket());
    const ticket = session.ticket();
    await session.end('logout');
    await expect(session.replace(ticket, tokens('s1', 2))).rejects.toMatchObject({ code: 'login_required' });
    expect(session.tokens).toBeUndefined();
    expect(revoked).toEqual(['rt-s1-2']);
  });

  it('refuses a sign-in that completes while signing out, and revokes its refresh token', async () => {
    const { session, revoked, store } = setup();
    await session.logout();
    await expect(session.start(tokens('s2'), 'redirect', session.loginTicket())).rejects.toMatchObject({ code: 'login_required' });
    expect(await store.get()).toBeUndefined();
    expect(revoked).toEqual(['rt-s2-1']);
  });

  it('a new sign-in replaces the session and revokes the old refresh token', async () => {
    const { session, revoked, posted } = setup();
    await session.start(tokens('s1'), 'redirect', session.loginTicket());
    await session.start(tokens('s2'), 'redirect', session.loginTicket());
    expect(session.tokens?.sessionId).toBe('s2');
    expect(revoked).toEqual(['rt-s1-1']);
    expect(posted).toEqual([
      { type: 'started', sessionId: 's1' },
      { type: 'started', sessionId: 's2' },
    ]);
  });

  it('a store that refuses a write is emptied, and the session goes on in memory', async () => {
    const inner = memoryTokenStore();
    const store: TokenStore = { get: () => inner.get(), set: () => Promise.reject(new Error('quota')), clear: () => inner.clear() };
    await inner.set(tokens('s1'));
    const { session } = setup(store);
    await session.load();
    await session.replace(session.ticket(), tokens('s1', 2));
    expect(session.tokens?.accessToken).toBe('at-s1-2');
    expect(await store.get()).toBeUndefined();
    // The emptied store does not read as "ended elsewhere" while this tab holds the only copy.
    await session.sync();
    expect(session.tokens?.accessToken).toBe('at-s1-2');
  });
});

describe('a store that refuses (IndexedDB failing to open, storage blocked)', () => {
  it('keeps the session in this tab’s memory: a store that cannot be read is no sign-out elsewhere', async () => {
    const refusing: TokenStore = {
      get: () => Promise.reject(new DOMException('The user denied permission to access the database.', 'UnknownError')),
      set: () => Promise.reject(new DOMException('denied', 'UnknownError')),
      clear: () => Promise.reject(new DOMException('denied', 'UnknownError')),
    };
    const { session, seen } = setup(refusing);
    await session.start(tokens('s1'), 'redirect', session.loginTicket());
    await session.sync(); // the tab came back to the foreground
    expect(session.tokens?.sessionId).toBe('s1');
    expect(seen.map(([name]) => name)).toEqual(['signed-in']);
  });
});

describe('a session belongs to one issuer and one client', () => {
  // Two apps on one origin passing their own TokenStore that writes one record: the other app's
  // session is there, but it is not this client's.
  it.each([
    ['another client', { clientId: 'shop-app' }],
    ['another issuer', { issuer: 'https://other-issuer.example' }],
    ['an ID token for another audience', { claims: { iss: 'i', sub: 'bob', aud: 'shop-app', exp: 1, iat: 1 } }],
    ['an ID token authorized for another party', { claims: { iss: 'i', sub: 'bob', aud: ['spa', 'shop-app'], azp: 'shop-app', exp: 1, iat: 1 } }],
    ['no owner at all', { issuer: undefined, clientId: undefined }],
  ])('a stored session of %s is neither served nor cleared', async (_, differs) => {
    const store = memoryTokenStore();
    const foreign = { ...tokens('theirs'), ...differs };
    await store.set(foreign);
    const { session } = setup(store);
    await session.load();
    expect(session.tokens).toBeUndefined();
    await session.sync();
    expect(session.tokens).toBeUndefined();
    await session.logout();
    expect(await store.get()).toEqual(foreign);
  });

  it('writes its owner with the tokens, and serves them back', async () => {
    const store = memoryTokenStore();
    const first = setup(store);
    await first.session.start({ ...tokens('s1'), issuer: undefined, clientId: undefined }, 'redirect', first.session.loginTicket());
    expect(await store.get()).toMatchObject({ sessionId: 's1', issuer: owner.issuer, clientId: owner.clientId });
    const { session } = setup(store);
    await session.load();
    expect(session.tokens?.sessionId).toBe('s1');
  });
});

describe('the store is the truth for tabs sharing it', () => {
  it('adopts a newer refresh of the same session silently', async () => {
    const store = memoryTokenStore();
    const { session, seen } = setup(store);
    await session.start(tokens('s1'), 'redirect', session.loginTicket());
    seen.length = 0;
    await store.set(tokens('s1', 2));
    await session.sync();
    expect(session.tokens?.accessToken).toBe('at-s1-2');
    expect(seen).toEqual([]);
  });

  it('an empty store means the session ended elsewhere', async () => {
    const store = memoryTokenStore();
    const { session, seen, revoked, posted } = setup(store);
    await session.start(tokens('s1'), 'redirect', session.loginTicket());
    await store.clear();
    await session.sync();
    expect(session.tokens).toBeUndefined();
    expect(seen.at(-1)).toEqual(['session-ended', { reason: 'logout', elsewhere: true }]);
    expect(revoked).toEqual([]);
    expect(posted.filter((m) => m.type === 'ended')).toEqual([]); // learned, not told
  });

  it('another session in the store is taken over and announced as a sign-in elsewhere', async () => {
    const store = memoryTokenStore();
    const { session, seen } = setup(store);
    await session.start(tokens('s1'), 'redirect', session.loginTicket());
    await store.set({ ...tokens('s2'), claims: { iss: 'i', sub: 'bob', aud: 'spa', exp: 1, iat: 1 } });
    await session.sync();
    expect(session.tokens?.sessionId).toBe('s2');
    expect(seen.at(-1)).toEqual(['signed-in', { user: expect.objectContaining({ sub: 'bob' }), via: 'other-tab', elsewhere: true }]);
  });

  it('ending clears the store only while it still holds that session: a newer sign-in survives', async () => {
    const store = memoryTokenStore();
    const { session } = setup(store);
    await session.start(tokens('s1'), 'redirect', session.loginTicket());
    await store.set(tokens('s2')); // another tab signed in since
    await session.end('invalid_grant');
    expect((await store.get())?.sessionId).toBe('s2');
  });

  it('sign-out takes the store’s newer refresh token along for revocation, and empties the store', async () => {
    const store = memoryTokenStore();
    const { session, seen } = setup(store);
    await session.start(tokens('s1'), 'redirect', session.loginTicket());
    await store.set(tokens('s1', 2)); // another tab refreshed
    expect(await session.logout()).toEqual([
      { refreshToken: 'rt-s1-1', sessionId: 's1' },
      { refreshToken: 'rt-s1-2', sessionId: 's1' },
    ]);
    expect(await store.get()).toBeUndefined();
    expect(seen.at(-1)).toEqual(['session-ended', { reason: 'logout', elsewhere: false }]);
  });
});

describe('messages from other tabs', () => {
  it('an end of the same session forgets it here, leaving revocation to the tab that ended it', async () => {
    const { session, revoked } = setup();
    await session.start(tokens('s1'), 'redirect', session.loginTicket());
    await session.receive({ type: 'ended', sessionId: 's1', reason: 'invalid_grant' });
    expect(session.tokens).toBeUndefined();
    expect(revoked).toEqual([]);
  });

  it('a logout in another tab ends this tab’s own session too, revoking its refresh token', async () => {
    const { session, revoked, seen } = setup();
    await session.start(tokens('mine'), 'redirect', session.loginTicket());
    await session.receive({ type: 'ended', sessionId: 'theirs', reason: 'logout' });
    expect(session.tokens).toBeUndefined();
    expect(revoked).toEqual(['rt-mine-1']);
    expect(seen.at(-1)).toEqual(['session-ended', { reason: 'logout', elsewhere: true }]);
  });

  it('another tab’s refresh failure does not end a different session here', async () => {
    const { session } = setup();
    await session.start(tokens('mine'), 'redirect', session.loginTicket());
    await session.receive({ type: 'ended', sessionId: 'theirs', reason: 'invalid_grant' });
    expect(session.tokens?.sessionId).toBe('mine');
  });
});

describe('per-tab copies', () => {
  it('a copy of a session another live tab holds is dropped at load; the holder keeps it', async () => {
    onTestFinished(installWebLocks());
    const original = setup(webStorageTokenStore(sessionStorage));
    await original.session.start(tokens('s1'), 'redirect', original.session.loginTicket());
    // The duplicated tab: a copy of sessionStorage, in a page that is not the holder.
    const copy = setup(webStorageTokenStore(sessionStorage));
    await copy.session.load();
    expect(copy.session.tokens).toBeUndefined();
    expect(sessionStorage.getItem('pkce-spa:tokens')).toBeNull();
    expect(original.session.tokens?.sessionId).toBe('s1');
  });

  it('a reload is no copy: once the old page lets go, the new one holds the session', async () => {
    onTestFinished(installWebLocks());
    const before = setup(webStorageTokenStore(sessionStorage));
    await before.session.start(tokens('s1'), 'redirect', before.session.loginTicket());
    await before.session.end('expired'); // stands for the old page going away: it lets go of the lock
    sessionStorage.setItem('pkce-spa:tokens', JSON.stringify(tokens('s1')));
    const after = setup(webStorageTokenStore(sessionStorage));
    await after.session.load();
    expect(after.session.tokens?.sessionId).toBe('s1');
  });
});

describe('tokenSetFrom', () => {
  it('keeps the session id, the refresh token the server did not rotate, and merges claims', () => {
    const first = tokenSetFrom(
      { access_token: 'a1', token_type: 'Bearer', expires_in: 100, refresh_token: 'r1' },
      { iss: 'i', sub: 's', aud: 'c', exp: 1, iat: 1, auth_time: 5, name: 'Alice' },
      { refreshLeeway: 60, clockOffset: -300_000 },
    );
    const next = tokenSetFrom({ access_token: 'a2', token_type: 'Bearer' }, { iss: 'i', sub: 's', aud: 'c', exp: 2, iat: 2 }, { refreshLeeway: 60, previous: first });
    // A response that says nothing of the server's time keeps what the session learnt.
    expect(next.clockOffset).toBe(-300_000);
    expect(next).toMatchObject({ sessionId: first.sessionId, refreshToken: 'r1', claims: { auth_time: 5, name: 'Alice', exp: 2 } });
    expect(next.expiresAt).toBeUndefined();
    expect(first.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
