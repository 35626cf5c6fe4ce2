/**
 * Hints for the developer, on the console. authorized-fetch.ts loads this module only on a 401 to a
 * page served from loopback (a dev server): production pages never fetch or print them. Each is
 * printed once per page, and none carries a token.
 *
 * @internal
 * @packageDocumentation
 */

const said = new Set<string>();

/** Prints `message` once under `key`. */
function devHint(key: string, message: string): void {
  if (said.has(key)) return;
  said.add(key);
  console.warn(`pkce-spa: ${message}`);
}

/**
 * After `auth.fetch` got a 401: says why when the cause is the app's configuration, a request sent
 * without the token (`sent` undefined: its origin is not in `apiOrigins`), a DPoP token sent to an
 * API that takes only Bearer ones, or an opaque token refused by an API that verifies JWTs.
 * @internal
 */
export function hintUnauthorized(response: Response, origin: string, sent: { dpop: boolean; opaque: boolean } | undefined): void {
  if (!sent) {
    devHint(
      `no-token ${origin}`,
      `${origin} answered 401 to a request auth.fetch sent without the access token: only the page's origin and those in "apiOrigins" get it. If it is your API, add '${origin}' to "apiOrigins".`,
    );
    return;
  }
  const challenge = response.headers.get('www-authenticate') ?? '';
  if (sent.opaque && /error="?invalid_token/.test(challenge)) {
    devHint(
      `opaque ${origin}`,
      `${origin} refused the access token, which is opaque (not a JWT): an API that verifies JWTs needs the authorization server to issue one for it. Name the API in the client: "resource" (RFC 8707, e.g. '${origin}'), or the server's own parameter (Auth0 and Hydra: authorizationParams: { audience }).`,
    );
    return;
  }
  if (sent.dpop && !/(^|,)\s*DPoP\b/i.test(challenge)) {
    devHint(
      `dpop ${origin}`,
      `${origin} answered 401 to the DPoP-bound access token, and its challenge offers no DPoP scheme (${JSON.stringify(challenge.slice(0, 80))}): turn DPoP on at the API (with pkce-spa/server, its verifier's dpop: { publicUrl } option), or set dpop: false in the client.`,
    );
  }
}
