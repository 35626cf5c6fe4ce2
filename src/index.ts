/**
 * `pkce-spa`: sign users in to a browser single-page app with OAuth 2.0 Authorization Code + PKCE
 * (RFC 7636) and OpenID Connect, keep their tokens in memory, refresh them, and call APIs with them.
 * {@link createPkceClient} is the client most apps need; the protocol steps it wires together are
 * exported too, as plain functions. Every error is a {@link PkceError} with a stable `code`.
 *
 * @module pkce-spa
 * @packageDocumentation
 */
// Explicit exports only: nothing here runs at import time, so server-side rendering can import it.
export { createPkceClient } from './client.js';
export { relayCallback } from './relay.js';
export type {
  LoginOptions,
  LoginWithPopupOptions,
  LogoutOptions,
  RestoreOptions,
  RestoreResult,
  SessionSource,
  PkceClient,
  PkceClientEvents,
  RedirectResult,
  RevocationFailure,
  SessionEndReason,
  UserInfo,
} from './pkce-client.js';
export type { EndSessionValues, PkceClientOptions } from './config.js';

export { generateCodeVerifier, computeCodeChallenge, randomToken } from './pkce.js';
export { buildAuthorizationUrl } from './authorize.js';
export { pushAuthorizationRequest } from './par.js';
export type { PushedAuthorizationRequest } from './par.js';
export type { AuthorizationRequest } from './authorize.js';
export { parseCallback, isCallbackUrl } from './callback.js';
export type { AuthorizationCode, ExpectedCallback } from './callback.js';
export { exchangeCode, refreshTokens, revokeToken, processTokenResponse } from './token-endpoint.js';
export type { TokenRequestOptions, TokenResponse } from './token-endpoint.js';
export { validateIdToken } from './id-token.js';
export { checkRefreshedIdToken } from './id-token-checks.js';
export type { IdTokenClaims, IdTokenExpectations } from './id-token.js';
export { discover, validateMetadata } from './discovery.js';
export type { MetadataOptions } from './discovery.js';
export { fetchUserInfo } from './userinfo.js';
export type { UserInfoRequest } from './userinfo.js';
export type { AuthorizationServerMetadata } from './discovery.js';
export { memoryTokenStore, webStorageTokenStore, indexedDbTokenStore } from './token-store.js';
export type { TokenSet, TokenStore } from './token-store.js';
export type { StorageLike } from './transaction.js';
export type { DpopSigner, HttpOptions } from './http.js';
export type { FetchLike } from './shared/fetch-like.js';

export {
  PkceError,
  ConfigError,
  OAuthError,
  ValidationError,
  NetworkError,
  LoginRequiredError,
  PopupError,
  isPkceError,
} from './shared/errors.js';
export type { PkceErrorCode, PkceErrorOptions } from './shared/errors.js';
