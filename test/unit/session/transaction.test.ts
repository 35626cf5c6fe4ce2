import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StorageLike } from '../../../src/index.js';
import { createTransactionStore, type LoginTransaction } from '../../../src/session/transaction.js';

const KEY = 'pkce-spa:spa:tx';
const metadata = {
  issuer: 'https://auth.example',
  authorization_endpoint: 'https://auth.example/authorize',
  token_endpoint: 'https://auth.example/token',
};
let clock = 1_700_000_000_000;
const now = () => clock;
const transaction = (state: string, overrides: Partial<LoginTransaction> = {}): LoginTransaction => ({
  state,
  nonce: `nonce-${state}`,
  codeVerifier: `verifier-${state}`.padEnd(43, 'x'),
  redirectUri: 'https://app.example/callback',
  returnTo: '/inbox',
  metadata,
  createdAt: clock,
  ...overrides,
});

beforeEach(() => {
  clock = 1_700_000_000_000;
  sessionStorage.clear();
});
afterEach(() => sessionStorage.clear());

const sessionStore = (lifetimeMs?: number) => createTransactionStore(() => sessionStorage, KEY, lifetimeMs, now);

/** An async storage: every method answers in a later task, like IndexedDB or a native bridge. */
function asyncStorage() {
  const data = new Map<string, string>();
  const later = () => new Promise((resolve) => setTimeout(resolve, 1));
  const storage: StorageLike = {
    async getItem(key) {
      await later();
      return data.get(key) ?? null;
    },
    async setItem(key, value) {
      await later();
      data.set(key, value);
    },
    async removeItem(key) {
      await later();
      data.delete(key);
    },
  };
  return { storage, data };
}

