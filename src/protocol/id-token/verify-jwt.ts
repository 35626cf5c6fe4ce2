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
import { claimText } from '../../shared/claim-text.js';

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


/** What the token carried against what this client expects, where jose's message names neither. */
function whatToChange(cause: unknown, token: string, options: JWTVerifyOptions): string | undefined {
  if (cause instanceof errors.JWTClaimValidationFailed) {
    if (cause.claim === 'iss') {
      return `its "iss" is ${claimText(cause.payload.iss)}, the issuer is ${claimText(options.issuer)}: set "issuer" (and the metadata's "issuer") to the token's value exactly`;
    }
    if (cause.claim === 'aud') return `its "aud" is ${claimText(cause.payload.aud)}, this client is ${claimText(options.audience)} ("clientId")`;
  }
  if (cause instanceof errors.JOSEAlgNotAllowed) {
    const alg = (decodeProtectedHeader(token) as { alg?: unknown }).alg;
    if (typeof alg === 'string' && /^HS/.test(alg)) {
      return `it is ${alg}-signed, with a secret shared with the server, which a public client cannot have: give the server an asymmetric signing key (RS256 or ES256; authentik: the provider's Signing Key)`;
    }
    return `it is signed with ${claimText(alg)}; the algorithms accepted are ${claimText(options.algorithms)}`;
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
