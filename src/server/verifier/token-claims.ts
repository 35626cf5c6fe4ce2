import type { JWTPayload } from 'jose';

/** The checks of a verified token's claims that jose does not make. @internal */
export interface ClaimRules {
  /** With `clientId`: the accepted `client_id` values, and `aud` must be absent. */
  readonly clientIds: readonly string[] | undefined;
  /** Seconds of clock skew, as for `exp` and `nbf`. */
  readonly clockTolerance: number;
}

/**
 * Why a verified token's claims are refused, or `undefined` when they pass:
 *
 * - `iat` (when present) no later than now + `clockTolerance`. RFC 7519 §4.1.6 makes `iat` the time
 *   the token was issued, and RFC 9068 §2.2 requires it of access tokens: a token cannot have been
 *   issued later than now, so an `iat` ahead by more than the clock skew allowed for `exp` and `nbf`
 *   (RFC 7519 §4.1.4, §4.1.5) is a false claim, made by a wrong clock or by a token minted ahead to
 *   outlive a key rotation. jose checks `iat` only against a `maxTokenAge`, so the check is here.
 * - with `clientId`: no `aud`, and a `client_id` among those accepted.
 *
 * @internal
 */
export function refuseClaims(payload: JWTPayload, rules: ClaimRules, now = Math.floor(Date.now() / 1000)): string | undefined {
  if (typeof payload.iat === 'number' && payload.iat > now + rules.clockTolerance) return 'The access token is issued in the future (iat)';
  if (rules.clientIds === undefined) return undefined;
  const clientId = payload['client_id'];
  if (payload.aud !== undefined) return 'The access token has an aud claim: it is meant for an audience, not checked by client_id';
  if (clientId === undefined) return 'The access token has no client_id claim';
  if (typeof clientId !== 'string' || !rules.clientIds.includes(clientId)) return 'The access token was issued to another client';
  return undefined;
}
