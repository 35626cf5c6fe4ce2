/**
 * The ID token rules (OIDC Core §3.1.3.7, §12.2), loaded with jose only where an ID token is checked.
 *
 * @packageDocumentation
 */
import { ASYMMETRIC_ALGORITHMS } from '../../shared/algorithms.js';
import { ConfigError, ValidationError } from '../../shared/errors.js';
import type { IdTokenClaims, IdTokenExpectations } from './claims.js';
import { TENANT_PLACEHOLDER, issuerForTenant } from '../issuer-template.js';
import { verifyJwt } from './verify-jwt.js';
import { claimText } from '../../shared/claim-text.js';
import type { CompactVerifyGetKey, JWTPayload } from 'jose';

export { issuerKeys } from './verify-jwt.js';

/** Explicit types of JWTs that are not ID tokens (RFC 9068 §2.1, OIDC Back-Channel Logout §2.4, RFC 9449 §4.2, RFC 8417 §2.3). */
const OTHER_JWT_TYPES = new Set(['at+jwt', 'logout+jwt', 'dpop+jwt', 'secevent+jwt', 'token-introspection+jwt', 'oauth-authz-req+jwt']);

const fail = (message: string, cause?: unknown) => new ValidationError('invalid_id_token', message, cause);

/** @internal The rules of {@link validateIdToken}, run where jose is loaded. */
export async function checkIdToken(idToken: string, expected: IdTokenExpectations): Promise<IdTokenClaims> {
  const tolerance = expected.clockTolerance ?? 30;
  const now = expected.currentTime ?? Date.now() / 1000;
  // The time rules are only as good as their inputs: NaN or a string would switch them off.
  if (!isSeconds(tolerance)) throw new ConfigError(`"clockTolerance" must be a number of seconds, 0 or more; it is ${claimText(tolerance)}`);
  if (!isSeconds(now)) throw new ConfigError(`"currentTime" must be epoch seconds; it is ${claimText(now)}`);
  if (expected.maxAge !== undefined && !isSeconds(expected.maxAge)) throw new ConfigError(`"maxAge" must be a number of seconds, 0 or more; it is ${claimText(expected.maxAge)}`);
  const algorithms = expected.algorithms ?? [...ASYMMETRIC_ALGORITHMS];
  const symmetric = algorithms.filter((alg) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg));
  if (symmetric.length > 0) {
    throw new ConfigError(`"algorithms" may list asymmetric algorithms only (a public client shares no secret with its server); remove ${claimText(symmetric)}`);
  }
  const { payload, protectedHeader } = await verifyJwt(idToken, expected.jwks as CompactVerifyGetKey, algorithms);
  // RFC 8725 §3.11: a JWT typed as another kind (an access token, a logout token, a DPoP proof) signed
  // by the same keys is not an ID token, whatever its claims say. A media type's parameters and a
  // space around it change nothing (RFC 7515 §4.1.9).
  const { typ: rawTyp } = protectedHeader as { typ?: unknown };
  if (rawTyp !== undefined && typeof rawTyp !== 'string') throw fail('ID token rejected: its "typ" is not a string');
  const typ = rawTyp?.split(';')[0]!.trim().toLowerCase().replace(/^application\//, '');
  if (typ !== undefined && OTHER_JWT_TYPES.has(typ)) throw fail(`ID token rejected: its "typ" is ${typ}, a JWT of another kind`);
  const claims = checkClaimTypes(payload);
  // OIDC Core §3.1.3.7 item 2: iss is exactly the issuer (or, for a template, its tenant's issuer).
  if (expected.issuer.includes(TENANT_PLACEHOLDER)) {
    if (claims.iss !== issuerForTenant(expected.issuer, claims.tid, expected.tenants)) {
      throw fail('ID token rejected: "iss" is not the issuer of its tenant ("tid"), or the tenant is not allowed');
    }
  } else if (claims.iss !== expected.issuer) {
    throw fail(
      `ID token rejected: unexpected "iss" claim value; its "iss" is ${claimText(claims.iss)}, the issuer is ${claimText(expected.issuer)}: set "issuer" (and the metadata's "issuer") to the token's value exactly`,
    );
  }
  // Item 3: aud contains this client.
  if (![claims.aud].flat().includes(expected.clientId)) {
    throw fail(`ID token rejected: unexpected "aud" claim value; its "aud" is ${claimText(claims.aud)}, this client is ${claimText(expected.clientId)} ("clientId")`);
  }
  // Items 4 and 5: several audiences need an azp naming this client, so a token minted for another
  // party cannot be replayed here.
  if ((Array.isArray(claims.aud) && claims.aud.length > 1) || claims.azp !== undefined) {
    if (claims.azp !== expected.clientId) throw fail('ID token rejected: "azp" is not this client');
  }
  // Item 9: not expired; RFC 7519 §4.1.5: not before its nbf; item 10: not issued in the future.
  if (claims.exp <= now - tolerance) throw fail('ID token rejected: "exp" claim timestamp check failed');
  if (claims.nbf !== undefined && claims.nbf > now + tolerance) throw fail('ID token rejected: "nbf" claim timestamp check failed');
  if (claims.iat > now + tolerance) throw fail('ID token rejected: "iat" is in the future');
  if (claims.auth_time !== undefined && claims.auth_time > now + tolerance) throw fail('ID token rejected: "auth_time" is in the future');
  if (expected.nonce !== undefined && claims.nonce !== expected.nonce) {
    throw fail('ID token rejected: "nonce" does not match the login request');
  }
  if (expected.maxAge !== undefined) {
    if (typeof claims.auth_time !== 'number') throw fail('ID token rejected: "auth_time" is missing although max_age was sent');
    if (claims.auth_time + expected.maxAge < now - tolerance) {
      throw fail('ID token rejected: the authentication is older than max_age');
    }
  }
  return claims;
}

