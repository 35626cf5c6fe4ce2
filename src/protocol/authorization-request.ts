import { ConfigError } from '../shared/errors.js';

/** The parameters of one authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1). */
export interface AuthorizationRequest {
  /** The public client's id. */
  clientId: string;
  /** Exactly as registered; sent again with the code. */
  redirectUri: string;
  /** Space-separated scopes, e.g. `openid profile offline_access`. */
  scope: string;
  /** One-time, unguessable value bound to this browser (RFC 9700 §2.1); see `randomToken()`. */
  state: string;
  /** The S256 challenge of this request's verifier; see `computeCodeChallenge()`. */
  codeChallenge: string;
  /** One-time value the ID token must echo (OIDC Core §3.1.2.1); omit without `openid`. */
  nonce?: string;
  /** RFC 8707 resource indicators: the APIs the access token is for. */
  resource?: string | string[];
  /** Further parameters (`prompt`, `login_hint`, `max_age`, `audience`, …). */
  params?: Record<string, string>;
}

/**
 * Parameters the SDK sets itself. Overriding them through `params` would break PKCE, the
 * state check or the code-only response type, so it is refused.
 */
export const reservedParams = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'resource',
  'response_mode',
  // JAR (RFC 9101): a request object would carry its own state, redirect URI and challenge.
  'request',
  'request_uri',
];

/**
 * @throws {@link ConfigError} when `params` sets a parameter the SDK owns, or a `max_age` that is not
 * a whole number of seconds (OIDC Core §3.1.2.1), which the ID token's `auth_time` is checked against.
 */
export function checkExtraParams(params: Record<string, string> | undefined, field: string): void {
  for (const name of Object.keys(params ?? {})) {
    if (reservedParams.includes(name)) {
      throw new ConfigError(`"${field}" must not set "${name}": the SDK sets it`);
    }
  }
  const maxAge = params?.['max_age'];
  if (maxAge !== undefined && !/^\d{1,15}$/.test(String(maxAge))) {
    throw new ConfigError(`"${field}" sets "max_age" to ${JSON.stringify(maxAge)}: give a whole number of seconds, e.g. '300'`);
  }
}

/**
 * Builds the URL that sends the browser to the authorization endpoint: always
 * `response_type=code` with an S256 challenge, never the implicit flow.
 *
 * @throws {@link ConfigError} when `params` tries to set a parameter the SDK owns.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 * @example
 * ```ts
 * const url = buildAuthorizationUrl(metadata.authorization_endpoint, {
 *   clientId: 'spa', redirectUri: 'https://app.example/callback', scope: 'openid',
 *   state: randomToken(), nonce: randomToken(), codeChallenge: await computeCodeChallenge(verifier),
 * })
 * ```
 */
export function buildAuthorizationUrl(authorizationEndpoint: string, request: AuthorizationRequest): URL {
  checkExtraParams(request.params, 'params');
  const url = new URL(authorizationEndpoint);
  const query = url.searchParams;
  query.set('response_type', 'code');
  query.set('client_id', request.clientId);
  query.set('redirect_uri', request.redirectUri);
  query.set('scope', request.scope);
  query.set('state', request.state);
  if (request.nonce) query.set('nonce', request.nonce);
  query.set('code_challenge', request.codeChallenge);
  query.set('code_challenge_method', 'S256');
  for (const resource of [request.resource ?? []].flat()) query.append('resource', resource);
  for (const [name, value] of Object.entries(request.params ?? {})) query.set(name, value);
  return url;
}
