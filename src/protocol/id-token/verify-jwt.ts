/**
 * Everything that needs jose, in one module that the client loads with a dynamic `import()` only
 * when an ID token is to be verified: the page that shows a signed-in app, or a login button, never
 * downloads the JOSE code; the callback page starts loading it alongside the token request.
 *
 * @internal
 * @packageDocumentation
 */
import { createRemoteJWKSet, customFetch, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey, type JWTVerifyOptions, type JWTVerifyResult } from 'jose';
import { NetworkError, ValidationError, isPkceError } from '../../shared/errors.js';

/**
 * @internal Verifies a JWT's signature and registered claims with jose. Several keys matching the
 * header (a repeated `kid`, which RFC 7517 §4.5 only advises against) are each tried in turn. Only
 * a key request that failed (a `NetworkError` from the key getter) or timed out is a network error;
 * anything else, an unusable key included, is `invalid_id_token`.
 */
export async function verifyJwt(token: string, jwks: JWTVerifyGetKey, options: JWTVerifyOptions): Promise<JWTVerifyResult> {
  try {
    return await jwtVerify(token, jwks, options);
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw classify(error, token, options);
    let last: unknown = error;
    for await (const key of error) {
      try {
        return await jwtVerify(token, key, options);
      } catch (candidateError) {
        last = candidateError;
      }
    }
    throw classify(last, token, options);
  }
}

/** JSON, at most 120 characters: a claim in a message can neither forge a log line nor flood it. */
function show(value: unknown): string {
  // JSON leaves line and paragraph separators, C1 controls and bidi overrides as they are.
  const text = (JSON.stringify(value) ?? String(value)).replace(
    /[\u0080-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** What the token carried against what this client expects, where jose's message names neither. */
function whatToChange(cause: unknown, token: string, options: JWTVerifyOptions): string | undefined {
  if (cause instanceof errors.JWTClaimValidationFailed) {
    if (cause.claim === 'iss') {
      return `its "iss" is ${show(cause.payload.iss)}, the issuer is ${show(options.issuer)}: set "issuer" (and the metadata's "issuer") to the token's value exactly`;
    }
    if (cause.claim === 'aud') return `its "aud" is ${show(cause.payload.aud)}, this client is ${show(options.audience)} ("clientId")`;
  }
  if (cause instanceof errors.JOSEAlgNotAllowed) {
    const alg = (decodeProtectedHeader(token) as { alg?: unknown }).alg;
    if (typeof alg === 'string' && /^HS/.test(alg)) {
      return `it is ${alg}-signed, with a secret shared with the server, which a public client cannot have: give the server an asymmetric signing key (RS256 or ES256; authentik: the provider's Signing Key)`;
    }
    return `it is signed with ${show(alg)}; the algorithms accepted are ${show(options.algorithms)}`;
  }
  return undefined;
}

function classify(cause: unknown, token: string, options: JWTVerifyOptions): unknown {
  if (isPkceError(cause)) return cause;
  if (cause instanceof errors.JWKSTimeout) return new NetworkError('timeout', 'Timed out fetching the issuer keys (JWKS)', cause);
  let hint: string | undefined;
  try {
    hint = whatToChange(cause, token, options);
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
