import type { DpopSigner } from '../protocol/http.js';
import type { FetchLike } from '../shared/fetch-like.js';
import { isLoopbackHost } from '../shared/secure-url.js';

/**
 * The development hints load only when a page served from loopback gets a 401: production pages
 * never fetch them.
 */
function hintUnauthorized(response: Response, origin: string, sent: { dpop: boolean; opaque: boolean } | undefined): void {
  if (response.status !== 401 || typeof location === 'undefined' || !isLoopbackHost(location.hostname)) return;
  void import('./dev-hints.js').then((hints) => hints.hintUnauthorized(response, origin, sent)).catch(() => undefined);
}

/**
 * @internal What the fetch wrapper needs from the client. `api` is the named API a request goes to
 * (`undefined`: the sign-in's token).
 */
export interface TokenSource<Api> {
  /** A usable access token, refreshed first when it is (nearly) expired. */
  getAccessToken(api: Api | undefined): Promise<string>;
  /** The access token right now, without refreshing; `undefined` when signed out or none yet. */
  currentToken(api: Api | undefined): string | undefined;
  /** A new access token after the server refused `stale`; shared by concurrent callers. */
  renew(stale: string, api: Api | undefined): Promise<string>;
  /** Whether a refusal is worth a refresh (there is a refresh token). */
  canRenew(): boolean;
  /** The DPoP signer when the session's tokens are DPoP-bound: the scheme is then DPoP, with a proof. */
  signer?(): Promise<DpopSigner | undefined>;
}

const refusesToken = (response: Response) =>
  response.status === 401 && /error="?invalid_token/.test(response.headers.get('www-authenticate') ?? '');

/**
 * Sends `request` with `token`: `Authorization: Bearer`, or with DPoP `Authorization: DPoP` and a
 * fresh proof bound to the token (`ath`), retried once with the API's nonce (RFC 9449 §7, §9).
 */
function authorize(request: Request, token: string, signer: DpopSigner | undefined, fetchImpl: FetchLike): Promise<Response> {
  const send = (proof?: string) => {
    const copy = request.clone();
    copy.headers.set('authorization', `${signer ? 'DPoP' : 'Bearer'} ${token}`);
    if (proof) copy.headers.set('dpop', proof);
    return fetchImpl(copy);
  };
  return signer ? signer.send(request.method, request.url, send, token) : send();
}

/**
 * @internal A `fetch` that sends an access token (Bearer, or DPoP with a proof) to the allowed origins
 * only, each the token `route` picks for it (a named API's never goes to another origin), and on
 * a 401 `invalid_token` (RFC 6750 §3.1) retries once: with the current token when the refused one
 * was replaced meanwhile, else after one refresh. An origin that refuses even a token fresh from
 * such a refresh (a wrong audience, a token type it does not take) is remembered until it accepts
 * one, so an API that never will costs one refresh, not one per call. The token never goes in a
 * URL; other origins get the request untouched, without the token.
 */
export function createAuthorizedFetch<Api>(
  tokens: TokenSource<Api>,
  route: (url: string) => Api | null | undefined,
  fetchImpl: () => FetchLike,
): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  const refusing = new Set<string>();
  return async (input, init) => {
    // A Request is kept unsent and cloned per attempt, so the body can be sent twice.
    const request = new Request(input, init);
    const { origin } = new URL(request.url);
    // `null`: an origin that gets no token at all.
    const api = route(request.url);
    if (api === null) {
      const response = await fetchImpl()(request);
      if (tokens.currentToken(undefined)) hintUnauthorized(response, origin, undefined);
      return response;
    }
    const token = await tokens.getAccessToken(api);
    let dpop = false;
    const attempt = async (value: string) => {
      const signer = await tokens.signer?.();
      dpop = signer !== undefined;
      return authorize(request, value, signer, fetchImpl());
    };
    // What the app can fix about a refusal: not the token, which no hint carries.
    const sent = () => ({ dpop, opaque: token.split('.').length !== 3 });
    const response = await attempt(token);
    if (!refusesToken(response)) {
      refusing.delete(origin);
      hintUnauthorized(response, origin, sent());
      return response;
    }
    const latest = tokens.currentToken(api);
    if (latest && latest !== token) return attempt(latest);
    if (refusing.has(origin) || !tokens.canRenew()) {
      hintUnauthorized(response, origin, sent());
      return response;
    }
    const retry = await attempt(await tokens.renew(token, api));
    if (refusesToken(retry)) {
      refusing.add(origin);
      hintUnauthorized(retry, origin, sent());
    } else refusing.delete(origin);
    return retry;
  };
}
