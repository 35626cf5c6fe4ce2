import { afterEach, describe, expect, it } from 'vitest';
import { memoryTokenStore, webStorageTokenStore, type TokenSet } from '../../../src/index.js';

const tokens: TokenSet = {
  sessionId: 'session-1',
  accessToken: 'access-token',
  expiresAt: 1_700_000_300_000,
  refreshAt: 1_700_000_240_000,
  refreshToken: 'refresh-token',
  idToken: 'id.token.sig',
  claims: { iss: 'https://auth.example', sub: 'alice', aud: 'spa', exp: 1_700_000_600, iat: 1_700_000_000 },
  scope: 'openid profile',
};

afterEach(() => {
  sessionStorage.clear();
  localStorage.clear();
});

describe('memoryTokenStore', () => {
  it('starts empty, keeps what is set, forgets it on clear', async () => {
    const store = memoryTokenStore();
    expect(await store.get()).toBeUndefined();
    await store.set(tokens);
    expect(await store.get()).toEqual(tokens);
    await store.set({ sessionId: 'session-1', accessToken: 'newer' });
    expect(await store.get()).toEqual({ sessionId: 'session-1', accessToken: 'newer' });
    await store.clear();
    expect(await store.get()).toBeUndefined();
  });

  it('writes nothing to web storage', async () => {
    const store = memoryTokenStore();
    await store.set(tokens);
    expect(sessionStorage.length).toBe(0);
    expect(localStorage.length).toBe(0);
  });

  it('keeps each store apart', async () => {
    const a = memoryTokenStore();
    const b = memoryTokenStore();
    await a.set(tokens);
    expect(await b.get()).toBeUndefined();
  });
});

describe('webStorageTokenStore', () => {
  it('round-trips the tokens through sessionStorage under the default key', async () => {
    const store = webStorageTokenStore(sessionStorage);
    expect(await store.get()).toBeUndefined();
    await store.set(tokens);
    expect(sessionStorage.getItem('pkce-spa:tokens')).not.toBeNull();
    expect(await webStorageTokenStore(sessionStorage).get()).toEqual(tokens);
  });

  it('uses the key given, in localStorage too', async () => {
    const store = webStorageTokenStore(localStorage, 'my-app:auth');
    await store.set(tokens);
    expect(Object.keys(localStorage)).toEqual(['my-app:auth']);
    expect(await store.get()).toEqual(tokens);
    expect(sessionStorage.length).toBe(0);
  });

  it('treats corrupt JSON as no tokens', async () => {
    sessionStorage.setItem('pkce-spa:tokens', '{"accessToken":');
    expect(await webStorageTokenStore(sessionStorage).get()).toBeUndefined();
    sessionStorage.setItem('pkce-spa:tokens', 'null');
    expect(await webStorageTokenStore(sessionStorage).get()).toBeUndefined();
  });

  it('removes its key on clear, and only its key', async () => {
    sessionStorage.setItem('other', 'kept');
    const store = webStorageTokenStore(sessionStorage);
    await store.set(tokens);
    await store.clear();
    expect(sessionStorage.getItem('pkce-spa:tokens')).toBeNull();
    expect(sessionStorage.getItem('other')).toBe('kept');
    expect(await store.get()).toBeUndefined();
  });
});
