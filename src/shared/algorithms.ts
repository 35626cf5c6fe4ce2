// The asymmetric JWS algorithms (RFC 7518 §3, RFC 8037, RFC 9864) either half accepts by default:
// ID tokens in the browser, access tokens in the API. `none` and HS* are not among them: a public
// client shares no secret with its server (OIDC Core §10.1, RFC 8725 §3.1).

/** An asymmetric JWS algorithm. `EdDSA` and `Ed25519` name the same Ed25519 signatures. */
export type AsymmetricAlgorithm =
  | 'RS256' | 'RS384' | 'RS512'
  | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'ES512'
  | 'EdDSA' | 'Ed25519';

/** The asymmetric algorithms, frozen: it is the default allow-list, so no caller may change it. */
export const ASYMMETRIC_ALGORITHMS: readonly AsymmetricAlgorithm[] = Object.freeze([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
] as const);
