import { OAuthError, ValidationError } from './errors.js';

/**
 * An authorization code that passed {@link parseCallback}. Only such an object is accepted
 * by `exchangeCode`, so the state and issuer checks cannot be skipped by accident.
 */
export interface AuthorizationCode {
  /** The authorization code itself: single-use, never to be logged or kept. */
  readonly code: string;
}

const checked = new WeakSet<AuthorizationCode>();

/** @internal */
export const isCheckedCode = (value: AuthorizationCode): boolean => checked.has(value);

/**
 * True when the URL is an authorization response: `code` and `state`, or `error` and `state`.
 * Any other URL (a normal page load) is not a callback and must not be treated as one.
 */
export function isCallbackUrl(url: string | URL): boolean {
  const query = new URL(url).searchParams;
  return query.has('state') && (query.has('code') || query.has('error'));
}

/** What the callback is checked against: the values of the request it answers. */
export interface ExpectedCallback {
  /** The `state` sent with the request this callback answers. */
  state: string;
  /** The issuer the request went to; a present `iss` must equal it exactly. */
  issuer: string;
  /** The server promised `iss` in every response (RFC 9207 §3), so its absence is an attack sign. */
  issRequired?: boolean;
}

/**
 * Checks an authorization response and returns its code.
 *
 * Order matters: `state` first (RFC 9700 §2.1), then `iss` (RFC 9207 §2.4, checked on error
 * responses too, since a mix-up attacker can forge those), then an OAuth `error`.
 *
 * @throws {@link ValidationError} `invalid_state` for a missing or different `state`,
 *   `invalid_issuer` for a wrong or missing `iss`, `invalid_response` without `code`;
 *   {@link OAuthError} for an `error` response (`access_denied`, `login_required`, …).
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2.4
 * @example
 * ```ts
 * const code = parseCallback(location.href, { state: tx.state, issuer: metadata.issuer })
 * ```
 */
export function parseCallback(url: string | URL, expected: ExpectedCallback): AuthorizationCode {
  const query = new URL(url).searchParams;
  for (const name of new Set(query.keys())) {
    // RFC 6749 §3.1: a parameter sent twice is an error; reading only the first would let an
    // attacker append a second `iss` or `state` that some other reader would see.
    if (query.getAll(name).length > 1) throw new ValidationError('invalid_response', `The callback repeats "${name}"`);
  }
  const param = (name: string): string | undefined => query.get(name) ?? undefined;
  if (param('state') !== expected.state) {
    throw new ValidationError('invalid_state', 'The callback "state" does not match the login in progress');
  }
  const iss = param('iss');
  if (iss === undefined ? expected.issRequired : iss !== expected.issuer) {
    throw new ValidationError(
      'invalid_issuer',
      iss === undefined
        ? 'The callback has no "iss" although the server sends it in every response (RFC 9207)'
        : `The callback "iss" ${JSON.stringify(iss)} is not the issuer the request went to`,
    );
  }
  const error = param('error');
  if (error !== undefined) {
    throw new OAuthError({ error, errorDescription: param('error_description'), errorUri: param('error_uri') });
  }
  const code = param('code');
  if (!code) throw new ValidationError('invalid_response', 'The callback has no "code"');
  const result = { code };
  checked.add(result);
  return result;
}

/** Callback parameters removed from the address bar: codes are single-use (RFC 9700 §4.3). */
export const callbackParams = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'session_state'];
