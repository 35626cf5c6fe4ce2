import {
  base64url,
  calculateJwkThumbprint,
  EmbeddedJWK,
  errors,
  jwtVerify,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { NetworkError } from '../shared/errors.js';
import type { ResolvedDpop } from './options.js';

/** What the request says about DPoP, as the adapters read it. @internal */
export interface DpopRequest {
  /** Every `DPoP` header value of the request. */
  proofs: readonly string[];
  /** The HTTP method. */
  method: string | undefined;
  /** The absolute URL the client called, as far as the server can tell (see `dpop.publicUrl`). */
  url: string | undefined;
}

/** Why a proof was refused: the code and a token-free description. @internal */
export class DpopRefusal extends Error {
  constructor(
    readonly code: 'invalid_dpop_proof' | 'use_dpop_nonce' | 'invalid_token',
    description: string,
    cause?: unknown,
    readonly nonce?: string,
  ) {
    super(description, { cause });
  }
}

const encoder = new TextEncoder();

/**
 * jose's `EmbeddedJWK`, remembering the last 1000 keys it imported: a client sends the same key
 * with every proof, and importing an EC key (point validation) costs more than verifying with it.
 * Only keys jose accepted are kept, keyed by the exact `jwk` and `alg`; about 0.5 MB when full.
 */
const importedProofKeys = new Map<string, ReturnType<typeof EmbeddedJWK>>();
const embeddedKey: JWTVerifyGetKey = (header, token) => {
  const id = `${String(header.alg)} ${JSON.stringify(header.jwk)}`;
  let key = importedProofKeys.get(id);
  if (key === undefined) {
    key = EmbeddedJWK(header, token);
    key.catch(() => importedProofKeys.delete(id));
    if (importedProofKeys.size >= 1000) importedProofKeys.delete(importedProofKeys.keys().next().value!);
    importedProofKeys.set(id, key);
  }
  return key;
};

async function sha256(text: string): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text))));
}

/**
 * Checks a DPoP proof presented with a DPoP-bound access token, as RFC 9449 §4.3 and §7.1 list:
 *
 * 1. exactly one `DPoP` header, holding one JWT;
 * 2. header `typ: dpop+jwt`, an allowed asymmetric `alg`, a public `jwk`, and a signature that
 *    verifies with that `jwk` (jose's `EmbeddedJWK`);
 * 3. claims `jti`, `htm`, `htu`, `iat`, `ath`; `htm` equal to the request method, `htu` equal to the
 *    request URL without query and fragment; `iat` within `maxProofAge` (± `clockTolerance`);
 * 4. with server nonces, a valid `nonce` (else `use_dpop_nonce`, with a fresh nonce);
 * 5. `ath` equal to base64url(SHA-256(access token)); the RFC 7638 thumbprint of `jwk` equal to the
 *    token's `cnf.jkt` (else `invalid_token`: the token is bound to another key);
 * 6. the proof not seen before within its lifetime (the replay cache).
 *
 * @throws DpopRefusal
 * @throws NetworkError `network_error` when the replay cache fails (a server problem: without it a
 *   replay cannot be told from a first use); whatever the nonce source throws.
 * @internal
 */
export async function verifyDpopProof(
  request: DpopRequest,
  accessToken: string,
  jkt: string,
  config: ResolvedDpop,
  clockTolerance: number,
): Promise<void> {
  if (request.proofs.length === 0) throw new DpopRefusal('invalid_dpop_proof', 'The request has no DPoP proof');
  if (request.proofs.length > 1) throw new DpopRefusal('invalid_dpop_proof', 'The request has more than one DPoP header');
  const proof = request.proofs[0]!.trim();

  let payload: JWTPayload;
  let jwk: JWK;
  try {
    const verified = await jwtVerify(proof, embeddedKey, {
      typ: 'dpop+jwt',
      algorithms: config.algorithms,
      requiredClaims: ['jti', 'htm', 'htu', 'iat', 'ath'],
      maxTokenAge: config.maxProofAge,
      clockTolerance,
    });
    payload = verified.payload;
    jwk = verified.protectedHeader.jwk!;
  } catch (error) {
    throw new DpopRefusal('invalid_dpop_proof', describeProofError(error), error);
  }
  const { jti, htm, htu, ath, nonce, iat } = payload as JWTPayload & Record<'htm' | 'htu' | 'ath' | 'nonce', unknown>;
  if (typeof jti !== 'string' || jti === '') throw new DpopRefusal('invalid_dpop_proof', 'The DPoP proof has an invalid jti claim');
  if (request.method === undefined || htm !== request.method) {
    throw new DpopRefusal('invalid_dpop_proof', 'The DPoP proof is for another HTTP method (htm)');
  }
  if (typeof htu !== 'string' || request.url === undefined || !sameTarget(htu, request.url)) {
    throw new DpopRefusal('invalid_dpop_proof', 'The DPoP proof is for another URL (htu)');
  }
  if (config.nonces !== undefined && (typeof nonce !== 'string' || !(await config.nonces.isValid(nonce)))) {
    const fresh = await config.nonces.current();
    const description = nonce === undefined ? 'The DPoP proof has no nonce' : 'The DPoP proof has an old or unknown nonce';
    throw new DpopRefusal('use_dpop_nonce', `${description}: use the one in the DPoP-Nonce header`, undefined, fresh);
  }
  if (typeof ath !== 'string' || ath !== (await sha256(accessToken))) {
    throw new DpopRefusal('invalid_dpop_proof', 'The DPoP proof is for another access token (ath)');
  }
  const thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
  if (thumbprint !== jkt) throw new DpopRefusal('invalid_token', 'The access token is bound to another key than the DPoP proof');

  // The proof stays acceptable until iat + maxProofAge + clockTolerance; remember it that long.
  const ttl = ((iat as number) + config.maxProofAge + clockTolerance) * 1000 - Date.now() + 1000;
  const id = await sha256(`${thumbprint}.${jti}`);
  let fresh: boolean;
  try {
    fresh = await config.replayCache.add(id, Math.max(1000, ttl));
  } catch (cause) {
    throw new NetworkError('network_error', 'The DPoP replay cache did not answer', cause);
  }
  if (!fresh) {
    throw new DpopRefusal('invalid_dpop_proof', 'The DPoP proof was used before');
  }
}

/**
 * `htu` and the request URL name the same resource: compared after URL parsing (scheme and host
 * case, default port, dot segments: RFC 3986 §6.2.2–6.2.3 as WHATWG URL applies them), without
 * query and fragment (RFC 9449 §4.3 item 9).
 */
function sameTarget(htu: string, requestUrl: string): boolean {
  if (!URL.canParse(htu) || !URL.canParse(requestUrl)) return false;
  const a = new URL(htu);
  const b = new URL(requestUrl);
  return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname && a.username === '' && a.password === '';
}

function describeProofError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The DPoP proof is too old (iat)';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `The DPoP proof has no ${error.claim} claim`;
    if (error.claim === 'typ') return 'The DPoP proof is not of type dpop+jwt';
    if (error.claim === 'iat') return 'The DPoP proof is issued in the future (iat)';
    return `The DPoP proof has an invalid ${error.claim} claim`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The DPoP proof is signed with an algorithm that is not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The DPoP proof signature is invalid';
  if (error instanceof errors.JWSInvalid && /jwk|Embedded/i.test(error.message)) return 'The DPoP proof has no usable public jwk';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'The DPoP proof is malformed';
  return 'The DPoP proof is invalid';
}