/** The claims every ID token has (OIDC Core §2), each of its type (RFC 7519 §4.1): else refused. */
function checkClaimTypes(payload: JWTPayload): IdTokenClaims & { nbf?: number } {
  const missing = (claim: string) => fail(`ID token rejected: missing required "${claim}" claim`);
  for (const claim of ['iss', 'sub', 'aud', 'exp', 'iat'] as const) if (payload[claim] === undefined) throw missing(claim);
  if (typeof payload.iss !== 'string') throw fail('ID token rejected: "iss" claim must be a string');
  if (typeof payload.sub !== 'string') throw fail('ID token rejected: "sub" claim must be a string');
  if (payload.sub === '') throw missing('sub');
  const { aud } = payload;
  if (!(typeof aud === 'string' || (Array.isArray(aud) && aud.every((value) => typeof value === 'string')))) {
    throw fail('ID token rejected: "aud" claim must be a string or an array of strings');
  }
  for (const claim of ['exp', 'iat', 'nbf', 'auth_time'] as const) {
    const value = payload[claim];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) throw fail(`ID token rejected: "${claim}" claim must be a number`);
  }
  return payload as IdTokenClaims & { nbf?: number };
}

const isSeconds = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

const sameAudience = (a: string | string[], b: string | string[]) => [a].flat().sort().join(' ') === [b].flat().sort().join(' ');

/**
 * Checks an ID token from a refresh against the one from sign-in (OIDC Core §12.2):
 * same `iss`, `sub`, `aud`, `azp`, `auth_time`; a `nonce`, if any, equal to the original.
 *
 * @throws {@link ValidationError} `invalid_id_token`.
 */
export function checkRefreshedIdToken(previous: IdTokenClaims, next: IdTokenClaims): void {
  for (const claim of ['iss', 'sub', 'azp', 'tid', 'auth_time', 'nonce'] as const) {
    // auth_time and nonce are compared when both tokens carry them; iss, sub, azp and Entra's tid
    // always (one absent before must stay absent).
    const optional = claim === 'auth_time' || claim === 'nonce';
    if ((!optional || (next[claim] !== undefined && previous[claim] !== undefined)) && next[claim] !== previous[claim]) {
      throw fail(`Refreshed ID token rejected: "${claim}" changed`);
    }
  }
  if (!sameAudience(previous.aud, next.aud)) throw fail('Refreshed ID token rejected: "aud" changed');
}
