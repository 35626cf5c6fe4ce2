import { OAuthError, ValidationError } from '../shared/errors.js';
import { TENANT_PLACEHOLDER, issuerForTenant, tenantOf } from './issuer-template.js';

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

/** The parameters whose presence on the redirect URI makes a URL an authorization response. */
const responseParams = ['code', 'state', 'error', 'iss'];

/**
 * True when the URL is an authorization response. With `redirectUri` (what the client uses): only a
 * URL on that origin and path is one, and there any response parameter (`code`, `state`, `error`,
 * `iss`) makes it one, so a response without `state` is refused visibly instead of ignored (RFC
 * 9700 §4.3, RFC 6749 §4.1.2.1); the app's other pages keep their own `?code=…&state=…`. Without
 * it: a URL with `code` and `state`, or `error` and `state`.
 *
 * @example
 * ```ts
 * if (isCallbackUrl(location.href, 'https://app.example/callback')) await auth.handleRedirect()
 * ```
 */
export function isCallbackUrl(url: string | URL, redirectUri?: string): boolean {
  const target = new URL(url);
  const query = target.searchParams;
  if (redirectUri === undefined) return query.has('state') && (query.has('code') || query.has('error'));
  const registered = new URL(redirectUri);
  if (target.origin !== registered.origin || target.pathname !== registered.pathname) return false;
  return responseParams.some((name) => query.has(name));
}

/** What the callback is checked against: the values of the request it answers. */
export interface ExpectedCallback {
  /** The `state` sent with the request this callback answers. */
  state: string;
  /**
   * The issuer the request went to; a present `iss` must equal it exactly. A multi-tenant template
   * (`https://login.microsoftonline.com/{tenantid}/v2.0`) matches that issuer of one tenant.
   */
  issuer: string;
  /** With a templated `issuer`: the tenants allowed; any when absent. */
  tenants?: readonly string[];
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
  const matches = (value: string) =>
    expected.issuer.includes(TENANT_PLACEHOLDER)
      ? issuerForTenant(expected.issuer, tenantOf(expected.issuer, value), expected.tenants) === value
      : value === expected.issuer;
  if (iss === undefined ? expected.issRequired : !matches(iss)) {
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
