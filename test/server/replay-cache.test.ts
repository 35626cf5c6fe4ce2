import { afterEach, describe, expect, it, vi } from 'vitest';
import { isPkceError as isBrowserPkceError } from '../../src/shared/errors.js';
import { ConfigError, isPkceError, memoryReplayCache, redisReplayCache, rotatingDpopNonces, TokenVerificationError } from '../../src/server/index.js';

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
    expect(() => rotatingDpopNonces({ rotateEvery: -1 })).toThrow(ConfigError);
    expect(() => redisReplayCache('SET' as never)).toThrow(ConfigError);
  });
});

describe('error codes of the two halves', () => {
  it('the server guard narrows server codes; the browser union does not hold them', () => {
    const error: unknown = new TokenVerificationError('invalid_dpop_proof', 'x');
    expect(isPkceError(error, 'invalid_dpop_proof')).toBe(true);
    expect(isBrowserPkceError(error)).toBe(true);
    // @ts-expect-error 'invalid_token' is a pkce-spa/server code, not one of the browser's PkceErrorCode
    expect(isBrowserPkceError(error, 'invalid_token')).toBe(false);
  });
});
