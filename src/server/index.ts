/**
 * `pkce-spa/server`: verify the access tokens a pkce-spa app sends, in the API it calls.
 * Node (http, Express, Connect) and Fetch API runtimes (Deno, Bun, Cloudflare Workers).
 * Nothing here is part of the browser bundle.
 *
 * @module pkce-spa/server
 * @packageDocumentation
 */

export { createTokenVerifier } from './create-token-verifier.js';
export type { TokenVerifier } from './token-verifier.js';
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
} from './options.js';
export type {
  DpopCallInput,
  FetchRequestLike,
  NextFunctionLike,
  NodeRequestLike,
  NodeResponseLike,
  TokenMiddleware,
  VerifyCallOptions,
  VerifyRequestResult,
} from './adapters.js';
export { memoryReplayCache, redisReplayCache } from './replay-cache.js';
export type { DpopReplayCache, MemoryReplayCacheOptions, RedisCommand, RedisReplayCacheOptions } from './replay-cache.js';
export { rotatingDpopNonces } from './dpop-nonces.js';
export type { DpopNonceSource, RotatingDpopNoncesOptions } from './dpop-nonces.js';
export type { AuthScheme } from './authorization-header.js';
export { isPkceError, TokenVerificationError } from './errors.js';
export type { ServerErrorCode, TokenVerificationErrorCode, TokenVerificationErrorOptions } from './errors.js';
export { ConfigError, NetworkError, PkceError, ValidationError } from '../shared/errors.js';
export type { PkceErrorCode, PkceErrorOptions } from '../shared/errors.js';
export type { JWTPayload } from 'jose';
