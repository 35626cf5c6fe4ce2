import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, isPkceError, memoryReplayCache } from '../../../src/server/index.js';

afterEach(() => vi.useRealTimers());

describe('memoryReplayCache', () => {
  it('accepts an id once while it lives, and again after it expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    const cache = memoryReplayCache();
    expect(await cache.add('a', 60_000)).toBe(true);
    expect(await cache.add('a', 60_000)).toBe(false);
    vi.setSystemTime(1_000_000 + 60_001);
    expect(await cache.add('a', 60_000)).toBe(true);
  });

  it('never forgets an id before it expires: when full it refuses new ones, naming the limit and the option', async () => {
    const cache = memoryReplayCache({ maxEntries: 2 });
    for (const id of ['a', 'b']) expect(await cache.add(id, 60_000)).toBe(true);
    const error = await cache.add('c', 60_000).then(() => expect.fail('a third id was taken'), (e: unknown) => e);
    expect(isPkceError(error, 'replay_cache_full')).toBe(true);
    expect((error as Error).message).toContain('2 unexpired DPoP proofs');
    expect((error as Error).message).toContain('"maxEntries"');
    expect(await cache.add('a', 60_000)).toBe(false);
    expect(await cache.add('b', 60_000)).toBe(false);
  });

  it('makes room with the ids that expired, whatever order they expire in', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    const cache = memoryReplayCache({ maxEntries: 2 });
    expect(await cache.add('long', 60_000)).toBe(true);
    expect(await cache.add('short', 10_000)).toBe(true);
    vi.setSystemTime(1_000_000 + 10_001);
    expect(await cache.add('c', 60_000)).toBe(true);
    expect(await cache.add('long', 60_000)).toBe(false);
    await expect(cache.add('d', 60_000)).rejects.toMatchObject({ code: 'replay_cache_full' });
    vi.setSystemTime(1_000_000 + 70_001);
    expect(await cache.add('d', 60_000)).toBe(true);
  });

  it('refuses a bad maxEntries with a ConfigError', () => {
    expect(() => memoryReplayCache({ maxEntries: 0 })).toThrow(ConfigError);
  });
});


describe('memoryReplayCache, many proofs expiring out of order', () => {
  it('forgets exactly the expired ones', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    const cache = memoryReplayCache({ maxEntries: 100 });
    // ttl 1..100 s, in a scrambled order (37 is prime to 100).
    const ttl = (i: number) => (((i * 37) % 100) + 1) * 1000;
    for (let i = 0; i < 100; i++) expect(await cache.add(`p${i}`, ttl(i))).toBe(true);
    vi.setSystemTime(1_000_000 + 10_000);
    for (let i = 0; i < 100; i++) expect(await cache.add(`p${i}`, 60_000), `p${i}`).toBe(ttl(i) <= 10_000);
    await expect(cache.add('one-more', 60_000)).rejects.toMatchObject({ code: 'replay_cache_full', maxEntries: 100 });
  });
});
