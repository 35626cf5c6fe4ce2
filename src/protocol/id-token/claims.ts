import type { JWTPayload, JWTVerifyGetKey } from 'jose';

/**
 * The claims of a validated ID token (OIDC Core §2): `iss`, `sub`, `aud`, `exp` and `iat` are always
 * present; the standard claims about the user (OIDC Core §5.1: `name`, `email`, `address`, …) are typed
 * when the server includes them; any other claim is `unknown` until the app checks it.
 * `auth.user` is of this type.
 */
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
  /**
   * Full name, for display (`profile` scope). This and the claims below are the standard claims of
   * OIDC Core §5.1: present only when the server includes them, usually per scope (`profile`,
   * `email`, `phone`, `address`).
   */
  name?: string;
  /** Given (first) name(s) (`profile` scope). */
  given_name?: string;
  /** Surname(s) or last name(s) (`profile` scope). */
  family_name?: string;
  /** Middle name(s) (`profile` scope). */
  middle_name?: string;
  /** Casual name, which may differ from `given_name` (`profile` scope). */
  nickname?: string;
  /** The name the user goes by; not unique, not stable: key users by `sub`. */
  preferred_username?: string;
  /** URL of the user's profile page (`profile` scope). */
  profile?: string;
  /** URL of the user's picture (`profile` scope). */
  picture?: string;
  /** URL of the user's web page or blog (`profile` scope). */
  website?: string;
  /** `female`, `male`, or another value the server defines (`profile` scope). */
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
  /** True when the server verified that the user controls `email`. */
  email_verified?: boolean;
  /** Phone number (`phone` scope), E.164 recommended; check `phone_number_verified`. */
  phone_number?: string;
  /** True when the server verified that the user controls `phone_number`. */
  phone_number_verified?: boolean;
  /** Postal address (`address` scope), OIDC Core §5.1.1. */
  address?: {
    /** The full address, for display; may contain line breaks. */
    formatted?: string;
    /** Street, house number, and so on; may contain line breaks. */
    street_address?: string;
    /** City or locality. */
    locality?: string;
    /** State, province, prefecture or region. */
    region?: string;
    /** Postal or ZIP code. */
    postal_code?: string;
    /** Country name. */
    country?: string;
  };
  /** Any other claim the server includes. */
  [claim: string]: unknown;
}

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
  /**
   * Epoch seconds the time rules are judged at: the issuer's time as the client learnt it (see
   * `serverClockOffset`), so a device clock minutes off does not refuse a genuine token. Default: now
   * by this device's clock.
   */
  currentTime?: number;
  /** Accepted algorithms; default: every asymmetric algorithm (RS*, PS*, ES*, EdDSA/Ed25519); `none` and HS* are never accepted, since a public client shares no secret with its server (OIDC Core §10.1, RFC 8725 §3.1). */
  algorithms?: string[];
}
