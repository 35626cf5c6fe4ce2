import { ConfigError } from '../../shared/errors.js';
import { ReplayCacheFullError } from '../errors.js';
import type { DpopReplayCache } from './types.js';

/** Options of {@link memoryReplayCache}. */
export interface MemoryReplayCacheOptions {
  /** How many unexpired proofs are remembered at most; one more is refused. Default 100000. */
  maxEntries?: number;
}

/**
 * A replay cache in this process's memory: right for an API that runs as one process.
 *
 * A proof is remembered until it is too old to be accepted, never less: when `maxEntries` proofs
 * are remembered and none has expired, the next one is refused with a {@link ReplayCacheFullError}
 * (`replay_cache_full`; the request fails, answer 503) rather than forgetting one that could then be
 * replayed (RFC 9449 §11.1). Size it above your peak number of DPoP requests per proof lifetime
 * (`maxProofAge` + `clockSkew`, 65 s by default without server nonces, 120 s with them: 100000 is
 * then 830 requests a second), or use a shared store such as {@link redisReplayCache}.
 *
 * Memory: about 110 bytes an entry, the 43-character id included (measured on Node 20 with
 * `bench/replay-cache-memory.mjs`: 10.9 MB for 100000 entries, 106 MB for a million), so about
 * 11 MB at most by default. Each proof costs O(log n): expired proofs are dropped in expiry order as
 * new ones arrive.
 *
 * @param options - `maxEntries`, a positive integer.
 * @throws ConfigError when `maxEntries` is not a positive integer.
 *
 * @example
 * ```ts
 * createTokenVerifier({ issuer, audience, dpop: { publicUrl, replayCache: memoryReplayCache({ maxEntries: 500_000 }) } })
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-11.1
 */
export function memoryReplayCache(options: MemoryReplayCacheOptions = {}): DpopReplayCache {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new ConfigError('"maxEntries" must be a positive integer');
  const seen = new Set<string>();
  // Proofs live as long as their iat allows, so they do not expire in the order they came: a binary
  // min-heap by expiry (two parallel arrays, no object per entry) finds the expired ones.
  const expiries: number[] = [];
  const ids: string[] = [];

  const swap = (a: number, b: number) => {
    [expiries[a], expiries[b]] = [expiries[b]!, expiries[a]!];
    [ids[a], ids[b]] = [ids[b]!, ids[a]!];
  };
  const push = (id: string, expiry: number) => {
    let i = expiries.push(expiry) - 1;
    ids.push(id);
    for (let parent = (i - 1) >> 1; i > 0 && expiries[parent]! > expiries[i]!; i = parent, parent = (i - 1) >> 1) swap(i, parent);
  };
  const popExpired = (now: number) => {
    while (expiries.length > 0 && expiries[0]! <= now) {
      seen.delete(ids[0]!);
      const lastExpiry = expiries.pop()!;
      const lastId = ids.pop()!;
      if (expiries.length === 0) break;
      expiries[0] = lastExpiry;
      ids[0] = lastId;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < expiries.length && expiries[left]! < expiries[least]!) least = left;
        if (right < expiries.length && expiries[right]! < expiries[least]!) least = right;
        if (least === i) break;
        swap(i, least);
        i = least;
      }
    }
  };

  return {
    async add(id, ttl) {
      const now = Date.now();
      popExpired(now);
      if (seen.has(id)) return false;
      if (seen.size >= maxEntries) throw new ReplayCacheFullError(maxEntries);
      seen.add(id);
      push(id, now + ttl);
      return true;
    },
  };
}
