import { ConfigError } from '../../shared/errors.js';
import type { DpopReplayCache } from './types.js';

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
 *   dpop: { publicUrl: 'https://api.example.com', replayCache: redisReplayCache((args) => redis.sendCommand(args)) },
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
