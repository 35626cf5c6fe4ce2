import { ASYMMETRIC_ALGORITHMS as ASYMMETRIC, type AsymmetricAlgorithm } from '../shared/algorithms.js';
import { ConfigError } from '../shared/errors.js';
import { isSecureUrl } from '../shared/secure-url.js';

export type { AsymmetricAlgorithm } from '../shared/algorithms.js';
import type { FetchLike } from '../shared/fetch-like.js';

export type { FetchLike } from '../shared/fetch-like.js';
import type { DpopNonceSource } from './dpop-nonces.js';
import { memoryReplayCache, type DpopReplayCache } from './replay-cache.js';
import { resolveSecret, type ResolvedSecret } from './secret-key.js';

/** HMAC JWS algorithms a secret-configured verifier may accept (RFC 7518 §3.2). */
export type SymmetricAlgorithm = 'HS256' | 'HS384' | 'HS512';

/**
 * Which access-token profile the verifier enforces.
 *
 * - `'rfc9068'` (default): RFC 9068 §4, the JWT profile for access tokens: the header's `typ` must
 *   be `at+jwt` (or `application/at+jwt`), and `sub` must be present (§2.2), besides `iss`, `aud`
 *   and `exp`. This tells an access token from an ID token or any other JWT the same server signs.
 * - `'plain-jwt'`: for authorization servers that issue access tokens as plain JWTs without that
 *   `typ` (Keycloak, Okta, Entra ID, Cognito, Auth0 by default): `typ` and `sub` are not required.
 *   `iss`, `aud` (or `client_id`, see `clientId`) and `exp` still are.
 */
export type AccessTokenProfile = 'rfc9068' | 'plain-jwt';

/** Options shared by both key modes of {@link createTokenVerifier}. */
export interface TokenVerifierBaseOptions {
  /** The authorization server's issuer identifier; the `iss` claim must equal it exactly. Required. */
  issuer: string;
  /**
   * This API's identifier; the `aud` claim (string or array) must contain it, or one of these.
   * Required, unless `clientId` is given instead.
   */
  audience?: string | readonly string[];
  /**
   * For authorization servers whose access tokens carry `client_id` and no `aud` (Amazon Cognito):
   * instead of the audience, the token's `client_id` claim must equal this value (or one of these),
   * and a token that has an `aud` claim at all is refused (it was meant for some audience, and an ID
   * token, whose `aud` is the client, is never accepted). Only one of `audience` and `clientId`.
   */
  clientId?: string | readonly string[];
  /** The access-token profile: `'rfc9068'` (default) or `'plain-jwt'`. See {@link AccessTokenProfile}. */
  profile?: AccessTokenProfile;
  /** Seconds of clock skew allowed on `exp`, `nbf` and the DPoP proof's `iat`. Default 5. */
  clockTolerance?: number;
  /** Scope values every token must hold, in the claim named by `scopeClaim`. */
  requiredScopes?: readonly string[];
  /**
   * The claim the token's scopes are read from; the other one is ignored, never combined.
   * `'scope'` (default, RFC 9068 §2.2.3, RFC 8693 §4.2): a space-separated string.
   * `'scp'` (Okta, Entra ID): an array of strings, or a space-separated string.
   */
  scopeClaim?: 'scope' | 'scp';
  /** Claims every token must carry, besides those the profile requires. */
  requiredClaims?: readonly string[];
  /**
   * Adds the RFC 9068 §4 `typ: at+jwt` check to `profile: 'plain-jwt'`.
   *
   * @deprecated The RFC 9068 `typ` check is on by default now (`profile: 'rfc9068'`). `true` is
   * accepted (with `profile: 'plain-jwt'` it adds the `typ` check back); `false` is refused: use
   * `profile: 'plain-jwt'`.
   */
  requireAccessTokenType?: boolean;
  /** The `realm` attribute of every `WWW-Authenticate` challenge. */
  realm?: string;
  /** Accept DPoP-bound access tokens (RFC 9449). Off by default. See {@link DpopOptions}. */
  dpop?: DpopOptions | boolean;
}

