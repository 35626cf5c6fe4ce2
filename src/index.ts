/**
 * `pkce-spa`: sign users in to a browser single-page app with OAuth 2.0 Authorization Code + PKCE
 * (RFC 7636) and OpenID Connect, keep their tokens in memory, refresh them, and call APIs with them.
 * {@link createPkceClient} is the client most apps need. The protocol steps it wires together are
 * plain functions in `pkce-spa/protocol`. Every error is a {@link PkceError} with a stable `code`.
 *
 * @module pkce-spa
 * @packageDocumentation
 */
// Explicit exports only: nothing here runs at import time, so server-side rendering can import it.
export { createPkceClient } from './client/create-pkce-client.js';
export { relayCallback } from './browser/relay.js';
export { isCallbackUrl } from './protocol/callback.js';
export type {
  LoginOptions,
  LoginWithPopupOptions,
  LogoutOptions,
  RestoreOptions,
  RestoreResult,
  PkceClient,
  RedirectResult,
  UserInfo,
} from './client/types.js';
export type { PkceClientEvents, RevocationFailure, SessionEndReason, SessionSource } from './session/events.js';
export type { ApiOrigin, EndSessionValues, PkceClientOptions } from './client/options.js';
export type { ApiTarget } from './protocol/api-token.js';
export type { ResourceParameter } from './protocol/resource-indicators.js';
export type { IdTokenClaims } from './protocol/id-token/claims.js';
export type { AuthorizationServerMetadata } from './protocol/discovery.js';

export { memoryTokenStore, webStorageTokenStore, indexedDbTokenStore } from './session/token-store.js';
export type { TokenSet, TokenStore } from './session/token-store.js';
export type { ApiToken } from './session/token-set.js';
export type { StorageLike } from './browser/storage.js';
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
