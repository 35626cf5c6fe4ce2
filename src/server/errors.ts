import { PkceError } from '../errors.js';
import { formatBearerChallenge } from './bearer.js';

/** The codes a {@link TokenVerificationError} carries: the outcomes of RFC 6750 §3.1. */
export type TokenVerificationErrorCode = 'missing_token' | 'invalid_request' | 'invalid_token' | 'insufficient_scope';

const STATUS = {
  missing_token: 401,
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
} as const;

/** What a {@link TokenVerificationError} needs besides its code and description. */
export interface TokenVerificationErrorOptions {
  /** The `realm` attribute of the challenge. */
  realm?: string | undefined;
  /** Scope values the resource needs; sent as the `scope` attribute (the verifier sets it for
   * `missing_token` and `insufficient_scope`). */
  scope?: readonly string[] | undefined;
  /** The underlying error (a jose error for `invalid_token`). */
  cause?: unknown;
}

/**
 * The request did not carry a usable access token. Carries the HTTP `status` to answer with and a
 * ready `WWW-Authenticate` header value, as RFC 6750 §3 describes:
 *
 * | `code`               | `status` | `wwwAuthenticate`                                                        |
 * | -------------------- | -------- | ------------------------------------------------------------------------ |
 * | `missing_token`      | 401      | `Bearer realm="api"` (no `error`, RFC 6750 §3.1)                         |
 * | `invalid_request`    | 400      | `Bearer realm="api", error="invalid_request", error_description="…"`     |
 * | `invalid_token`      | 401      | `Bearer realm="api", error="invalid_token", error_description="…"`       |
 * | `insufficient_scope` | 403      | `Bearer realm="api", error="insufficient_scope", error_description="…", scope="…"` |
 *
 * The message never contains the token. For `invalid_token`, `cause` holds the jose error.
 *
 * @example
 * ```ts
 * try {
 *   claims = await verifier.verify(req.headers.authorization)
 * } catch (e) {
 *   if (!(e instanceof TokenVerificationError)) throw e
 *   res.writeHead(e.status, { 'WWW-Authenticate': e.wwwAuthenticate }).end()
 * }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export class TokenVerificationError extends PkceError {
  declare readonly code: TokenVerificationErrorCode;
  /** HTTP status to answer with: 400, 401 or 403. */
  readonly status: 400 | 401 | 403;
  /** The `WWW-Authenticate` response header value. */
  readonly wwwAuthenticate: string;
  /** The scope values the resource needs, when the challenge names them. */
  readonly scope?: readonly string[];

  /**
   * @param code - the RFC 6750 outcome.
   * @param description - a short, token-free explanation; also the `error_description`.
   * @param options - realm and scope for the challenge, and the `cause`.
   */
  constructor(code: TokenVerificationErrorCode, description: string, options: TokenVerificationErrorOptions = {}) {
    // RFC 6750 §3.1: no error code when the request had no Bearer credentials at all.
    const error = code === 'missing_token' ? undefined : code;
    super(code, description, {
      cause: options.cause,
      error,
      errorDescription: error === undefined ? undefined : description,
    });
    this.name = 'TokenVerificationError';
    this.status = STATUS[code];
    const scope = options.scope !== undefined && options.scope.length > 0 ? options.scope : undefined;
    if (scope !== undefined) this.scope = scope;
    this.wwwAuthenticate = formatBearerChallenge({
      realm: options.realm,
      error,
      errorDescription: this.errorDescription,
      scope: scope?.join(' '),
    });
  }
}
