import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, memoryReplayCache } from '../../../src/server/index.js';

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

  it('holds at most maxEntries: the oldest is forgotten first', async () => {
    const cache = memoryReplayCache({ maxEntries: 2 });
    for (const id of ['a', 'b', 'c']) expect(await cache.add(id, 60_000)).toBe(true);
    expect(await cache.add('c', 60_000)).toBe(false);
    expect(await cache.add('b', 60_000)).toBe(false);
    expect(await cache.add('a', 60_000)).toBe(true);
  });

  it('refuses a bad maxEntries with a ConfigError', () => {
    expect(() => memoryReplayCache({ maxEntries: 0 })).toThrow(ConfigError);
  });
});

