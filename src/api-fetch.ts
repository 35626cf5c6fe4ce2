import type { FetchLike } from './http.js';

/** @internal What the fetch wrapper needs from the client. */
export interface TokenSource {
  /** A usable access token, refreshed first when it is (nearly) expired. */
  getAccessToken(): Promise<string>;
  /** A new access token after the server refused `stale`; shared by concurrent callers. */
  renew(stale: string): Promise<string>;
  /** Whether a refusal is worth a refresh (there is a refresh token). */
  canRenew(): boolean;
}

/**
 * A `fetch` that sends `Authorization: Bearer <token>` to the allowed origins only, and on a
 * 401 `invalid_token` refreshes once and retries once (RFC 6750 §3.1). The token never goes
 * in a URL; other origins get the request untouched, without the token.
 */
export function createAuthorizedFetch(
  tokens: TokenSource,
  isAllowed: (url: string) => boolean,
  fetchImpl: () => FetchLike,
): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    // A Request is kept unsent and cloned per attempt, so the body can be sent twice.
    const request = new Request(input, init);
    if (!isAllowed(request.url)) return fetchImpl()(request);
    const attempt = (token: string) => {
      const copy = request.clone();
      copy.headers.set('authorization', `Bearer ${token}`);
      return fetchImpl()(copy);
    };
    const token = await tokens.getAccessToken();
    const response = await attempt(token);
    const refused =
      response.status === 401 && /error="?invalid_token/.test(response.headers.get('www-authenticate') ?? '');
    return refused && tokens.canRenew() ? attempt(await tokens.renew(token)) : response;
  };
}
