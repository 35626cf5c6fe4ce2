import { loadPart } from '../../shared/errors.js';
import type { IdTokenClaims, IdTokenExpectations } from './claims.js';

/**
 * @internal The JOSE part, loaded on first use: pages that never verify an ID token never download
 * it. A chunk that cannot be loaded is a failed request, and is tried again next time.
 */
export const loadJose = (): Promise<typeof import('./checks.js')> => loadPart(() => import('./checks.js'), 'the ID token verifier');

/**
 * Validates an ID token (OIDC Core §3.1.3.7): the signature with the issuer's keys,
 * then `iss`, `aud`, `azp`, `exp`, `nbf`, `iat` and `auth_time` (neither in the future), `sub`,
 * `nonce` and, when `max_age` was sent, how old `auth_time` is; each claim of its JSON type
 * (RFC 7519 §4.1), and no `typ` of another kind of JWT (RFC 8725 §3.11). A token that fails any
 * rule is refused as a whole.
 *
 * Errors are classified by what happened: only a key request that failed or timed out is a
 * {@link NetworkError}, and only when the key getter says so (it throws a `NetworkError`, as the
 * client's own does, or jose's `JWKSTimeout`). A key that cannot be used (an RSA key shorter than
 * 2048 bits, RFC 7518 §3.3; a JWK without `n`/`e`) is the token's problem: `invalid_id_token`.
 *
 * @throws {@link ValidationError} `invalid_id_token`, naming the rule that failed;
 *   {@link NetworkError} `network_error` or `timeout` when the keys could not be fetched;
 *   {@link ConfigError} `invalid_config` when `clockTolerance`, `currentTime` or `maxAge` is not a
 *   finite number of seconds (0 or more), or `algorithms` lists one that is not asymmetric.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 * @example
 * ```ts
 * const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri))
 * const claims = await validateIdToken(tokens.id_token, { issuer, clientId, jwks, nonce: tx.nonce })
 * ```
 */
export async function validateIdToken(idToken: string, expected: IdTokenExpectations): Promise<IdTokenClaims> {
  return (await loadJose()).checkIdToken(idToken, expected);
}
