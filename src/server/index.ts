/**
 * `pkce-spa/server`: verify the access tokens a pkce-spa app sends, in the API it calls.
 * Node (http, Express, Connect) and Fetch API runtimes (Deno, Bun, Cloudflare Workers).
 * Nothing here is part of the browser bundle.
 *
 * @packageDocumentation
 */

export { createTokenVerifier } from './create-token-verifier.js';
export type { TokenVerifier } from './create-token-verifier.js';
export type {
  AsymmetricAlgorithm,
  FetchLike,
  JwksTokenVerifierOptions,
  SecretTokenVerifierOptions,
  SymmetricAlgorithm,
  TokenVerifierBaseOptions,
  TokenVerifierOptions,
} from './options.js';
export type {
  FetchRequestLike,
  NextFunctionLike,
  NodeRequestLike,
  NodeResponseLike,
  TokenMiddleware,
  VerifyCallOptions,
  VerifyRequestResult,
} from './adapters.js';
export { TokenVerificationError } from './errors.js';
export type { TokenVerificationErrorCode, TokenVerificationErrorOptions } from './errors.js';
export { ConfigError, NetworkError, PkceError, ValidationError, isPkceError } from '../errors.js';
export type { PkceErrorCode, PkceErrorOptions } from '../errors.js';
export type { JWTPayload } from 'jose';
