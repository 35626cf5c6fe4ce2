/**
 * The authorization server's clock, as read from its token responses. A device whose clock is off
 * by minutes (a dead battery, a hand-set clock) would date its DPoP proofs outside every server's
 * window (RFC 9449 §11.1) and find genuine ID tokens issued "in the future"; keycloak-js and
 * oidc-client-ts correct the same way, from the `iat` the server just wrote.
 *
 * @packageDocumentation
 */

import { unverifiedClaims } from '../shared/encoding.js';

// A token's `iat` is in whole seconds and reaches the device a round trip later: gaps below this are
// that noise, and every server tolerates them.
const NOISE_MS = 5_000;
// Beyond this the `iat` is more likely wrong than the device (a cached token, a broken server): the
// device's own clock is used then. Two hours cover a clock set by hand and a daylight-saving slip.
const MAX_OFFSET_MS = 2 * 3_600_000;

function issuedAt(jwt: string | undefined): number | undefined {
  const iat = unverifiedClaims(jwt)?.iat; // an opaque token says nothing about the time
  return typeof iat === 'number' && Number.isFinite(iat) ? iat : undefined;
}

/**
 * How far the authorization server's clock is ahead of this device's, in milliseconds (negative:
 * behind), from a token response received at `receivedAt` (epoch milliseconds): the `iat` of its
 * access token when that is a JWT (RFC 9068 §2.2: new with every response), else of its ID token,
 * unless that is no newer than `previousIdTokenIat` (a server that hands back the sign-in's ID token
 * on refresh). The claim is read, not verified: it only says what time the server keeps.
 *
 * @returns 0 when the clocks agree within 5 s; `undefined` when the response says nothing usable
 *   (no `iat`, or one more than 2 hours away from the device's clock).
 */
export function serverClockOffset(
  response: { id_token?: string | undefined; access_token: string },
  receivedAt: number,
  previousIdTokenIat?: number,
): number | undefined {
  const idTokenIat = issuedAt(response.id_token);
  const fresh = idTokenIat !== undefined && (previousIdTokenIat === undefined || idTokenIat > previousIdTokenIat) ? idTokenIat : undefined;
  const iat = issuedAt(response.access_token) ?? fresh;
  if (iat === undefined) return undefined;
  const offset = iat * 1000 - receivedAt;
  if (Math.abs(offset) > MAX_OFFSET_MS) return undefined;
  return Math.abs(offset) < NOISE_MS ? 0 : Math.round(offset);
}
