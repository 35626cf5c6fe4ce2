import { jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { isPkceError } from '../errors.js';
import {
  createAdapters,
  type FetchRequestLike,
  type NodeRequestLike,
  type NodeResponseLike,
  type TokenMiddleware,
  type VerifyCallOptions,
  type VerifyRequestResult,
} from './adapters.js';
import { parseAuthorization } from './bearer.js';
import { describeJoseError } from './describe-jose-error.js';
import { TokenVerificationError } from './errors.js';
import { resolveOptions, resolveScopes, type TokenVerifierOptions } from './options.js';
import { createRemoteKeys } from './remote-keys.js';

/**
 * Checks JWT access tokens for one API. Every method may be destructured (`const { verify } = …`).
 */
export interface TokenVerifier {
  /**
   * Verifies an access token (or a whole `Authorization: Bearer …` header value) and returns its
   * claims: signature with the authorization server's keys or the shared secret, then `iss`, `aud`,
   * `exp`, `nbf`, the RFC 9068 `typ` when asked, and the required scopes.
   *
   * @param tokenOrAuthorizationHeader - the JWT, `Bearer <JWT>`, or `undefined`/`null` when the
   *   request had no `Authorization` header.
   * @param options - scope values this call needs on top of the verifier's `requiredScopes`.
   * @returns the token's claims.
   * @throws {@link TokenVerificationError} `missing_token` (401), `invalid_request` (400),
   *   `invalid_token` (401) or `insufficient_scope` (403), with a ready `wwwAuthenticate` value.
   * @throws NetworkError / ValidationError when the keys cannot be fetched (the authorization
   *   server is down, or its discovery document names another issuer): a server problem, not the
   *   token's; answer 5xx.
   * @throws ConfigError when `options.requiredScopes` is not a list of scope tokens.
   *
   * @example
   * ```ts
   * const claims = await verifier.verify(request.headers.get('authorization'))
   * console.log(claims.sub)
   * ```
   * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
   * @see https://www.rfc-editor.org/rfc/rfc8725#section-3.1
   */
  verify(tokenOrAuthorizationHeader: string | null | undefined, options?: VerifyCallOptions): Promise<JWTPayload>;

  /**
   * Node `http` (and Express/Connect) adapter: verifies the request's `Authorization` header and
   * returns the claims; on a token problem it answers the request itself (status 400/401/403,
   * `WWW-Authenticate`, `Cache-Control: no-store`, a JSON body `{ error, error_description }`) and
   * returns `undefined`.
   *
   * @param req - the incoming request (only `headers` is read).
   * @param res - the response (`statusCode`, `setHeader`, `end`).
   * @param options - scope values this call needs.
   * @throws NetworkError / ValidationError when the keys cannot be fetched; nothing is written then.
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
   * 400/401/403 as {@link TokenVerifier.authenticate} does. Key-fetch failures go to `next(error)`.
   *
   * @param options - scope values the routes behind this middleware need.
   * @throws ConfigError at once when `options.requiredScopes` is not a list of scope tokens.
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
   * @param request - a `Request` (only `headers.get('authorization')` is read).
   * @param options - scope values this call needs.
   * @throws NetworkError / ValidationError when the keys cannot be fetched.
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

/**
 * Creates a verifier of JWT access tokens for a resource server (an API), following RFC 6750 for
 * the Bearer scheme, RFC 8725 for JWT handling and, on request, RFC 9068 for the token profile.
 *
 * Keys: by default the authorization server's public keys, from `jwksUri` or the issuer's OpenID
 * discovery document, fetched on first use, cached, and fetched again at most once per
 * `cooldownDuration` when a token names an unknown `kid` (key rotation). With `secret`, HMAC
 * (HS256/384/512) instead. The two modes never share algorithms: a JWKS verifier refuses HS*
 * tokens, a secret verifier refuses asymmetric ones, and `alg: none` is always refused.
 *
 * Nothing is fetched until the first token arrives.
 *
 * @param options - see {@link JwksTokenVerifierOptions} and {@link SecretTokenVerifierOptions}.
 * @returns a {@link TokenVerifier}.
 * @throws ConfigError when an option is missing or wrong; the message names the field.
 *
 * @example
 * ```ts
 * import { createTokenVerifier } from 'pkce-spa/server'
 *
 * const verifier = createTokenVerifier({
 *   issuer: 'https://auth.example.com',
 *   audience: 'https://api.example.com',
 *   requiredScopes: ['orders:read'],
 * })
 * const claims = await verifier.verify(req.headers.authorization)
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 * @see https://www.rfc-editor.org/rfc/rfc8725#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const config = resolveOptions(options);
  const key: Uint8Array | JWTVerifyGetKey =
    config.key.kind === 'secret' ? config.key.secret : createRemoteKeys({ issuer: config.issuer, ...config.key });
  const { realm } = config;

  const neededScopes = (call: VerifyCallOptions | undefined): string[] => {
    const extra = call?.requiredScopes === undefined ? [] : resolveScopes('requiredScopes', call.requiredScopes);
    return [...new Set([...config.requiredScopes, ...extra])];
  };

  async function verifyToken(token: string, scopes: string[]): Promise<JWTPayload> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: config.algorithms,
        clockTolerance: config.clockTolerance,
        requiredClaims: ['exp', ...config.requiredClaims],
        ...(config.requireAccessTokenType ? { typ: 'at+jwt' } : {}),
      }));
    } catch (error) {
      // Failures to get the keys are not the token's fault: let them through as they are.
      if (isPkceError(error)) throw error;
      throw new TokenVerificationError('invalid_token', describeJoseError(error), { realm, cause: error });
    }
    const granted = grantedScopes(payload);
    if (!scopes.every((scope) => granted.has(scope))) {
      throw new TokenVerificationError('insufficient_scope', 'The access token does not have the required scope', {
        realm,
        scope: scopes,
      });
    }
    return payload;
  }

  const verifyWith =
    (acceptBareToken: boolean) =>
    async (value: string | readonly string[] | null | undefined, call: VerifyCallOptions | undefined): Promise<JWTPayload> => {
      const scopes = neededScopes(call);
      const parsed = parseAuthorization(value, acceptBareToken);
      if ('problem' in parsed) {
        throw new TokenVerificationError(parsed.problem, parsed.description, {
          realm,
          scope: parsed.problem === 'missing_token' ? scopes : undefined,
        });
      }
      return verifyToken(parsed.token, scopes);
    };

  // verify() also takes a bare token; the adapters read a real header, where a bare value is
  // another scheme (so: no Bearer credentials).
  const verifyTokenOrHeader = verifyWith(true);
  return Object.freeze({
    verify: (token: string | null | undefined, call?: VerifyCallOptions) => verifyTokenOrHeader(token, call),
    ...createAdapters(verifyWith(false), (call) => void neededScopes(call)),
  });
}

/**
 * The scope values a token holds: the space-separated `scope` claim (RFC 9068 §2.2.3), and the
 * `scp` claim some servers send instead (an array, or a space-separated string).
 */
function grantedScopes(payload: JWTPayload): Set<string> {
  const granted = new Set<string>();
  for (const claim of [payload['scope'], payload['scp']]) {
    const values = typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : [];
    for (const value of values) if (typeof value === 'string' && value !== '') granted.add(value);
  }
  return granted;
}
