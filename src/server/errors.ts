import { isPkceError as isBrowserPkceError, PkceError, type PkceErrorCode } from '../shared/errors.js';
import { formatChallenges } from './http/challenges.js';
import type { AuthScheme } from './http/types.js';

/**
 * The codes a {@link TokenVerificationError} carries: the outcomes of RFC 6750 §3.1, and the two
 * DPoP ones of RFC 9449 §7.1 and §9. These are `pkce-spa/server` codes; the browser SDK's
 * `PkceErrorCode` does not include them.
 *
 * | code | status | when |
 * | --- | --- | --- |
 * | `missing_token` | 401 | No credentials in a scheme this API accepts. The challenge has no `error` (RFC 6750 §3.1): what a browser app sees when `auth.fetch` did not send its token (an origin missing from `apiOrigins`). |
 * | `invalid_request` | 400 | A malformed `Authorization` header, or two of them. |
 * | `invalid_token` | 401 | The token failed a check: signature, algorithm, `iss`, `aud`, `exp`, `nbf`, `iat`, the RFC 9068 profile, the binding (`cnf`). |
 * | `insufficient_scope` | 403 | A valid token without a required scope; the challenge names the scopes. |
 * | `invalid_dpop_proof` | 401 | DPoP on, and the proof is missing or fails a check of RFC 9449 §4.3. |
 * | `use_dpop_nonce` | 401 | DPoP server nonces on, and the proof has no current nonce; the `DPoP-Nonce` header has a fresh one (RFC 9449 §9). |
 */
export type TokenVerificationErrorCode =
  | 'missing_token'
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

/**
 * Every code an error thrown by `pkce-spa/server` may carry: the browser's, the token outcomes of
 * {@link TokenVerificationErrorCode}, and `replay_cache_full` ({@link ReplayCacheFullError}).
 */
export type ServerErrorCode = PkceErrorCode | TokenVerificationErrorCode | 'replay_cache_full';

const STATUS = {
  missing_token: 401,
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  invalid_dpop_proof: 401,
  use_dpop_nonce: 401,
} as const;

/** What a {@link TokenVerificationError} needs besides its code and description. */
export interface TokenVerificationErrorOptions {
  /** The `realm` attribute of every challenge. */
  realm?: string | undefined;
  /** Scope values the resource needs; sent as the `scope` attribute (the verifier sets it for
   * `missing_token` and `insufficient_scope`). */
  scope?: readonly string[] | undefined;
  /** The underlying error (a jose error for `invalid_token` and `invalid_dpop_proof`). */
  cause?: unknown;
  /**
   * The schemes the API accepts, one challenge each (RFC 9110 §11.6.1). Default `['Bearer']`.
   * With DPoP on: `['DPoP']`, or `['Bearer', 'DPoP']` when both are accepted (RFC 9449 §7.2).
   */
  schemes?: readonly AuthScheme[] | undefined;
  /** The scheme the request used: its challenge comes first and carries the `error`. Default: the first of `schemes`. */
  errorScheme?: AuthScheme | undefined;
  /** The `algs` attribute of the DPoP challenge: the JWS algorithms accepted for proofs (RFC 9449 §7.1). */
  dpopAlgorithms?: readonly string[] | undefined;
  /** A fresh server nonce for the `DPoP-Nonce` response header (RFC 9449 §9). */
  dpopNonce?: string | undefined;
  /**
   * What the token carried and what to change, appended to the `message` for the API's logs; never
   * in `errorDescription`, the challenge or the answer's body, which the caller sees.
   *
   * A function is called once, when the `message` (or the `stack`, which V8 formats from it) is
   * first read, and may return `undefined` for no hint: the verifier's refusals word their hints so,
   * because most are never logged one by one (a flood of forged tokens), and reading the token
   * again for every one of them made refusing cost more than accepting.
   */
  hint?: string | (() => string | undefined) | undefined;
}

