/**
 * DPoP proofs (RFC 9449 §4): a JWS of type `dpop+jwt` over the request's method and URL, signed with
 * the session's key, with the server's nonce (§8, §9) and, for a resource request, the access token's
 * hash (`ath`, §4.2). Pure steps; the keys themselves are kept by session/dpop-keys.ts.
 */
import { SignJWT, calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import { randomToken, sha256Base64url } from '../shared/encoding.js';

/** What one proof is for. */
export interface DpopProofClaims {
  /** The request's method. */
  htm: string;
  /** The request's URL; the proof carries it without query and fragment (§4.2). */
  htu: string;
  /** The server's latest `DPoP-Nonce`, when it sent one. */
  nonce?: string | undefined;
  /** For a resource request: the access token the proof is bound to (`ath`). */
  accessToken?: string | undefined;
  /** Epoch seconds to date the proof with. Default: now. */
  iat?: number;
}

/** @internal The public JWK of a P-256 key, with only the members a DPoP header carries. */
export const publicJwk = (publicKey: CryptoKey): Promise<JWK> =>
  exportJWK(publicKey).then(({ kty, crv, x, y }) => ({ kty, crv, x, y }) as JWK);

/** @internal The RFC 7638 thumbprint of a public JWK: the `dpop_jkt` of an authorization request (§10). */
export const jwkThumbprint = (jwk: JWK): Promise<string> => calculateJwkThumbprint(jwk);

/** @internal A DPoP proof (§4.2), ES256-signed with `privateKey` whose public half is `jwk`. */
export async function signDpopProof(privateKey: CryptoKey, jwk: JWK, proof: DpopProofClaims): Promise<string> {
  const target = new URL(proof.htu);
  const claims: Record<string, string | number> = {
    jti: randomToken(),
    htm: proof.htm,
    htu: `${target.origin}${target.pathname}`,
    iat: proof.iat ?? Math.floor(Date.now() / 1000),
  };
  if (proof.nonce) claims.nonce = proof.nonce;
  if (proof.accessToken !== undefined) claims.ath = await sha256Base64url(proof.accessToken);
  return new SignJWT(claims).setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk }).sign(privateKey);
}

/** @internal A `use_dpop_nonce` answer: 400 from a token endpoint (§8), 401 with the DPoP challenge from a resource (§9). */
export async function asksForNonce(response: Response): Promise<boolean> {
  if (response.status === 401) return /\bDPoP\b[^]*error="?use_dpop_nonce/i.test(response.headers.get('www-authenticate') ?? '');
  if (response.status !== 400) return false;
  const body = (await response.clone().json().catch(() => undefined)) as { error?: unknown } | undefined;
  return body?.error === 'use_dpop_nonce';
}