/**
 * DPoP (RFC 9449 §7): the request carries `Authorization: DPoP <token>` and a `DPoP` proof header
 * signed with the key the token is bound to (`cnf.jkt`).
 *
 * Whatever these options, a DPoP-bound token sent as a Bearer token is refused (§7.2).
 */
export interface DpopOptions {
  /**
   * `'allowed'` (default): Bearer tokens without binding and DPoP-bound tokens with a proof are both
   * accepted. `'required'`: only DPoP-bound tokens; a Bearer request gets a DPoP challenge.
   */
  mode?: 'allowed' | 'required';
  /** JWS algorithms accepted for proofs, sent as `algs` in the challenge. Default: every {@link AsymmetricAlgorithm}. */
  algorithms?: readonly AsymmetricAlgorithm[];
  /**
   * Seconds a proof stays acceptable after its `iat` (plus `clockTolerance` either way). Default 60.
   * Proofs are remembered this long to refuse replays.
   */
  maxProofAge?: number;
  /**
   * The URL of this server as clients call it, when a proxy or load balancer sits in front:
   * `https://api.example.com`, or `https://example.com/api` when the proxy strips `/api`. The proof's
   * `htu` must equal this plus the path the server sees (query and fragment ignored). Without it:
   * the Fetch `request.url`, or on Node `http(s)://` + the `Host` header + `req.originalUrl ?? req.url`.
   */
  publicUrl?: string | URL;
  /** Where seen proofs are remembered. Default: {@link memoryReplayCache}`()`, one per verifier. */
  replayCache?: DpopReplayCache;
  /** Server-provided nonces (RFC 9449 §9): proofs must carry a valid `nonce`. Off by default. */
  nonces?: DpopNonceSource;
}

/**
 * Verify with the authorization server's public keys (the default): from `jwksUri`, or from the
 * `jwks_uri` of `${issuer}/.well-known/openid-configuration`.
 */
export interface JwksTokenVerifierOptions extends TokenVerifierBaseOptions {
  /** The JWKS URL. Without it, the issuer's OpenID Connect discovery document is read once. */
  jwksUri?: string | URL;
  /** Accepted algorithms. Default: every {@link AsymmetricAlgorithm}. HS* and `none` are refused. */
  algorithms?: readonly AsymmetricAlgorithm[];
  /**
   * Milliseconds after a JWKS or discovery fetch, successful or failed, before another may start for
   * an unknown `kid` or after a failure. Default 30000.
   */
  cooldownDuration?: number;
  /** Milliseconds the JWKS is used before it is fetched again. Default 600000; `Infinity` keeps it. */
  cacheMaxAge?: number;
  /**
   * Milliseconds past `cacheMaxAge` during which the keys already held keep verifying tokens while a
   * fresh JWKS cannot be fetched. Default 3600000 (one hour, a common access-token lifetime: tokens
   * issued before an outage stay usable through it). `0` stops at `cacheMaxAge`.
   */
  maxStaleAge?: number;
  /** Milliseconds to wait for the discovery document or the JWKS. Default 5000. */
  timeout?: number;
  /** The `fetch` to use for the discovery document and the JWKS. Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Only with {@link SecretTokenVerifierOptions}. */
  secret?: never;
}

/** Verify HMAC-signed tokens with a secret shared with the authorization server. */
export interface SecretTokenVerifierOptions extends TokenVerifierBaseOptions {
  /**
   * The shared secret: a string (UTF-8) or bytes. Its key material is counted as described in
   * docs/server.md ("Shared secret"): 8 bits a byte for bytes; for a string, 4 bits a character when
   * it is all hexadecimal digits, 6 when it is all base64/base64url characters (trailing `=` not
   * counted), otherwise 8 bits a UTF-8 byte; a secret that repeats a shorter sequence counts that
   * sequence once. HS256 needs 256 bits, HS384 384, HS512 512 (RFC 7518 §3.2).
   */
  secret: string | Uint8Array;
  /**
   * Accepted algorithms. Default: every {@link SymmetricAlgorithm} the secret has enough key
   * material for. Asymmetric ones and `none` are refused.
   */
  algorithms?: readonly SymmetricAlgorithm[];
  /** The JWKS options below belong to {@link JwksTokenVerifierOptions}. */
  jwksUri?: never;
  /** Only with {@link JwksTokenVerifierOptions}: a secret is never fetched. */
  cooldownDuration?: never;
  /** Only with {@link JwksTokenVerifierOptions}. */
  cacheMaxAge?: never;
  /** Only with {@link JwksTokenVerifierOptions}. */
  maxStaleAge?: never;
  /** Only with {@link JwksTokenVerifierOptions}. */
  timeout?: never;
  /** Only with {@link JwksTokenVerifierOptions}. */
  fetch?: never;
}