/**
 * The request did not carry a usable access token. Carries the HTTP `status` to answer with and a
 * ready `WWW-Authenticate` header value, as RFC 6750 §3 and RFC 9449 §7.1 describe:
 *
 * | `code`               | `status` | `wwwAuthenticate` (Bearer only)                                          |
 * | -------------------- | -------- | ------------------------------------------------------------------------ |
 * | `missing_token`      | 401      | `Bearer realm="api"` (no `error`, RFC 6750 §3.1)                         |
 * | `invalid_request`    | 400      | `Bearer realm="api", error="invalid_request", error_description="…"`     |
 * | `invalid_token`      | 401      | `Bearer realm="api", error="invalid_token", error_description="…"`       |
 * | `insufficient_scope` | 403      | `Bearer realm="api", error="insufficient_scope", error_description="…", scope="…"` |
 * | `invalid_dpop_proof` | 401      | `DPoP realm="api", error="invalid_dpop_proof", error_description="…", algs="ES256"` |
 * | `use_dpop_nonce`     | 401      | `DPoP error="use_dpop_nonce", error_description="…", algs="ES256"`, and `dpopNonce` for the `DPoP-Nonce` header |
 *
 * With DPoP accepted, the header holds one challenge per accepted scheme; the one of the scheme the
 * request used comes first and carries the error. The message never contains the token or proof.
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
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
export class TokenVerificationError extends PkceError<TokenVerificationErrorCode> {
  /** HTTP status to answer with: 400, 401 or 403. */
  declare readonly status: 400 | 401 | 403;
  /** The `WWW-Authenticate` response header value. */
  declare readonly wwwAuthenticate: string;
  /** The scope values the resource needs, when the challenge names them. */
  declare readonly scope?: readonly string[];
  /** The value for a `DPoP-Nonce` response header (RFC 9449 §9), when the API uses server nonces. */
  declare readonly dpopNonce?: string;

  /** With a `hint` function: the description its message starts with, and the function, until read. */
  #description: string | undefined;
  #hint: (() => string | undefined) | undefined;

  /**
   * @param code - the RFC 6750 / RFC 9449 outcome.
   * @param description - a short, token-free explanation; the `error_description`, and the `message`
   *   followed by `options.hint` when there is one.
   * @param options - realm, scope, schemes and DPoP details for the challenge, and the `cause`.
   */
  constructor(code: TokenVerificationErrorCode, description: string, options: TokenVerificationErrorOptions = {}) {
    // RFC 6750 §3.1: no error code when the request had no credentials at all.
    const error = code === 'missing_token' ? undefined : code;
    const hint = options.hint;
    const later = typeof hint === 'function';
    // Error() makes no `message` of its own when given none: reading it then reaches the getter below.
    const message = later ? (undefined as unknown as string) : hint === undefined ? description : `${description}: ${hint}`;
    super(code, message, { cause: options.cause, error, errorDescription: error === undefined ? undefined : description });
    if (later) {
      this.#description = description;
      this.#hint = hint;
    }
    this.name = 'TokenVerificationError';
    const scope = options.scope !== undefined && options.scope.length > 0 ? options.scope : undefined;
    this.status = STATUS[code];
    this.wwwAuthenticate = formatChallenges({
      schemes: options.schemes ?? ['Bearer'],
      errorScheme: options.errorScheme,
      realm: options.realm,
      error,
      errorDescription: this.errorDescription,
      scope: scope?.join(' '),
      algs: options.dpopAlgorithms?.join(' '),
    });
    // Own properties even when undefined, as they have always been.
    this.scope = scope;
    this.dpopNonce = options.dpopNonce;
  }

  static {
    // The message of an error built with a hint function: written on first read, then an own data
    // property as any error's. On the prototype, so that building the error defines nothing more
    // (an own accessor per error cost more than the hint it put off); not a class accessor, since
    // Error's typings declare `message` a property.
    const own = (target: object, value: string) => {
      Object.defineProperty(target, 'message', { value, writable: true, enumerable: false, configurable: true });
      return value;
    };
    Object.defineProperty(this.prototype, 'message', {
      get(this: object): string {
        let error: object | null = this;
        while (error !== null && !(#hint in error)) error = Object.getPrototypeOf(error) as object | null;
        if (error === null) return '';
        const refusal = error as TokenVerificationError;
        const description = refusal.#description ?? '';
        const text = refusal.#hint?.();
        refusal.#description = refusal.#hint = undefined;
        return own(refusal, text === undefined ? description : `${description}: ${text}`);
      },
      set(this: object, value: string) {
        if (#hint in this) (this as TokenVerificationError).#description = (this as TokenVerificationError).#hint = undefined;
        own(this, value);
      },
      enumerable: false,
      configurable: true,
    });
  }
}

/**
 * The DPoP replay cache of {@link memoryReplayCache} holds `maxEntries` proofs that have not
 * expired, and refuses to take one more: a proof it did not remember could be replayed (RFC 9449
 * §11.1), so the request fails instead (fail closed). Not the token's fault: answer 503, and raise
 * `maxEntries` or use a shared store. The message names the limit and the option.
 */
export class ReplayCacheFullError extends PkceError<'replay_cache_full'> {
  /** Always `replay_cache_full`. */
  declare readonly code: 'replay_cache_full';
  /** The limit that was reached: the cache's `maxEntries`. */
  readonly maxEntries: number;

  /** @param maxEntries - the limit that was reached. */
  constructor(maxEntries: number) {
    super(
      'replay_cache_full',
      `The DPoP replay cache is full: it holds ${maxEntries} unexpired DPoP proofs, the "maxEntries" of memoryReplayCache(); ` +
        'raise "maxEntries", or use a shared store such as redisReplayCache()',
    );
    this.name = 'ReplayCacheFullError';
    this.maxEntries = maxEntries;
  }
}

/**
 * True when `value` is an error thrown by pkce-spa (either half), optionally with the given `code`,
 * server codes included. Works across bundles: it checks a brand, not `instanceof`.
 *
 * @example
 * ```ts
 * if (isPkceError(error, 'network_error')) res.status(503).end()
 * ```
 */
export function isPkceError<C extends ServerErrorCode>(
  value: unknown,
  code?: C,
): value is PkceError<ServerErrorCode> & {
  /** The code asked for, or any {@link ServerErrorCode} when none was. */
  code: C;
} {
  return isBrowserPkceError(value) && (code === undefined || (value as PkceError<string>).code === code);
}
