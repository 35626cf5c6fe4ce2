import type { JWTPayload } from 'jose';
import type {
  FetchRequestLike,
  NodeRequestLike,
  NodeResponseLike,
  TokenMiddleware,
  VerifyCallOptions,
  VerifyRequestResult,
} from '../http/types.js';

/**
 * Checks JWT access tokens for one API. Every method may be destructured (`const { verify } = …`).
 *
 * Every method rejects with the same server-side errors, which are not the token's fault (answer
 * 5xx): `NetworkError` (`network_error`, `timeout`) when the discovery document or JWKS could not be
 * fetched; `ValidationError` `invalid_issuer` when discovery names another issuer; `ValidationError`
 * `invalid_response` when the discovery document or JWKS is unusable, or the authorization server's
 * key for the token cannot be used (too short, `x5c` only, wrong members for its type); and what a
 * DPoP replay cache or nonce source throws.
 */
export interface TokenVerifier {
  /**
   * Verifies an access token (or a whole `Authorization: Bearer …` / `DPoP …` header value) and
   * returns its claims: signature with the authorization server's keys or the shared secret, then
   * `iss`, `aud` (or `client_id`), `exp`, `nbf`, `iat` (not in the future), the profile's `typ` and
   * `sub`, the binding (`cnf`: DPoP's `jkt` alone, never another method), and the required scopes.
   *
   * @param tokenOrAuthorizationHeader - the JWT, `Bearer <JWT>`, `DPoP <JWT>`, or `undefined`/`null`
   *   when the request had no `Authorization` header.
   * @param options - scope values this call needs on top of the verifier's `requiredScopes`, and,
   *   for a DPoP-bound token, the request's `dpop` proof, method and URL.
   * @returns the token's claims.
   * @throws {@link TokenVerificationError} `missing_token` (401), `invalid_request` (400),
   *   `invalid_token` (401), `insufficient_scope` (403), `invalid_dpop_proof` (401) or
   *   `use_dpop_nonce` (401), with a ready `wwwAuthenticate` value.
   * @throws NetworkError / ValidationError when the keys cannot be fetched or used (see above).
   * @throws ConfigError when `options.requiredScopes` is not a list of scope tokens.
   *
   * @example
   * ```ts
   * const claims = await verifier.verify(request.headers.get('authorization'))
   * console.log(claims.sub)
   * ```
   * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
   * @see https://www.rfc-editor.org/rfc/rfc8725#section-3.1
   * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
   */
  verify(tokenOrAuthorizationHeader: string | null | undefined, options?: VerifyCallOptions): Promise<JWTPayload>;

  /**
   * Node `http` (and Express/Connect) adapter: verifies the request's `Authorization` header (and
   * `DPoP` proof) and returns the claims; on a token problem it answers the request itself (status
   * 400/401/403, `WWW-Authenticate`, `DPoP-Nonce` when asked for, `Cache-Control: no-store`, a JSON
   * body `{ error, error_description }`) and returns `undefined`. Two `Authorization` headers are a
   * 400 `invalid_request` (read from `rawHeaders`: Node's `headers` keeps only the first).
   *
   * With DPoP on, the proof's `htu` is checked against `dpop.publicUrl` + the request path, never
   * against the `Host` header, which the client chooses.
   *
   * @param req - the incoming request (`headers`, `rawHeaders`, and for DPoP `method` and
   *   `originalUrl`/`url`).
   * @param res - the response (`statusCode`, `setHeader`, `end`).
   * @param options - scope values this call needs.
   * @throws NetworkError / ValidationError when the keys cannot be fetched or used; nothing is written then.
   * @throws ConfigError (`invalid_config`) on every call when DPoP is on without `dpop.publicUrl`;
   *   nothing is written then.
   *
   * @example
   * ```ts
   * http.createServer(async (req, res) => {
   *   const claims = await verifier.authenticate(req, res)
   *   if (!claims) return // 400/401/403 already sent
   *   res.end(`hello ${claims.sub}`)
   * })
   * ```
   * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
   */
  authenticate(req: NodeRequestLike, res: NodeResponseLike, options?: VerifyCallOptions): Promise<JWTPayload | undefined>;

  /**
   * Connect/Express middleware: sets `req.auth` to the claims and calls `next()`, or answers
   * 400/401/403 as {@link TokenVerifier.authenticate} does. Server-side failures go to `next(error)`.
   *
   * @param options - scope values the routes behind this middleware need.
   * @throws ConfigError at once when `options.requiredScopes` is not a list of scope tokens, or when
   *   DPoP is on without `dpop.publicUrl`.
   *
   * @example
   * ```ts
   * app.get('/orders', verifier.middleware({ requiredScopes: ['orders:read'] }), (req, res) => {
   *   res.json(listOrders(req.auth.sub))
   * })
   * ```
   * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
   */
  middleware(options?: VerifyCallOptions): TokenMiddleware;

  /**
   * Fetch API adapter (Deno, Bun, Cloudflare Workers, Node's `Request`): resolves to `{ claims }`, or
   * to `{ response }`, a ready 400/401/403 `Response` with the `WWW-Authenticate` header.
   *
   * With DPoP on, the proof's `htu` is checked against `request.url`, or against `dpop.publicUrl` +
   * its path when set. Set it where `request.url` is built from the `Host` header (Deno, Bun, Node
   * servers of Fetch frameworks); on Cloudflare Workers it is the URL the route matched.
   *
   * @param request - a `Request` (`headers`, and for DPoP `method` and `url`).
   * @param options - scope values this call needs.
   * @throws NetworkError / ValidationError when the keys cannot be fetched or used.
   *
   * @example
   * ```ts
   * export default {
   *   async fetch(request: Request) {
   *     const { claims, response } = await verifier.verifyRequest(request)
   *     if (response) return response
   *     return Response.json({ hello: claims.sub })
   *   },
   * }
   * ```
   * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
   */
  verifyRequest(request: FetchRequestLike, options?: VerifyCallOptions): Promise<VerifyRequestResult>;
}
