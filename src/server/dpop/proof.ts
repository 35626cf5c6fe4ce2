import {
  calculateJwkThumbprint,
  EmbeddedJWK,
  errors,
  jwtVerify,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { sha256Base64url as sha256 } from '../../shared/encoding.js';
import { isPkceError, NetworkError } from '../../shared/errors.js';
import { withoutStackTrace } from '../without-stack-trace.js';
import type { DpopNonceSource, DpopReplayCache } from './types.js';

/** What a proof is checked against: the verifier's validated `dpop` options. @internal */
export interface ProofPolicy {
  /** JWS algorithms accepted for proofs. */
  readonly algorithms: string[];
  /** Seconds a proof stays acceptable after its `iat`. */
  readonly maxProofAge: number;
  /** Seconds `iat` may be ahead of this clock, and behind it beyond `maxProofAge`. */
  readonly clockSkew: number;
  readonly replayCache: DpopReplayCache;
  readonly nonces: DpopNonceSource | undefined;
}

/** What the request says about DPoP, as the adapters read it. @internal */
export interface DpopRequest {
  /** Every `DPoP` header value of the request. */
  proofs: readonly string[];
  /** The HTTP method. */
  method: string | undefined;
  /**
   * The absolute URLs the client may have called: each of `dpop.publicUrl` with the request path,
   * the Fetch `request.url`, or the URL a `verify()` caller gave. `htu` must name one of them.
   */
  urls: readonly string[];
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

/**
 * A {@link DpopRefusal}, built without a stack trace: it only becomes the verifier's refusal, which
 * answers the client and carries none either.
 */
function refuse(...args: ConstructorParameters<typeof DpopRefusal>): DpopRefusal {
  return withoutStackTrace(() => new DpopRefusal(...args));
}

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

/**
 * Checks a DPoP proof presented with a DPoP-bound access token, as RFC 9449 §4.3 and §7.1 list:
 *
 * 1. exactly one `DPoP` header, holding one JWT;
 * 2. header `typ: dpop+jwt`, an allowed asymmetric `alg`, a public `jwk`, and a signature that
 *    verifies with that `jwk` (jose's `EmbeddedJWK`);
 * 3. claims `jti`, `htm`, `htu`, `iat`, `ath`; `htm` equal to the request method, `htu` equal to the
 *    request URL without query and fragment; `iat` no more than `clockSkew` ahead and no more than
 *    `maxProofAge` + `clockSkew` behind (RFC 9449 §11.1: the proof's own window, not the token's);
 * 4. with server nonces, a valid `nonce` (else `use_dpop_nonce`, with a fresh nonce);
 * 5. `ath` equal to base64url(SHA-256(access token)); the RFC 7638 thumbprint of `jwk` equal to the
 *    token's `cnf.jkt` (else `invalid_token`: the token is bound to another key);
 * 6. the proof not seen before within its lifetime (the replay cache).
 *
 * @returns With server nonces, the current nonce when the proof carried an older (still valid) one:
 *   for the answer's `DPoP-Nonce` header (RFC 9449 §9). Otherwise `undefined`.
 * @throws DpopRefusal
 * @throws NetworkError `network_error` when the replay cache fails (a server problem: without it a
 *   replay cannot be told from a first use); a pkce-spa error the cache throws as it is
 *   (`replay_cache_full`); whatever the nonce source throws.
 * @internal
 */
export async function verifyDpopProof(
  request: DpopRequest,
  accessToken: string,
  jkt: string,
  config: ProofPolicy,
): Promise<string | undefined> {
  if (request.proofs.length === 0) throw refuse('invalid_dpop_proof', 'The request has no DPoP proof');
  if (request.proofs.length > 1) throw refuse('invalid_dpop_proof', 'The request has more than one DPoP header');
  const proof = request.proofs[0]!.trim();

  let payload: JWTPayload;
  let jwk: JWK;
  try {
    const verified = await jwtVerify(proof, embeddedKey, {
      typ: 'dpop+jwt',
      algorithms: config.algorithms,
      requiredClaims: ['jti', 'htm', 'htu', 'iat', 'ath'],
    });
    payload = verified.payload;
    jwk = verified.protectedHeader.jwk!;
  } catch (error) {
    throw refuse('invalid_dpop_proof', describeProofError(error), error);
  }
  const { jti, htm, htu, ath, nonce } = payload as JWTPayload & Record<'htm' | 'htu' | 'ath' | 'nonce', unknown>;
  // jose checked that iat is a number; it compares iat with the clock only against a maxTokenAge,
  // with the token's clockTolerance, so the proof's own window is checked here.
  const iat = payload.iat!;
  const now = Math.floor(Date.now() / 1000);
  if (iat > now + config.clockSkew) throw refuse('invalid_dpop_proof', 'The DPoP proof is issued in the future (iat)');
  if (now - iat > config.maxProofAge + config.clockSkew) throw refuse('invalid_dpop_proof', 'The DPoP proof is too old (iat)');
  if (typeof jti !== 'string' || jti === '') throw refuse('invalid_dpop_proof', 'The DPoP proof has an invalid jti claim');
  if (request.method === undefined || htm !== request.method) {
    throw refuse('invalid_dpop_proof', 'The DPoP proof is for another HTTP method (htm)');
  }
  if (typeof htu !== 'string' || !request.urls.some((url) => sameTarget(htu, url))) {
    throw refuse('invalid_dpop_proof', 'The DPoP proof is for another URL (htu)');
  }
  if (config.nonces !== undefined && (typeof nonce !== 'string' || !(await config.nonces.isValid(nonce)))) {
    const fresh = await config.nonces.current();
    const description = nonce === undefined ? 'The DPoP proof has no nonce' : 'The DPoP proof has an old or unknown nonce';
    throw refuse('use_dpop_nonce', `${description}: use the one in the DPoP-Nonce header`, undefined, fresh);
  }
  if (typeof ath !== 'string' || ath !== (await sha256(accessToken))) {
    throw refuse('invalid_dpop_proof', 'The DPoP proof is for another access token (ath)');
  }
  const thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
  if (thumbprint !== jkt) throw refuse('invalid_token', 'The access token is bound to another key than the DPoP proof');

  // The proof is acceptable while the whole seconds since iat are at most maxProofAge + clockSkew,
  // that is until (iat + maxProofAge + clockSkew + 1) s: remember it until then, never less.
  const ttl = (iat + config.maxProofAge + config.clockSkew + 1) * 1000 - Date.now();
  const id = await sha256(`${thumbprint}.${jti}`);
  let fresh: boolean;
  try {
    fresh = await config.replayCache.add(id, Math.max(1000, ttl));
  } catch (cause) {
    // A cache that refuses on purpose (full) says so itself; any other failure is an outage.
    if (isPkceError(cause)) throw cause;
    throw new NetworkError('network_error', 'The DPoP replay cache did not answer', cause);
  }
  if (!fresh) {
    throw refuse('invalid_dpop_proof', 'The DPoP proof was used before');
  }
  if (config.nonces === undefined) return undefined;
  const current = await config.nonces.current();
  return current === nonce ? undefined : current;
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
  if (error instanceof errors.JWTExpired) return 'The DPoP proof has expired (exp)';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `The DPoP proof has no ${error.claim} claim`;
    if (error.claim === 'typ') return 'The DPoP proof is not of type dpop+jwt';
    return `The DPoP proof has an invalid ${error.claim} claim`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The DPoP proof is signed with an algorithm that is not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The DPoP proof signature is invalid';
  if (error instanceof errors.JWSInvalid && /jwk|Embedded/i.test(error.message)) return 'The DPoP proof has no usable public jwk';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'The DPoP proof is malformed';
  return 'The DPoP proof is invalid';
}
