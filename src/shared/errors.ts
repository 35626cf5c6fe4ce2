/**
 * Every error pkce-spa throws is a {@link PkceError} with a stable `code`, so callers can
 * `switch (err.code)` and TypeScript narrows the class. Messages never contain a token,
 * an authorization code or a code verifier.
 *
 * @packageDocumentation
 */

/**
 * The stable codes of {@link PkceError} in the browser SDK, each carried by one class. Switch on
 * `error.code` (or use {@link isPkceError}) rather than on messages, which may change.
 *
 * | code | class | when |
 * | --- | --- | --- |
 * | `invalid_config` | {@link ConfigError} | Bad options (at `createPkceClient`), or a call that cannot work as made: a cross-origin `returnTo` or `redirectUri`, a reserved parameter, outside a browser. The message names the field. |
 * | `oauth_error` | {@link OAuthError} | The authorization server answered with an OAuth `error` (RFC 6749 §4.1.2.1 on the redirect, §5.2 from an endpoint), in `error`. |
 * | `invalid_state` | {@link ValidationError} | A callback without `state`, or with one no pending login of this browser made (unknown, used, expired). No token request was made. |
 * | `invalid_issuer` | {@link ValidationError} | The metadata is for another issuer (the message names the `issuer` to set; OIDC Discovery §4.3), or the callback's `iss` is wrong or missing (RFC 9207 §2.4). |
 * | `invalid_response` | {@link ValidationError} | A malformed answer: not JSON, no `access_token`, another `token_type`, a bad `expires_in`, an `http:` endpoint off loopback. |
 * | `invalid_id_token` | {@link ValidationError} | The ID token failed a check of OIDC Core §3.1.3.7 (signature, `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`, `auth_time`), or a refreshed one changed `iss`, `sub`, `aud`, `azp` or `auth_time` (§12.2). |
 * | `invalid_userinfo` | {@link ValidationError} | UserInfo answered about another user (OIDC Core §5.3.2). |
 * | `network_error` | {@link NetworkError} | A request got no answer: offline, DNS, or a CORS refusal, which browsers report the same way. |
 * | `timeout` | {@link NetworkError} | No answer within the `timeout` option (milliseconds). |
 * | `login_required` | {@link LoginRequiredError} | No usable session (never signed in, the refresh token refused), or a `prompt=none` request that needs the user: call `login()`. |
 * | `popup_blocked` | {@link PopupError} | The browser blocked the sign-in popup: call `loginWithPopup()` from a click. |
 * | `popup_closed` | {@link PopupError} | The user closed the sign-in popup. |
 * | `popup_timeout` | {@link PopupError} | The popup gave no answer within its `timeout` (milliseconds). |
 *
 * `pkce-spa/server` adds its own codes (`TokenVerificationErrorCode`) through the `Code` parameter of
 * {@link PkceError}; they are not part of this union.
 */
export type PkceErrorCode =
  | 'invalid_config'
  | 'oauth_error'
  | 'invalid_state'
  | 'invalid_issuer'
  | 'invalid_response'
  | 'invalid_id_token'
  | 'invalid_userinfo'
  | 'network_error'
  | 'timeout'
  | 'login_required'
  | 'popup_blocked'
  | 'popup_closed'
  | 'popup_timeout';

const brand = Symbol.for('pkce-spa.error');

/**
 * Base class of every pkce-spa error.
 *
 * @typeParam Code - the codes this class may carry; {@link PkceErrorCode} in the browser SDK.
 */
export class PkceError<Code extends string = PkceErrorCode> extends Error {
  /** Stable, machine-readable reason. */
  declare readonly code: Code;
  /** The OAuth `error` value when the authorization server sent one. */
  declare readonly error?: string;
  /** The OAuth `error_description`, when sent. */
  declare readonly errorDescription?: string;
  /** The OAuth `error_uri`, when sent. */
  declare readonly errorUri?: string;
  /**
   * On errors from `handleRedirect()` once the callback matched a login: the same-origin path that
   * login asked to return to, so the app can put the user back where they were.
   */
  declare readonly returnTo?: string;
  /** On the same errors: the `appState` that login was given. */
  declare readonly appState?: unknown;

  constructor(code: Code, message: string, options: PkceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : options);
    this.name = 'PkceError';
    // Only the fields that are set become properties, so errors compare and print cleanly. Each is
    // assigned by name, not copied in a loop over the options: an API refusing a flood of bad tokens
    // builds one of these per request (issue 17 measured the loop at a tenth of a refusal's cost).
    const fields = this as { -readonly [K in keyof PkceErrorOptions | 'code']?: unknown };
    const { error, errorDescription, errorUri, returnTo, appState } = options;
    fields.code = code;
    if (error !== undefined) fields.error = error;
    if (errorDescription !== undefined) fields.errorDescription = errorDescription;
    if (errorUri !== undefined) fields.errorUri = errorUri;
    if (returnTo !== undefined) fields.returnTo = returnTo;
    if (appState !== undefined) fields.appState = appState;
  }
}
// A brand rather than instanceof alone, so the guard works across bundles and iframes.
(PkceError.prototype as unknown as Record<symbol, boolean>)[brand] = true;

