/**
 * The authorization server's clock, as read from its token responses. A device whose clock is off
 * by minutes (a dead battery, a hand-set clock) would date its DPoP proofs outside every server's
 * window (RFC 9449 §11.1) and find genuine ID tokens issued "in the future"; keycloak-js and
 * oidc-client-ts correct the same way, from the `iat` the server just wrote.
 *
 * @packageDocumentation
 */

// A token's `iat` is in whole seconds and reaches the device a round trip later: gaps below this are
// that noise, and every server tolerates them.
const NOISE_MS = 5_000;

function issuedAt(jwt: string | undefined): number | undefined {
  const payload = jwt?.split('.')[1];
  if (jwt?.split('.').length !== 3 || !payload) return undefined;
  try {
    const bytes = Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    const { iat } = JSON.parse(new TextDecoder().decode(bytes)) as { iat?: unknown };
    return typeof iat === 'number' && Number.isFinite(iat) ? iat : undefined;
  } catch {
    return undefined; // an opaque token says nothing about the time
  }
}

/**
 * How far the authorization server's clock is ahead of this device's, in milliseconds (negative:
 * behind), from a token response received at `receivedAt` (epoch milliseconds): the `iat` of its ID
 * token, else of its access token when that is a JWT (RFC 9068 §2.2). The claim is read, not
 * verified: it only says what time the server keeps, and the token is then validated in that time.
 *
 * @returns 0 when the clocks agree within 5 s; `undefined` when the response carries no `iat`.
 */
export function serverClockOffset(response: { id_token?: string | undefined; access_token: string }, receivedAt: number): number | undefined {
  const iat = issuedAt(response.id_token) ?? issuedAt(response.access_token);
  if (iat === undefined) return undefined;
  const offset = iat * 1000 - receivedAt;
  return Math.abs(offset) < NOISE_MS ? 0 : Math.round(offset);
}
