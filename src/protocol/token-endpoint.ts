import { isCheckedCode, type AuthorizationCode } from './callback.js';
import { ConfigError, OAuthError, ValidationError } from '../shared/errors.js';
import { readJson, refusal, sendWithProof, type HttpOptions } from './http.js';

/** A successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3), wire names kept. */
export interface TokenResponse {
  /** The access token for the API. */
  access_token: string;
  /** `Bearer`, in any letter case. */
  token_type: string;
  /** Seconds; absent when the server did not say. */
  expires_in?: number;
  /** Present when refresh is allowed; may rotate on every refresh. */
  refresh_token?: string;
  /** The ID token, when `openid` was asked for; validate it before use. */
  id_token?: string;
  /** The granted scopes, when they differ from those asked for. */
  scope?: string;
  /** Any other parameter the server sends. */
  [parameter: string]: unknown;
}

const optionalStrings = ['refresh_token', 'id_token', 'scope'] as const;

/**
 * Turns a token endpoint `Response` into a checked {@link TokenResponse}.
 *
 * @param expectedTokenType - `Bearer` (default), or `DPoP` when the request carried a DPoP proof:
 *   a Bearer answer to it is refused, never used as if it were bound (RFC 9449 §5).
 * @throws {@link OAuthError} `oauth_error` for an OAuth error body (RFC 6749 §5.2), with its `error` and `status`;
 *   {@link ValidationError} `invalid_response` for a non-JSON or non-2xx answer, a missing
 *   `access_token`, another `token_type` than expected (compared case-insensitively), or an
 *   `expires_in` that is neither a non-negative number nor a string of digits (read as a number).
 */
export async function processTokenResponse(response: Response, expectedTokenType: 'Bearer' | 'DPoP' = 'Bearer'): Promise<TokenResponse> {
  if (!response.ok) return refusal(response, 'The token endpoint');
  const body = await readJson(response, 'The token endpoint');
  const invalid = (what: string) => new ValidationError('invalid_response', `Token response: ${what}`);
  if (typeof body.access_token !== 'string' || !body.access_token) throw invalid('"access_token" is missing');
  if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== expectedTokenType.toLowerCase()) {
    throw invalid(`"token_type" is not ${expectedTokenType}`);
  }
  // Azure AD B2C and Azure AD v1 send "3599": digits only are read as the number they spell.
  const expiresIn = typeof body.expires_in === 'string' && /^\d{1,10}$/.test(body.expires_in) ? Number(body.expires_in) : body.expires_in;
  if (expiresIn !== undefined && !(typeof expiresIn === 'number' && expiresIn >= 0 && Number.isFinite(expiresIn))) {
    throw invalid('"expires_in" is not a number of seconds');
  }
  body.expires_in = expiresIn;
  for (const name of optionalStrings) {
    if (body[name] !== undefined && typeof body[name] !== 'string') throw invalid(`"${name}" is not a string`);
  }
  return body as TokenResponse;
}

/** The token endpoint and client of a token request. */
export interface TokenRequestOptions extends HttpOptions {
  /** The metadata's `token_endpoint`. */
  tokenEndpoint: string;
  /** The public client's id, sent in the body (no client authentication). */
  clientId: string;
  /** RFC 8707 resource indicators, sent again so the token is issued for the API. */
  resource?: string | string[];
}

/**
 * @internal Sends a token request and returns the raw `Response`, for callers that must see a 200
 * even when its body turns out unusable (a rotated refresh token may be in it).
 */
export async function sendTokenRequest(options: TokenRequestOptions, grant: Record<string, string>): Promise<Response> {
  const body = new URLSearchParams({ ...grant, client_id: options.clientId });
  for (const resource of [options.resource ?? []].flat()) body.append('resource', resource);
  // Only CORS-safelisted headers: the request stays "simple", with no preflight round trip (unless
  // a DPoP proof goes along).
  return sendWithProof(options.tokenEndpoint, { method: 'POST', body, headers: { accept: 'application/json' } }, options);
}

/** @internal The grant parameters of a refresh (RFC 6749 §6). */
export function refreshGrant(refreshToken: string, scope?: string): Record<string, string> {
  const grant: Record<string, string> = { grant_type: 'refresh_token', refresh_token: refreshToken };
  if (scope) grant.scope = scope;
  return grant;
}

async function tokenRequest(options: TokenRequestOptions, grant: Record<string, string>): Promise<TokenResponse> {
  return processTokenResponse(await sendTokenRequest(options, grant), options.dpop ? 'DPoP' : 'Bearer');
}

/**
 * Exchanges an authorization code and its PKCE verifier for tokens (RFC 6749 §4.1.3,
 * RFC 7636 §4.5). Accepts only a code returned by {@link parseCallback}.
 *
 * @throws {@link ConfigError} `invalid_config` for a code that did not pass `parseCallback`;
 *   the errors of {@link processTokenResponse}; {@link NetworkError} `network_error` (no answer, or
 *   no CORS for this origin) or `timeout`.
 * @example
 * ```ts
 * const tokens = await exchangeCode({ tokenEndpoint, clientId, redirectUri, code, codeVerifier })
 * ```
 */
export async function exchangeCode(
  options: TokenRequestOptions & { code: AuthorizationCode; codeVerifier: string; redirectUri: string },
): Promise<TokenResponse> {
  if (!isCheckedCode(options.code)) {
    throw new ConfigError('"code" must come from parseCallback(), which checks state and iss');
  }
  return tokenRequest(options, {
    grant_type: 'authorization_code',
    code: options.code.code,
    code_verifier: options.codeVerifier,
    redirect_uri: options.redirectUri,
  });
}

/**
 * Uses a refresh token (RFC 6749 §6). The response may carry a new, rotated refresh token,
 * which replaces the old one (RFC 9700 §4.14.2).
 *
 * @throws the errors of {@link processTokenResponse} ({@link OAuthError} with `error: 'invalid_grant'`
 *   when the refresh token was refused); {@link NetworkError} `network_error` or `timeout`.
 */
export function refreshTokens(
  options: TokenRequestOptions & { refreshToken: string; scope?: string },
): Promise<TokenResponse> {
  return tokenRequest(options, refreshGrant(options.refreshToken, options.scope));
}

/**
 * Revokes a token at the revocation endpoint (RFC 7009 §2.1).
 *
 * @throws {@link OAuthError} `oauth_error` or {@link ValidationError} `invalid_response` when the
 *   server refuses; {@link NetworkError} `network_error` or `timeout` (also when the answer lacks
 *   CORS headers, so the browser hides it).
 */
export async function revokeToken(
  options: HttpOptions & {
    revocationEndpoint: string;
    clientId: string;
    token: string;
    tokenTypeHint?: 'refresh_token' | 'access_token';
  },
): Promise<void> {
  const body = new URLSearchParams({ token: options.token, client_id: options.clientId });
  if (options.tokenTypeHint) body.set('token_type_hint', options.tokenTypeHint);
  const response = await sendWithProof(options.revocationEndpoint, { method: 'POST', body }, options);
  if (!response.ok) await processTokenResponse(response);
}
