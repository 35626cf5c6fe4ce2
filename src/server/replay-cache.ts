import { ConfigError } from '../shared/errors.js';

/**
 * Where a verifier remembers the DPoP proofs it accepted, so a proof is accepted once (RFC 9449
 * §11.1). Shared by every instance of the API when it runs on several machines.
 */
export interface DpopReplayCache {
  /**
   * Records `id` unless it is recorded already, in one atomic step.
   *
   * @param id - an opaque, fixed-length identifier of one proof (43 base64url characters).
   * @param ttl - milliseconds to remember it; afterwards the proof is too old to be accepted anyway.
   * @returns true when `id` was new (the proof may be accepted), false when it was seen before.
   */
  add(id: string, ttl: number): Promise<boolean>;
}

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

/**
 * Sends one Redis command and resolves to its reply: `(args) => client.sendCommand(args)` with
 * node-redis, `(args) => client.call(...args)` with ioredis.
 */
export type RedisCommand = (args: string[]) => Promise<unknown>;

/** Options of {@link redisReplayCache}. */
export interface RedisReplayCacheOptions {
  /** Prefix of the keys this cache writes. Default `dpop:jti:`. */
  keyPrefix?: string;
}

/**
 * A replay cache in Redis, shared by every instance of the API: a proof accepted by one is refused
 * by the others. One `SET key 1 NX PX ttl` per proof: atomic, and Redis forgets the key when the
 * proof would be too old anyway. pkce-spa needs no Redis client of its own: pass a function that
 * sends a command with yours.
 *
 * A Redis failure rejects the verification (the API answers 5xx): without the store, a replay
 * could not be told from a first use (the verifier turns it into a `NetworkError`).
 *
 * @param command - sends one command with the app's Redis client.
 * @param options - `keyPrefix` of the keys written.
 * @throws ConfigError when `command` is not a function.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect()
 * const verifier = createTokenVerifier({
 *   issuer, audience,
 *   dpop: { replayCache: redisReplayCache((args) => redis.sendCommand(args)) },
 * })
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-11.1
 */
export function redisReplayCache(command: RedisCommand, options: RedisReplayCacheOptions = {}): DpopReplayCache {
  if (typeof command !== 'function') throw new ConfigError('redisReplayCache() needs a function that sends a Redis command');
  const prefix = options.keyPrefix ?? 'dpop:jti:';
  return {
    async add(id, ttl) {
      const reply = await command(['SET', `${prefix}${id}`, '1', 'NX', 'PX', String(Math.max(1, Math.ceil(ttl)))]);
      return reply === 'OK';
    },
  };
}