describe('createTransactionStore', () => {
  it('returns what was saved', async () => {
    const store = sessionStore();
    const tx = transaction('s1', { maxAge: 60 });
    await store.save(tx);
    expect(await store.take('s1')).toEqual(tx);
  });

  it('is single use: the second take gets nothing', async () => {
    const store = sessionStore();
    await store.save(transaction('s1'));
    expect(await store.take('s1')).toBeDefined();
    expect(await store.take('s1')).toBeUndefined();
  });

  it('leaves no transaction in storage after the last take, only the used states', async () => {
    const store = sessionStore();
    await store.save(transaction('s1'));
    await store.save(transaction('s2'));
    expect(sessionStorage.getItem(KEY)).not.toBeNull();
    await store.take('s1');
    expect(sessionStorage.getItem(KEY)).not.toContain('verifier-s1');
    await store.take('s2');
    expect(sessionStorage.getItem(KEY)).toBeNull();
    expect(Object.keys(sessionStorage)).toEqual([`${KEY}:done`]);
    expect(Object.keys(JSON.parse(sessionStorage.getItem(`${KEY}:done`)!)).sort()).toEqual(['s1', 's2']);
  });

  it('keeps the transactions of this client under its own key', async () => {
    await sessionStore().save(transaction('s1'));
    expect(Object.keys(sessionStorage)).toEqual([KEY]);
    const other = createTransactionStore(() => sessionStorage, 'pkce-spa:other-client:tx', undefined, now);
    expect(await other.take('s1')).toBeUndefined();
    expect(await sessionStore().take('s1')).toBeDefined();
  });

  it('returns undefined for an unknown state, and for inherited property names', async () => {
    const store = sessionStore();
    await store.save(transaction('s1'));
    for (const state of ['other', '', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(await store.take(state), state).toBeUndefined();
    }
    expect(await store.take('s1')).toBeDefined();
  });

  it('keeps several transactions apart', async () => {
    const store = sessionStore();
    await store.save(transaction('a'));
    await store.save(transaction('b'));
    await store.save(transaction('c'));
    expect((await store.take('b'))?.codeVerifier).toMatch(/^verifier-b/);
    expect((await store.take('a'))?.codeVerifier).toMatch(/^verifier-a/);
    expect(await store.take('b')).toBeUndefined();
    expect((await store.take('c'))?.codeVerifier).toMatch(/^verifier-c/);
  });

  it('replaces a transaction saved again under the same state', async () => {
    const store = sessionStore();
    await store.save(transaction('s1', { returnTo: '/first' }));
    await store.save(transaction('s1', { returnTo: '/second' }));
    expect((await store.take('s1'))?.returnTo).toBe('/second');
    expect(await store.take('s1')).toBeUndefined();
  });

  it('expires transactions after their lifetime (default 10 minutes)', async () => {
    const store = sessionStore();
    await store.save(transaction('fresh'));
    await store.save(transaction('old'));
    clock += 10 * 60_000 - 1;
    expect(await store.take('fresh')).toBeDefined();
    clock += 1;
    expect(await store.take('old')).toBeUndefined();
  });

  it('honours a custom lifetime and drops expired entries on the next write', async () => {
    const store = sessionStore(1_000);
    await store.save(transaction('old'));
    clock += 1_000;
    await store.save(transaction('new'));
    expect(sessionStorage.getItem(KEY)).not.toContain('verifier-old');
    expect(await store.take('old')).toBeUndefined();
    expect(await store.take('new')).toBeDefined();
  });

  it('treats a transaction without a valid createdAt as expired', async () => {
    sessionStorage.setItem(KEY, JSON.stringify({ s1: { ...transaction('s1'), createdAt: 'yesterday' } }));
    expect(await sessionStore().take('s1')).toBeUndefined();
  });

  it('lets exactly one of several concurrent takes of the same state have it', async () => {
    const store = sessionStore();
    await store.save(transaction('s1'));
    const results = await Promise.all(Array.from({ length: 5 }, () => store.take('s1')));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('lets exactly one of two stores over the same storage take a state (two clients on one page)', async () => {
    await sessionStore().save(transaction('s1'));
    const results = await Promise.all([sessionStore().take('s1'), sessionStore().take('s1')]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('keeps concurrent saves: none overwrites another', async () => {
    const store = sessionStore();
    await Promise.all(['a', 'b', 'c', 'd'].map((state) => store.save(transaction(state))));
    for (const state of ['a', 'b', 'c', 'd']) expect(await store.take(state), state).toBeDefined();
  });

  it.each([
    ['not JSON', '{not json'],
    ['JSON null', 'null'],
    ['a JSON number', '5'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"s1"'],
    ['an entry that is not a transaction', '{"s1":null,"s2":42}'],
  ])('treats %s in storage as empty, and saves over it', async (_, corrupt) => {
    sessionStorage.setItem(KEY, corrupt);
    const store = sessionStore();
    expect(await store.take('s1')).toBeUndefined();
    sessionStorage.setItem(KEY, corrupt);
    await store.save(transaction('s3'));
    expect((await store.take('s3'))?.state).toBe('s3');
  });

  it('works with an async storage', async () => {
    const { storage, data } = asyncStorage();
    const store = createTransactionStore(() => storage, KEY, undefined, now);
    await store.save(transaction('s1'));
    await store.save(transaction('s2'));
    expect(JSON.parse(data.get(KEY)!)).toHaveProperty('s1');
    expect((await store.take('s1'))?.state).toBe('s1');
    expect(await store.take('s1')).toBeUndefined();
    expect((await store.take('s2'))?.state).toBe('s2');
    expect([...data.keys()]).toEqual([`${KEY}:done`]);
  });

  it('lets exactly one concurrent take win with an async storage', async () => {
    const { storage } = asyncStorage();
    const store = createTransactionStore(() => storage, KEY, undefined, now);
    await store.save(transaction('s1'));
    const results = await Promise.all([store.take('s1'), store.take('s1'), store.take('s1')]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('keeps working after a storage failure', async () => {
    let fail = true;
    const storage: StorageLike = {
      getItem: (key) => (fail ? Promise.reject(new Error('quota')) : sessionStorage.getItem(key)),
      setItem: (key, value) => sessionStorage.setItem(key, value),
      removeItem: (key) => sessionStorage.removeItem(key),
    };
    const store = createTransactionStore(() => storage, KEY, undefined, now);
    await store.take('s1').catch(() => undefined);
    fail = false;
    await store.save(transaction('s1'));
    expect((await store.take('s1'))?.state).toBe('s1');
  });

  it('reads the storage lazily, not when the store is created', () => {
    let reads = 0;
    createTransactionStore(
      () => {
        reads += 1;
        return sessionStorage;
      },
      'spa',
    );
    expect(reads).toBe(0);
  });
});

describe('completed logins', () => {
  it('remembers a state whose transaction was taken, not one only saved or never issued', async () => {
    const store = sessionStore();
    await store.save(transaction('used'));
    await store.save(transaction('pending'));
    await store.take('used');
    expect(await store.completed('used')).toBe(true);
    expect(await store.completed('pending')).toBe(false);
    expect(await store.completed('never-issued')).toBe(false);
  });

  it('forgets a used state after a day, and keeps the newest 20', async () => {
    const store = sessionStore();
    for (let i = 0; i < 25; i++) {
      await store.save(transaction(`s${i}`));
      await store.take(`s${i}`);
      clock += 1_000;
    }
    expect(await store.completed('s0')).toBe(false);
    expect(await store.completed('s5')).toBe(true);
    expect(await store.completed('s24')).toBe(true);
    clock += 86_400_000;
    expect(await store.completed('s24')).toBe(false);
  });
});
