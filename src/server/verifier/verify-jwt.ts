import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { isPkceError, ValidationError } from '../../shared/errors.js';
import type { RemoteKeys } from '../keys/remote-keys.js';

/** Where a verifier's keys come from. @internal */
export type KeySource =
  | { readonly kind: 'jwks'; readonly keys: RemoteKeys; readonly getKey: JWTVerifyGetKey }
  | { readonly kind: 'secret'; readonly key: () => CryptoKey | JWTVerifyGetKey };

/**
 * The key source of a verifier over the authorization server's keys, with one key resolver for all
 * its verifications (none made per token): what the lookup throws leaves it sorted, a key that
 * cannot be used as {@link ValidationError} `invalid_response`.
 * @internal
 */
export function jwksSource(keys: RemoteKeys): KeySource {
  const sort = (error: unknown): never => {
    if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || isPkceError(error)) throw error;
    throw unusableKey(error);
  };
  const getKey: JWTVerifyGetKey = (header, input) => {
    let key: ReturnType<JWTVerifyGetKey>;
    try {
      key = keys.getKey(header, input);
    } catch (error) {
      return sort(error);
    }
    return key instanceof Promise ? key.then(undefined, sort) : key;
  };
  return { kind: 'jwks', keys, getKey };
}

/**
 * Verifies a JWT's signature and claims with jose's `jwtVerify`, and sorts every failure by what
 * happened:
 *
 * - a jose error: the token is at fault (bad signature, claims, algorithm, no key with its `kid`);
 * - a {@link ValidationError} `invalid_response`: the authorization server's key for this token
 *   cannot be used (an RSA key shorter than 2048 bits, RFC 7518 §3.3; a key with only `x5c`; a key
 *   whose members do not make a key of its `kty`; a private key);
 * - a {@link NetworkError} or other `ValidationError`: the keys could not be fetched.
 *
 * When several keys of the JWKS fit the token's header (RFC 7517 §4.5 makes distinct `kid`s only a
 * SHOULD), each is tried. When no key has the token's `kid`, the JWKS is fetched again once, unless
 * it was fetched within the cooldown.
 *
 * Promise chains (`then`), not `await`, between the caller and jose, on purpose: V8 follows the
 * `await`s above an error when it captures its stack, so each async frame here made every refusal
 * jose builds (two captures each) cost more; a `then` ends that walk at jose's own frames.
 *
 * @internal
 */
export function verifyJwt(token: string, source: KeySource, options: JWTVerifyOptions): Promise<JWTPayload> {
  if (source.kind === 'secret') {
    const key = source.key();
    // Two calls, one per overload of jwtVerify: a key, or a resolver.
    return (typeof key === 'function' ? jwtVerify(token, key, options) : jwtVerify(token, key, options)).then(payloadOf);
  }
  return verifyWithKeySet(token, source, options, true);
}

const payloadOf = (verified: { payload: JWTPayload }): JWTPayload => verified.payload;

/**
 * One attempt with the keys held now. Every failure goes through one handler, so a refusal passes
 * through one promise here, not one per concern.
 *
 * @param mayRefresh - when no key has the token's `kid`, ask for the JWKS again and try once more.
 */
function verifyWithKeySet(token: string, source: KeySource & { kind: 'jwks' }, options: JWTVerifyOptions, mayRefresh: boolean): Promise<JWTPayload> {
  return jwtVerify(token, source.getKey, options).then(payloadOf, (error: unknown) => {
    if (error instanceof errors.JWKSNoMatchingKey && mayRefresh) return retryWithNewKeys(token, source, options, error);
    if (error instanceof errors.JWKSMultipleMatchingKeys) return verifyWithCandidates(token, error, options);
    // jose's verdicts on the token are JOSEErrors, and the key lookup's own failures leave it
    // sorted (jwksSource); anything else is WebCrypto or jose refusing the key chosen (e.g. "RS256
    // requires key modulusLength to be 2048 bits"): jose throws only its own errors before it asks
    // for a key, so no flag per verification needs to say whether one was chosen.
    if (!(error instanceof errors.JOSEError) && !isPkceError(error)) throw unusableKey(error);
    throw error;
  });
}

/** No key has the token's `kid`: the JWKS is fetched again, unless within the cooldown, and tried once more. */
async function retryWithNewKeys(token: string, source: KeySource & { kind: 'jwks' }, options: JWTVerifyOptions, noKey: unknown): Promise<JWTPayload> {
  if (!(await source.keys.refreshForUnknownKey())) throw noKey;
  return verifyWithKeySet(token, source, options, false);
}

/** RFC 7517 §4.5: tries each key that fits the header; jose skips the ones it cannot import. */
async function verifyWithCandidates(
  token: string,
  candidates: errors.JWKSMultipleMatchingKeys,
  options: JWTVerifyOptions,
): Promise<JWTPayload> {
  let tried = 0;
  let keyProblem: unknown;
  for await (const key of candidates) {
    try {
      return (await jwtVerify(token, key, options)).payload;
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) {
        tried++;
        continue;
      }
      // Any other jose error comes after the signature verified: this was the key, the claims failed.
      if (error instanceof errors.JOSEError) throw error;
      keyProblem = error;
    }
  }
  if (tried === 0) throw unusableKey(keyProblem, 'None of the JWKS keys that fit this token can be used');
  throw new errors.JWSSignatureVerificationFailed();
}

function unusableKey(cause: unknown, lead = 'The JWKS key for this token cannot be used'): ValidationError {
  const detail = cause instanceof Error && cause.message !== '' ? `: ${cause.message}` : '';
  return new ValidationError('invalid_response', `${lead}${detail}`, cause);
}