/** Options of {@link createTokenVerifier}: a JWKS (default) or a shared `secret`, never both. */
export type TokenVerifierOptions = JwksTokenVerifierOptions | SecretTokenVerifierOptions;

/** Validated DPoP options, with defaults. @internal */
export interface ResolvedDpop {
  readonly required: boolean;
  readonly algorithms: string[];
  readonly maxProofAge: number;
  readonly publicUrl: string | undefined;
  readonly replayCache: DpopReplayCache;
  readonly nonces: DpopNonceSource | undefined;
}

/** Validated options, with defaults. @internal */
export interface ResolvedOptions {
  readonly issuer: string;
  readonly audience: string | string[] | undefined;
  readonly clientIds: string[] | undefined;
  readonly algorithms: string[];
  readonly clockTolerance: number;
  readonly requiredScopes: readonly string[];
  readonly scopeClaim: 'scope' | 'scp';
  readonly requiredClaims: string[];
  readonly requireAccessTokenType: boolean;
  readonly realm: string | undefined;
  readonly dpop: ResolvedDpop | undefined;
  readonly key:
    | { readonly kind: 'secret'; readonly secret: ResolvedSecret }
    | {
        readonly kind: 'jwks';
        readonly jwksUri: URL | undefined;
        readonly cooldownDuration: number;
        readonly cacheMaxAge: number;
        readonly maxStaleAge: number;
        readonly timeout: number;
        readonly fetch: FetchLike | undefined;
      };
}

const BASE_KEYS = [
  'issuer', 'audience', 'clientId', 'profile', 'algorithms', 'clockTolerance', 'requiredScopes', 'scopeClaim',
  'requiredClaims', 'requireAccessTokenType', 'realm', 'dpop',
];
const JWKS_KEYS = ['jwksUri', 'cooldownDuration', 'cacheMaxAge', 'maxStaleAge', 'timeout', 'fetch'];
const DPOP_KEYS = ['mode', 'algorithms', 'maxProofAge', 'publicUrl', 'replayCache', 'nonces'];

/**
 * Checks the options once and fills in defaults. Every failure is a {@link ConfigError} whose
 * message names the field.
 *
 * @internal
 */
