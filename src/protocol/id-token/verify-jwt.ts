/**
 * Everything that needs jose, in one module that the client loads with a dynamic `import()` only
 * when an ID token is to be verified: the page that shows a signed-in app, or a login button, never
 * downloads the JOSE code; the callback page starts loading it alongside the token request.
 *
 * @internal
 * @packageDocumentation
 */
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, errors, type CompactVerifyGetKey, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { NetworkError, ValidationError, isPkceError } from '../../shared/errors.js';
import { send, type HttpOptions } from '../http.js';
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

/** @internal The issuer's signing keys as the client holds them: a key getter for `compactVerify`. */
export type IssuerKeys = CompactVerifyGetKey & {
  /** Fetches the key set again (one request at a time); rejects as the getter does. */
  reload(): Promise<void>;
  /** True while the key set was fetched less than 10 minutes ago. */
  readonly fresh: boolean;
};

type KeySet = ReturnType<typeof createLocalJWKSet>;

// As long as jose's remote key sets keep theirs: a key set older than this is fetched again before use.
const FRESH_MS = 600_000;

/**
 * @internal The issuer's key set (`jwks_uri`), fetched with the client's own HTTP layer (its
 * timeout, its `fetch`, its network errors) and read by jose's `createLocalJWKSet`, which picks the
 * key for a header (RFC 7517, RFC 7515 §4.1.4). A token whose key is not in the set makes it be
 * fetched once more: the server rotated its keys. No cooldown: the client verifies only ID tokens
 * from its own token requests, so no one can flood it with unknown `kid`s, and a key rotated
 * moments ago must still be found.
 */
export function issuerKeys(jwksUri: string, http: HttpOptions): IssuerKeys {
  let current: KeySet | undefined;
  let fetchedAt = -Infinity;
  let pending: Promise<KeySet> | undefined;
  const fresh = () => Date.now() - fetchedAt < FRESH_MS;
  const reload = (): Promise<KeySet> =>
    (pending ??= fetchKeySet(jwksUri, http)
      .then((set) => {
        current = set;
        fetchedAt = Date.now();
        return set;
      })
      .finally(() => {
        pending = undefined;
      }));
  const getKey: CompactVerifyGetKey = async (header, token) => {
    const set = current && fresh() ? current : await reload();
    try {
      return await set(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      return (await reload())(header, token);
    }
  };
  return Object.defineProperties(getKey, {
    reload: { value: () => reload().then(() => undefined) },
    fresh: { get: () => current !== undefined && fresh() },
  }) as IssuerKeys;
}

/**
 * The JWK Set document (RFC 7517 §5), refused unless it answers 200 with one: as jose's remote key
 * sets do, a redirect is not followed. What the server answered wrongly is `invalid_response`; only a
 * failed request is a network error.
 */
async function fetchKeySet(jwksUri: string, http: HttpOptions): Promise<KeySet> {
  const response = await send(jwksUri, { headers: { accept: 'application/json, application/jwk-set+json' }, redirect: 'manual' }, http);
  if (response.status !== 200) throw new ValidationError('invalid_response', `The issuer's key set (jwks_uri) answered HTTP ${response.status}, not 200`);
  try {
    return createLocalJWKSet((await response.json()) as Parameters<typeof createLocalJWKSet>[0]);
  } catch (cause) {
    throw new ValidationError('invalid_response', "The issuer's key set (jwks_uri) is not a JWK Set (a JSON object with a \"keys\" array)", cause);
  }
}
