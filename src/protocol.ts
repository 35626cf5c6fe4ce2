/**
 * `pkce-spa/protocol`: the OAuth 2.0 and OpenID Connect steps `createPkceClient` wires together, as
 * plain functions, one spec step each, for apps that build their own lifecycle: PKCE (RFC 7636), the
 * authorization request (RFC 6749 §4.1.1) and its pushed form (RFC 9126), the callback (RFC 9207), the
 * token endpoint (RFC 6749 §4.1.3, §6; RFC 7009), ID token validation (OIDC Core §3.1.3.7), discovery
 * (RFC 8414, OIDC Discovery) and UserInfo (OIDC Core §5.3). Most apps need only `pkce-spa`.
 *
 * @module pkce-spa/protocol
 * @packageDocumentation
 */
export { generateCodeVerifier, computeCodeChallenge } from './protocol/pkce.js';
export { randomToken } from './shared/encoding.js';
export { buildAuthorizationUrl } from './protocol/authorization-request.js';
export type { AuthorizationRequest } from './protocol/authorization-request.js';
export { pushAuthorizationRequest } from './protocol/par.js';
export type { PushedAuthorization, PushedAuthorizationRequest } from './protocol/par.js';
export { parseCallback, isCallbackUrl } from './protocol/callback.js';
export type { AuthorizationCode, ExpectedCallback } from './protocol/callback.js';
export { exchangeCode, refreshTokens, revokeToken, processTokenResponse } from './protocol/token-endpoint.js';
export type { TokenRequestOptions, TokenResponse } from './protocol/token-endpoint.js';
export { validateIdToken } from './protocol/id-token/validate.js';
export { checkRefreshedIdToken } from './protocol/id-token/checks.js';
export type { IdTokenClaims, IdTokenExpectations } from './protocol/id-token/claims.js';
export { discover, validateMetadata } from './protocol/discovery.js';
export type { AuthorizationServerMetadata, MetadataOptions } from './protocol/discovery.js';
export { fetchUserInfo } from './protocol/userinfo.js';
export type { UserInfoRequest } from './protocol/userinfo.js';
export type { DpopSigner, HttpOptions } from './protocol/http.js';
export type { FetchLike } from './shared/fetch-like.js';
export { PkceError, ConfigError, OAuthError, ValidationError, NetworkError, LoginRequiredError, PopupError, isPkceError } from './shared/errors.js';
export type { PkceErrorCode, PkceErrorOptions } from './shared/errors.js';