export function resolveOptions(input: TokenVerifierOptions): ResolvedOptions {
  if (typeof input !== 'object' || input === null) throw new ConfigError('createTokenVerifier() needs an options object');
  const options = input as unknown as Record<string, unknown>;
  const symmetric = options['secret'] !== undefined;

  for (const key of Object.keys(options)) {
    if (options[key] === undefined || BASE_KEYS.includes(key) || key === 'secret') continue;
    if (JWKS_KEYS.includes(key)) {
      if (symmetric) throw new ConfigError(`"${key}" cannot be combined with "secret"`);
      continue;
    }
    throw new ConfigError(`"${key}" is not an option of createTokenVerifier()`);
  }

  const issuer = options['issuer'];
  if (typeof issuer !== 'string' || issuer === '') throw new ConfigError('"issuer" is required');
  if (/^http:/i.test(issuer)) checkUrl('issuer', issuer);

  const jwksUri = symmetric || options['jwksUri'] === undefined ? undefined : checkUrl('jwksUri', options['jwksUri']);
  if (!symmetric && jwksUri === undefined) {
    // The issuer is where discovery starts: it must be an https URL without query or fragment.
    const url = checkUrl('issuer', issuer);
    if (url.search !== '' || url.hash !== '') throw new ConfigError('"issuer" must not have a query or fragment');
  }

  const { audience, clientIds } = resolveAudience(options['audience'], options['clientId']);
  const profile = resolveProfile(options['profile']);
  const typFlag = options['requireAccessTokenType'];
  if (typFlag !== undefined && typFlag !== true) {
    throw new ConfigError(
      typFlag === false
        ? '"requireAccessTokenType: false" no longer turns the RFC 9068 checks off: use profile: "plain-jwt"'
        : '"requireAccessTokenType" must be true or left out',
    );
  }
  const requiredClaims = stringList('requiredClaims', options['requiredClaims']);
  if (profile === 'rfc9068' && !requiredClaims.includes('sub')) requiredClaims.push('sub');
  const clockTolerance = nonNegative('clockTolerance', options['clockTolerance'], 5);
  const secret = symmetric ? resolveSecret(options['secret'], options['algorithms']) : undefined;

  return Object.freeze({
    issuer,
    audience,
    clientIds,
    algorithms: secret?.algorithms ?? resolveAsymmetric('algorithms', options['algorithms'], '"algorithms" with a JWKS'),
    clockTolerance,
    requiredScopes: Object.freeze(resolveScopes('requiredScopes', options['requiredScopes'])),
    scopeClaim: oneOf('scopeClaim', options['scopeClaim'], ['scope', 'scp'] as const, 'scope'),
    requiredClaims,
    requireAccessTokenType: profile === 'rfc9068' || typFlag === true,
    realm: resolveRealm(options['realm']),
    dpop: resolveDpop(options['dpop']),
    key: secret
      ? { kind: 'secret' as const, secret }
      : {
          kind: 'jwks' as const,
          jwksUri,
          cooldownDuration: nonNegative('cooldownDuration', options['cooldownDuration'], 30_000),
          cacheMaxAge: nonNegative('cacheMaxAge', options['cacheMaxAge'], 600_000, true),
          maxStaleAge: nonNegative('maxStaleAge', options['maxStaleAge'], 3_600_000, true),
          timeout: milliseconds('timeout', options['timeout'], 5_000),
          fetch: resolveFetch(options['fetch']),
        },
  });
}

function resolveProfile(value: unknown): AccessTokenProfile {
  return oneOf('profile', value, ['rfc9068', 'plain-jwt'] as const, 'rfc9068');
}

function resolveDpop(value: unknown): ResolvedDpop | undefined {
  if (value === undefined || value === false) return undefined;
  if (value !== true && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new ConfigError('"dpop" must be true, false or an object');
  }
  const options = (value === true ? {} : value) as Record<string, unknown>;
  for (const key of Object.keys(options)) {
    if (options[key] !== undefined && !DPOP_KEYS.includes(key)) throw new ConfigError(`"dpop.${key}" is not a DPoP option`);
  }
  const publicUrl = options['publicUrl'] === undefined ? undefined : checkUrl('dpop.publicUrl', options['publicUrl']);
  if (publicUrl !== undefined && (publicUrl.search !== '' || publicUrl.hash !== '')) {
    throw new ConfigError('"dpop.publicUrl" must not have a query or fragment');
  }
  const replayCache = options['replayCache'] ?? memoryReplayCache();
  if (typeof (replayCache as DpopReplayCache).add !== 'function') {
    throw new ConfigError('"dpop.replayCache" must have an add(id, ttl) method');
  }
  const nonces = options['nonces'] as DpopNonceSource | undefined;
  if (nonces !== undefined && (typeof nonces.current !== 'function' || typeof nonces.isValid !== 'function')) {
    throw new ConfigError('"dpop.nonces" must have current() and isValid(nonce) methods');
  }
  const maxProofAge = nonNegative('dpop.maxProofAge', options['maxProofAge'], 60);
  if (maxProofAge === 0) throw new ConfigError('"dpop.maxProofAge" must be a positive number of seconds');
  return Object.freeze({
    required: oneOf('dpop.mode', options['mode'], ['allowed', 'required'] as const, 'allowed') === 'required',
    algorithms: resolveAsymmetric('dpop.algorithms', options['algorithms'], '"dpop.algorithms"'),
    maxProofAge,
    publicUrl: publicUrl?.href.replace(/\/$/, ''),
    replayCache: replayCache as DpopReplayCache,
    nonces,
  });
}

