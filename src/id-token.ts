import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { NetworkError, ValidationError } from './errors.js';
import { TENANT_PLACEHOLDER, issuerForTenant } from './issuer-template.js';

/** The claims of a validated ID token (OIDC Core §2); `sub`, `iss`, `aud`, `exp`, `iat` are present. */
export interface IdTokenClaims extends JWTPayload {
  /** The issuer, identical to the configured one. */
  iss: string;
  /** The user's stable identifier at this issuer: the key to use for them. */
  sub: string;
  /** Contains this client's id. */
  aud: string | string[];
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Issue time, seconds since the epoch. */
  iat: number;
  /** Echo of the login request's nonce. */
  nonce?: string;
  /** When the user actually authenticated, seconds since the epoch. */
  auth_time?: number;
  /** The client the token was issued to, when `aud` has several values. */
  azp?: string;
  /** Full name (`profile` scope; the standard claims below are OIDC Core §5.1). */
  name?: string;
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  /** The name the user goes by; not unique, not stable: key users by `sub`. */
  preferred_username?: string;
  /** URLs of the user's profile page, picture and web site. */
  profile?: string;
  picture?: string;
  website?: string;
  gender?: string;
  /** `YYYY-MM-DD`, or `YYYY` or `0000-MM-DD` when part is withheld. */
  birthdate?: string;
  /** An IANA time zone, e.g. `Europe/Paris`. */
  zoneinfo?: string;
  /** A BCP 47 language tag, e.g. `en-US`. */
  locale?: string;
  /** When the profile last changed, seconds since the epoch. */
  updated_at?: number;
  /** E-mail address (`email` scope); check `email_verified` before trusting it. */
  email?: string;
  email_verified?: boolean;
  /** Phone number (`phone` scope), E.164 recommended; check `phone_number_verified`. */
  phone_number?: string;
  phone_number_verified?: boolean;
  /** Postal address (`address` scope), OIDC Core §5.1.1. */
  address?: {
    formatted?: string;
    street_address?: string;
    locality?: string;
    region?: string;
    postal_code?: string;
    country?: string;
  };
  /** Any other claim the server includes. */
  [claim: string]: unknown;
}

/**
 * Asymmetric algorithms only: `none` and the HS* family are never accepted, since a public
 * client has no secret to share with the server (OIDC Core §10.1, RFC 8725 §3.1).
 */
export const idTokenAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** What an ID token is checked against. */
export interface IdTokenExpectations {
  /**
   * The issuer; `iss` must equal it. A multi-tenant template
   * (`https://login.microsoftonline.com/{tenantid}/v2.0`) requires `iss` to be the template with
   * `{tenantid}` equal to the token's `tid` claim.
   */
  issuer: string;
  /** With a templated `issuer`: the tenants (`tid` values) allowed; any when absent. */
  tenants?: readonly string[];
  /** This client's id; `aud` must contain it. */
  clientId: string;
  /** The issuer's keys, e.g. `createRemoteJWKSet(new URL(metadata.jwks_uri))`. */
  jwks: JWTVerifyGetKey;
  /** The `nonce` sent with the authorization request; required to match when given. */
  nonce?: string;
  /** The `max_age` sent, in seconds: `auth_time` must then be present and recent enough. */
  maxAge?: number;
  /** Seconds of clock skew tolerated for `exp`, `iat`, `auth_time`. Default 30. */
  clockTolerance?: number;
  /** Accepted algorithms; default {@link idTokenAlgorithms}. */
  algorithms?: string[];
}

const fail = (message: string, cause?: unknown) => new ValidationError('invalid_id_token', message, cause);

let verifier: Promise<typeof import('./jose-verify.js')> | undefined;

/**
 * @internal The JOSE part, loaded on first use: pages that never verify an ID token never download
 * it. A chunk that cannot be loaded is a failed request, and is tried again next time.
 */
export const loadJose = (): Promise<typeof import('./jose-verify.js')> =>
  (verifier ??= import('./jose-verify.js').catch((cause: unknown) => {
    verifier = undefined;
    throw new NetworkError('network_error', 'Could not load the ID token verifier (a script of this app)', cause);
  }));

/**
 * Validates an ID token (OIDC Core §3.1.3.7): the signature with the issuer's keys,
 * then `iss`, `aud`, `azp`, `exp`, `iat` (not in the future), `sub`, `nonce` and, when
 * `max_age` was sent, `auth_time`. A token that fails any rule is refused as a whole.
 *
 * Errors are classified by what happened: only a key request that failed or timed out is a
 * {@link NetworkError}, and only when the key getter says so (it throws a `NetworkError`, as the
 * client's own does, or jose's `JWKSTimeout`). A key that cannot be used (an RSA key shorter than
 * 2048 bits, RFC 7518 §3.3; a JWK without `n`/`e`) is the token's problem: `invalid_id_token`.
 *
 * @throws {@link ValidationError} `invalid_id_token`, naming the rule that failed;
 *   {@link NetworkError} when the keys could not be fetched.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 * @example
 * ```ts
 * const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri))
 * const claims = await validateIdToken(tokens.id_token, { issuer, clientId, jwks, nonce: tx.nonce })
 * ```
 */
export async function validateIdToken(idToken: string, expected: IdTokenExpectations): Promise<IdTokenClaims> {
  const tolerance = expected.clockTolerance ?? 30;
  const templated = expected.issuer.includes(TENANT_PLACEHOLDER);
  const { verifyJwt } = await loadJose();
  const payload = await verifyJwt(idToken, expected.jwks, {
    issuer: templated ? undefined : expected.issuer,
    audience: expected.clientId,
    algorithms: expected.algorithms ?? idTokenAlgorithms,
    clockTolerance: tolerance,
    requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
  });
  const claims = payload as IdTokenClaims;
  if (templated && claims.iss !== issuerForTenant(expected.issuer, claims.tid, expected.tenants)) {
    throw fail('ID token rejected: "iss" is not the issuer of its tenant ("tid"), or the tenant is not allowed');
  }
  // OIDC Core §3.1.3.7 items 4 and 5: several audiences need an azp naming this client,
  // so a token minted for another party cannot be replayed here.
  if ((Array.isArray(claims.aud) && claims.aud.length > 1) || claims.azp !== undefined) {
    if (claims.azp !== expected.clientId) throw fail('ID token rejected: "azp" is not this client');
  }
  if (typeof claims.sub !== 'string' || !claims.sub) throw fail('ID token rejected: "sub" is missing');
  // jose checks `iat` is a number but not when it is; a token from the future is refused (item 10).
  if (typeof claims.iat === 'number' && claims.iat > Date.now() / 1000 + tolerance) {
    throw fail('ID token rejected: "iat" is in the future');
  }
  if (expected.nonce !== undefined && claims.nonce !== expected.nonce) {
    throw fail('ID token rejected: "nonce" does not match the login request');
  }
  if (expected.maxAge !== undefined) {
    if (typeof claims.auth_time !== 'number') throw fail('ID token rejected: "auth_time" is missing although max_age was sent');
    if (claims.auth_time + expected.maxAge < Date.now() / 1000 - tolerance) {
      throw fail('ID token rejected: the authentication is older than max_age');
    }
  }
  return claims;
}

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