/** Optional fields of a {@link PkceError}. */
export interface PkceErrorOptions {
  /** The underlying error. */
  cause?: unknown;
  /** The OAuth `error` code. */
  error?: string;
  /** The OAuth `error_description`. */
  errorDescription?: string;
  /** The OAuth `error_uri`. */
  errorUri?: string;
  /** The `returnTo` of the login a callback answered. */
  returnTo?: string;
  /** The `appState` of the login a callback answered. */
  appState?: unknown;
}

/**
 * Invalid options, caught at `createPkceClient` (or `createTokenVerifier`) with a message naming the
 * field, e.g. `"redirectUri" must be an absolute https: URL (http: only on loopback)`; or a call that
 * cannot work as made: a cross-origin `returnTo`, a `redirectUri` on another origin than the page, a
 * parameter the SDK sets itself, a browser-only call made outside a browser.
 */
export class ConfigError extends PkceError {
  /** Always `invalid_config`. */
  declare readonly code: 'invalid_config';
  /** @param options - `cause`: what the browser threw, when a call cannot work here (storage refused). */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('invalid_config', message, options);
    this.name = 'ConfigError';
  }
}

/**
 * The authorization server answered with an OAuth error: on the redirect
 * (`access_denied`, `login_required`, …, RFC 6749 §4.1.2.1) or from the token endpoint
 * (`invalid_grant`, …, RFC 6749 §5.2). `error` always holds the wire value.
 */
export class OAuthError extends PkceError {
  /** Always `oauth_error`; the server's own code is in `error`. */
  declare readonly code: 'oauth_error';
  /** The OAuth `error` the server sent: `access_denied`, `invalid_grant`, `invalid_scope`, … */
  declare readonly error: string;
  /** HTTP status of the response, when the error came from an endpoint. */
  declare readonly status?: number;
  /**
   * @param detail - What the SDK asked for and what to change, appended to the message (the server's
   *   `error` and `error_description` come first).
   */
  constructor(options: PkceErrorOptions & { error: string; status?: number }, detail?: string) {
    super('oauth_error', options.error + (options.errorDescription ? `: ${options.errorDescription}` : '') + (detail ? ` (${detail})` : ''), options);
    this.name = 'OAuthError';
    if (options.status !== undefined) (this as { status?: number }).status = options.status;
  }
}

/** What the server or the callback URL sent broke a rule of the specs; nothing was stored. */
export class ValidationError extends PkceError {
  /** Which rule: see {@link PkceErrorCode}. */
  declare readonly code: 'invalid_state' | 'invalid_issuer' | 'invalid_response' | 'invalid_id_token' | 'invalid_userinfo';
  constructor(code: ValidationError['code'], message: string, cause?: unknown) {
    super(code, message, { cause });
    this.name = 'ValidationError';
  }
}

/** The request failed before an answer came back, or took longer than the timeout. */
export class NetworkError extends PkceError {
  /** `network_error`: no answer (offline, DNS, CORS); `timeout`: none within the `timeout` option. */
  declare readonly code: 'network_error' | 'timeout';
  constructor(code: NetworkError['code'], message: string, cause?: unknown) {
    super(code, message, { cause });
    this.name = 'NetworkError';
  }
}

/**
 * @internal Loads a part of the SDK that is imported on demand; `load` is the arrow function around
 * the literal dynamic import the app's bundler splits at. A part that cannot be fetched is a failed
 * request: {@link NetworkError} `network_error`, naming `what`. Nothing is kept of a failure, so the
 * next call asks the module loader again.
 */
export function loadPart<T>(load: () => Promise<T>, what: string): Promise<T> {
  return load().catch((cause: unknown) => {
    throw new NetworkError('network_error', `Could not load ${what} (a script of this app)`, cause);
  });
}

/** There is no usable session (never signed in, signed out, or the refresh token was refused). */
export class LoginRequiredError extends PkceError {
  /**
   * Always `login_required`. `error` holds the server's answer when there was one: `invalid_grant`
   * for a refused refresh token, `login_required`, `interaction_required`, `consent_required` or
   * `account_selection_required` for a `prompt=none` request (OIDC Core §3.1.2.6); `no_answer` or
   * `timeout` for a silent sign-in that got no answer (see `restoreSession()`).
   */
  declare readonly code: 'login_required';
  constructor(message: string, options?: PkceErrorOptions) {
    super('login_required', message, options);
    this.name = 'LoginRequiredError';
  }
}

/**
 * `loginWithPopup()` could not complete: the browser blocked the popup (`popup_blocked`: call it
 * from a click), the user closed it (`popup_closed`), or no answer came in time (`popup_timeout`).
 */
export class PopupError extends PkceError {
  /** `popup_blocked`, `popup_closed` or `popup_timeout`, as above. */
  declare readonly code: 'popup_blocked' | 'popup_closed' | 'popup_timeout';
  constructor(code: PopupError['code'], message: string) {
    super(code, message);
    this.name = 'PopupError';
  }
}

/**
 * True when `value` is an error thrown by pkce-spa, optionally with the given `code`.
 *
 * @example
 * ```ts
 * try { await auth.getAccessToken() } catch (e) { if (isPkceError(e, 'login_required')) await auth.login() }
 * ```
 */
export function isPkceError<C extends PkceErrorCode>(
  value: unknown,
  code?: C,
): value is PkceError & {
  /** The code asked for, or any {@link PkceErrorCode} when none was. */
  code: C;
} {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true &&
    (code === undefined || (value as PkceError).code === code)
  );
}
