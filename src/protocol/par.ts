import { ValidationError } from '../shared/errors.js';
import { readJson, refusal, sendWithProof, type HttpOptions } from './http.js';

/** What {@link pushAuthorizationRequest} needs. */
export interface PushedAuthorizationRequest extends HttpOptions {
  /** The metadata's `pushed_authorization_request_endpoint`. */
  endpoint: string;
  /** The authorization request as `buildAuthorizationUrl` made it: its parameters are what is pushed. */
  authorizationUrl: URL;
  /**
   * The metadata's `authorization_endpoint` as published: a query it has of its own (a B2C policy,
   * say) stays on the URL the browser goes to. Default: `authorizationUrl` without its query.
   */
  authorizationEndpoint?: string;
}

/** What the server answered a pushed authorization request (RFC 9126 §2.2), and where the browser goes. */
export interface PushedAuthorization {
  /** The authorization endpoint's URL with `client_id` and `request_uri`: where the browser goes. */
  url: URL;
  /** The server's reference to the pushed request: single-use, and valid for `expires_in`. */
  request_uri: string;
  /**
   * How long `request_uri` stays valid, in seconds from the answer (a duration, not a time).
   * `undefined` when the answer has none a client can use (RFC 9126 requires it; a server that
   * leaves it out gives no lifetime to rely on).
   */
  expires_in?: number;
}

/**
 * Pushes an authorization request (RFC 9126 §2): its parameters go to the server in a POST (with a
 * DPoP proof when `dpop` is set, RFC 9449 §10.1), and the URL the browser then goes to carries only
 * `client_id` and the `request_uri` the server answered (§4), so they cannot be read or changed on
 * the way.
 *
 * @returns the authorization endpoint's URL with `client_id` and `request_uri`, and how long the
 *   `request_uri` lives (`expires_in`, seconds), for a request pushed ahead of the user's click.
 * @throws {@link OAuthError} when the server refuses the request (with its `status`);
 *   {@link ValidationError} `invalid_response` for an answer without a usable `request_uri`;
 *   {@link NetworkError}.
 * @see https://www.rfc-editor.org/rfc/rfc9126#section-2.1
 */
export async function pushAuthorizationRequest(request: PushedAuthorizationRequest): Promise<PushedAuthorization> {
  const endpointQuery = new URL(request.authorizationEndpoint ?? request.authorizationUrl.origin + request.authorizationUrl.pathname).searchParams;
  // What the endpoint's own URL carries is not the request's to push.
  const params = new URLSearchParams([...request.authorizationUrl.searchParams].filter(([name, value]) => endpointQuery.get(name) !== value));
  const response = await sendWithProof(
    request.endpoint,
    { method: 'POST', body: new URLSearchParams(params), headers: { accept: 'application/json' } },
    request,
  );
  if (!response.ok) return refusal(response, 'The pushed authorization request endpoint');
  const body = await readJson(response, 'The pushed authorization request endpoint');
  const requestUri = body.request_uri;
  if (typeof requestUri !== 'string' || !requestUri) {
    throw new ValidationError('invalid_response', 'The pushed authorization response has no "request_uri"');
  }
  const url = new URL(request.authorizationEndpoint ?? request.authorizationUrl.origin + request.authorizationUrl.pathname);
  url.searchParams.set('client_id', params.get('client_id') ?? '');
  url.searchParams.set('request_uri', requestUri);
  // A lifetime sent as a string of digits is read as one, as the token endpoint's expires_in is.
  const expiresIn = typeof body.expires_in === 'string' && /^\d{1,10}$/.test(body.expires_in) ? Number(body.expires_in) : body.expires_in;
  return { url, request_uri: requestUri, expires_in: typeof expiresIn === 'number' && expiresIn > 0 && Number.isFinite(expiresIn) ? expiresIn : undefined };
}
