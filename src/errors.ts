/**
 * Every error pkce-spa throws is a {@link PkceError} with a stable `code`, so callers can
 * `switch (err.code)` and TypeScript narrows the class. Messages never contain a token,
 * an authorization code or a code verifier.
 *
 * @packageDocumentation
 */

/**
 * The stable codes of {@link PkceError}, grouped by the class that carries them. `pkce-spa/server`
 * adds its own codes (`TokenVerificationErrorCode`) through the `Code` parameter of {@link PkceError};
 * they are not part of this union.
 */
export type PkceErrorCode =
  // ConfigError: bad options, caught at createPkceClient / createTokenVerifier.
  | 'invalid_config'
  // OAuthError: the authorization server answered with an OAuth `error`.
  | 'oauth_error'
  // ValidationError: something the server sent (or the URL holds) broke a spec rule.
  | 'invalid_state'
  | 'invalid_issuer'
  | 'invalid_response'
  | 'invalid_id_token'
  | 'invalid_userinfo'
  // NetworkError: the request did not get an answer.
  | 'network_error'
  | 'timeout'
  // LoginRequiredError: there is no usable session; call login().
  | 'login_required'
  // PopupError: loginWithPopup() could not complete.
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
    // Only the fields that are set become properties, so errors compare and print cleanly.
    for (const [name, value] of Object.entries({ ...options, code })) {
      if (value !== undefined && name !== 'cause') (this as Record<string, unknown>)[name] = value;
    }
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

/** Invalid options; the message names the field. */
export class ConfigError extends PkceError {
  declare readonly code: 'invalid_config';
  constructor(message: string) {
    super('invalid_config', message);
    this.name = 'ConfigError';
  }
}

/**
 * The authorization server answered with an OAuth error: on the redirect
 * (`access_denied`, `login_required`, …, RFC 6749 §4.1.2.1) or from the token endpoint
 * (`invalid_grant`, …, RFC 6749 §5.2). `error` always holds the wire value.
 */
export class OAuthError extends PkceError {
  declare readonly code: 'oauth_error';
  declare readonly error: string;
  /** HTTP status of the response, when the error came from an endpoint. */
  declare readonly status?: number;
  constructor(options: PkceErrorOptions & { error: string; status?: number }) {
    super('oauth_error', options.error + (options.errorDescription ? `: ${options.errorDescription}` : ''), options);
    this.name = 'OAuthError';
  }
}

/** What the server or the callback URL sent broke a rule of the specs; nothing was stored. */
export class ValidationError extends PkceError {
  declare readonly code: 'invalid_state' | 'invalid_issuer' | 'invalid_response' | 'invalid_id_token' | 'invalid_userinfo';
  constructor(code: ValidationError['code'], message: string, cause?: unknown) {
    super(code, message, { cause });
    this.name = 'ValidationError';
  }
}

/** The request failed before an answer came back, or took longer than the timeout. */
export class NetworkError extends PkceError {
  declare readonly code: 'network_error' | 'timeout';
  constructor(code: NetworkError['code'], message: string, cause?: unknown) {
    super(code, message, { cause });
    this.name = 'NetworkError';
  }
}

/** There is no usable session (never signed in, signed out, or the refresh token was refused). */
export class LoginRequiredError extends PkceError {
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
): value is PkceError & { code: C } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true &&
    (code === undefined || (value as PkceError).code === code)
  );
}
