/**
 * Everything that needs jose, in one module that the client loads with a dynamic `import()` only
 * when an ID token is to be verified: the page that shows a signed-in app, or a login button, never
 * downloads the JOSE code; the callback page starts loading it alongside the token request.
 *
 * @internal
 * @packageDocumentation
 */
import { compactVerify, createRemoteJWKSet, customFetch, decodeProtectedHeader, errors, type CompactVerifyGetKey, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { NetworkError, ValidationError, isPkceError } from '../../shared/errors.js';
import { claimText } from '../../shared/claim-text.js';

/** @internal A JWS whose signature verified: its header and its payload, a JSON object. */
export interface VerifiedJwt {
  payload: JWTPayload;
  protectedHeader: JWTHeaderParameters;
}

/**
 * @internal Verifies a JWT's signature with jose's `compactVerify` and reads its payload as a JSON
 * object; the claims are the caller's to check (checks.ts), which spares every page that verifies an
 * ID token jose's generic JWT claim checks. Several keys matching the header (a repeated `kid`,
 * which RFC 7517 §4.5 only advises against) are each tried in turn. Only a key request that failed
 * (a `NetworkError` from the key getter) or timed out is a network error; anything else, an unusable
 * key included, is `invalid_id_token`.
 */
export async function verifyJwt(token: string, jwks: CompactVerifyGetKey, algorithms: string[]): Promise<VerifiedJwt> {
  let verified: Awaited<ReturnType<typeof compactVerify>>;
  try {
    verified = await compactVerify(token, jwks, { algorithms });
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw classify(error, token, algorithms);
    verified = await verifyWithCandidates(token, error, algorithms);
  }
  // RFC 7797 §7: the unencoded payload option is not for JWTs.
  if (verified.protectedHeader.b64 === false) throw new ValidationError('invalid_id_token', 'ID token rejected: its payload is not base64url-encoded ("b64": false)');
  let payload: unknown;
  try {
    // Fatal: bytes that are not UTF-8 must not decode to U+FFFD, where two signed values become one.
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(verified.payload));
  } catch {
    payload = undefined;
  }
  // RFC 7519 §7.2 item 10: the claims set is a JSON object.
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new ValidationError('invalid_id_token', 'ID token rejected: its payload is not a JSON object');
  }
  return { payload: payload as JWTPayload, protectedHeader: verified.protectedHeader as JWTHeaderParameters };
}

async function verifyWithCandidates(token: string, candidates: errors.JWKSMultipleMatchingKeys, algorithms: string[]) {
  let last: unknown = candidates;
  for await (const key of candidates) {
    try {
      return await compactVerify(token, key, { algorithms });
    } catch (candidateError) {
      last = candidateError;
    }
  }
  throw classify(last, token, algorithms);
}

/** What the token carried against what this client accepts, where jose's message names neither. */
function whatToChange(cause: unknown, token: string, algorithms: string[]): string | undefined {
  if (!(cause instanceof errors.JOSEAlgNotAllowed)) return undefined;
  const alg = (decodeProtectedHeader(token) as { alg?: unknown }).alg;
  if (typeof alg === 'string' && /^HS/.test(alg)) {
    return `it is ${alg}-signed, with a secret shared with the server, which a public client cannot have: give the server an asymmetric signing key (RS256 or ES256; authentik: the provider's Signing Key)`;
  }
  return `it is signed with ${claimText(alg)}; the algorithms accepted are ${claimText(algorithms)}`;
}

function classify(cause: unknown, token: string, algorithms: string[]): unknown {
  if (isPkceError(cause)) return cause;
  if (cause instanceof errors.JWKSTimeout) return new NetworkError('timeout', 'Timed out fetching the issuer keys (JWKS)', cause);
  let hint: string | undefined;
  try {
    hint = whatToChange(cause, token, algorithms);
  } catch {
    hint = undefined; // a header that does not decode: jose's message says enough
  }
  return new ValidationError('invalid_id_token', `ID token rejected: ${(cause as Error).message}${hint ? `; ${hint}` : ''}`, cause);
}

/**
 * @internal The issuer's key set: jose's `createRemoteJWKSet`, with a failed request told apart
 * where it happens (a `NetworkError`), and no cooldown: the client verifies only ID tokens from its
 * own token requests, so no one can flood it with unknown `kid`s, and a key rotated moments ago
 * must still be found.
 */
export function remoteKeySet(jwksUri: string, fetchImpl: typeof fetch, timeout: number) {
  return createRemoteJWKSet(new URL(jwksUri), {
    [customFetch]: (url: string, init: RequestInit) =>
      fetchImpl(url, init).catch((cause: unknown) => {
        if ((cause as Error | undefined)?.name === 'TimeoutError') throw cause; // jose reports JWKSTimeout
        throw new NetworkError('network_error', 'Could not fetch the issuer keys (JWKS)', cause);
      }),
    timeoutDuration: timeout,
    cooldownDuration: 0,
  });
}