/**
 * Checks scope values (RFC 6749 §3.3 `scope-token`: printable ASCII except space, `"` and `\`).
 *
 * @internal
 */
export function resolveScopes(field: string, value: unknown): string[] {
  const scopes = stringList(field, value);
  for (const scope of scopes) {
    if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)) {
      throw new ConfigError(`"${field}" holds a value that is not a scope token (no spaces, quotes or backslashes)`);
    }
  }
  return scopes;
}

/** Parses a URL option and refuses plain `http:` unless the host is a loopback address. */
function checkUrl(field: string, value: unknown): URL {
  if (typeof value !== 'string' && !(value instanceof URL)) throw new ConfigError(`"${field}" must be a string or a URL`);
  let url: URL;
  try {
    url = new URL(value instanceof URL ? value.href : value);
  } catch {
    throw new ConfigError(`"${field}" must be an absolute URL`);
  }
  if (isSecureUrl(url)) return url;
  throw new ConfigError(`"${field}" must be an https: URL (plain http: is allowed only for localhost)`);
}

function resolveAudience(audience: unknown, clientId: unknown): { audience: string | string[] | undefined; clientIds: string[] | undefined } {
  if (audience !== undefined && clientId !== undefined) {
    throw new ConfigError('"audience" and "clientId" cannot be combined: "clientId" is for servers whose access tokens have no "aud"');
  }
  if (clientId !== undefined) {
    const ids = typeof clientId === 'string' ? [clientId] : clientId;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((v) => typeof v === 'string' && v !== '')) {
      throw new ConfigError('"clientId" must be a non-empty string or array of strings');
    }
    return { audience: undefined, clientIds: [...(ids as string[])] };
  }
  if (typeof audience === 'string' && audience !== '') return { audience, clientIds: undefined };
  if (Array.isArray(audience) && audience.length > 0 && audience.every((v) => typeof v === 'string' && v !== '')) {
    return { audience: [...(audience as string[])], clientIds: undefined };
  }
  if (audience === undefined) throw new ConfigError('"audience" is required (or "clientId" for tokens without "aud")');
  throw new ConfigError('"audience" must be a non-empty string or array of strings');
}

function resolveAsymmetric(field: string, value: unknown, label: string): string[] {
  if (value === undefined) return [...ASYMMETRIC];
  if (!Array.isArray(value) || value.length === 0) throw new ConfigError(`"${field}" must be a non-empty array`);
  for (const alg of value) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') throw new ConfigError(`"${field}" must not contain "none"`);
    if (typeof alg !== 'string' || !(ASYMMETRIC as readonly string[]).includes(alg)) {
      throw new ConfigError(`${label} accepts only asymmetric algorithms (${ASYMMETRIC.join(', ')}); got ${String(alg)}`);
    }
  }
  return [...new Set(value as string[])];
}

function resolveRealm(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[\x20-\x7e]*$/.test(value)) {
    throw new ConfigError('"realm" must be a string of printable ASCII characters');
  }
  return value;
}

function resolveFetch(value: unknown): FetchLike | undefined {
  if (value === undefined || typeof value === 'function') return value as FetchLike | undefined;
  throw new ConfigError('"fetch" must be a function');
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`"${field}" must be ${allowed.map((v) => JSON.stringify(v)).join(' or ')}`);
  }
  return value as T;
}

function nonNegative(field: string, value: unknown, fallback: number, allowInfinity = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (value === Infinity && !allowInfinity)) {
    throw new ConfigError(`"${field}" must be a non-negative number`);
  }
  return value;
}

/** A whole number of milliseconds, as `AbortSignal.timeout` wants. */
function milliseconds(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new ConfigError(`"${field}" must be a non-negative integer`);
  return value as number;
}

function stringList(field: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw new ConfigError(`"${field}" must be an array of non-empty strings`);
  }
  return [...(value as string[])];
}
