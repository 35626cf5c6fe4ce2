/**
 * `pkce-spa/server`: verify the access tokens a pkce-spa app sends, in the API it calls.
 * Node (http, Express, Connect) and Fetch API runtimes (Deno, Bun, Cloudflare Workers).
 * Nothing here is part of the browser bundle.
 *
 * @module pkce-spa/server
 * @packageDocumentation
 */

export { createTokenVerifier } from './verifier/create-token-verifier.js';
export type { TokenVerifier } from './verifier/token-verifier.js';
export type {
  AccessTokenProfile,
  AsymmetricAlgorithm,
  DpopOptions,
  FetchLike,
  JwksTokenVerifierOptions,
  SecretTokenVerifierOptions,
  SymmetricAlgorithm,
  TokenVerifierBaseOptions,
  TokenVerifierOptions,
} from './options/types.js';
export type {
  AuthScheme,
  DpopCallInput,
  FetchRequestLike,
  NextFunctionLike,
  NodeRequestLike,
  NodeResponseLike,
  TokenMiddleware,
  VerifyCallOptions,
  VerifyRequestResult,
} from './http/types.js';
export { memoryReplayCache } from './dpop/memory-replay-cache.js';
export type { MemoryReplayCacheOptions } from './dpop/memory-replay-cache.js';
export { redisReplayCache } from './dpop/redis-replay-cache.js';
export type { RedisCommand, RedisReplayCacheOptions } from './dpop/redis-replay-cache.js';
export { rotatingDpopNonces } from './dpop/nonces.js';
export type { RotatingDpopNoncesOptions } from './dpop/nonces.js';
export type { DpopNonceSource, DpopReplayCache } from './dpop/types.js';
export { isPkceError, ReplayCacheFullError, TokenVerificationError } from './errors.js';
export type { ServerErrorCode, TokenVerificationErrorCode, TokenVerificationErrorOptions } from './errors.js';
export { ConfigError, NetworkError, PkceError, ValidationError } from '../shared/errors.js';
export type { PkceErrorCode, PkceErrorOptions } from '../shared/errors.js';
export type { JWTPayload } from 'jose';
