import { ConfigError } from '../errors.js';

/**
 * Asymmetric JWS algorithms a JWKS-configured verifier may accept (RFC 7518 §3, RFC 8037, RFC 9864).
 * `EdDSA` and `Ed25519` name the same Ed25519 signatures.
 */
export type AsymmetricAlgorithm =
  | 'RS256' | 'RS384' | 'RS512'
  | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'ES512'
  | 'EdDSA' | 'Ed25519';

/** HMAC JWS algorithms a secret-configured verifier may accept (RFC 7518 §3.2). */
export type SymmetricAlgorithm = 'HS256' | 'HS384' | 'HS512';

const ASYMMETRIC: readonly AsymmetricAlgorithm[] = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
];
const SYMMETRIC: readonly SymmetricAlgorithm[] = ['HS256', 'HS384', 'HS512'];

/**
 * A `fetch` the verifier may call for the discovery document and the JWKS. The global `fetch`
 * fits, and so does any function taking a URL string and `RequestInit`.
 */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Options shared by both key modes of {@link createTokenVerifier}. */
export interface TokenVerifierBaseOptions {
  /** The authorization server's issuer identifier; the `iss` claim must equal it exactly. Required. */
  issuer: string;
  /** This API's identifier; the `aud` claim (string or array) must contain it, or one of these. Required. */
  audience: string | readonly string[];
  /** Seconds of clock skew allowed on `exp` and `nbf`. Default 5. */
  clockTolerance?: number;
  /** Scope values every token must hold, in its `scope` (space-separated) or `scp` claim. */
  requiredScopes?: readonly string[];
  /** Claims every token must carry, besides `iss`, `aud` and `exp` (always required). */
  requiredClaims?: readonly string[];
  /** Require the RFC 9068 header `typ: at+jwt` (or `application/at+jwt`). Default false. */
  requireAccessTokenType?: boolean;
  /** The `realm` attribute of every `WWW-Authenticate` challenge. */
  realm?: string;
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
  /** Milliseconds after a JWKS fetch before an unknown `kid` may fetch it again. Default 30000. */
  cooldownDuration?: number;
  /** Milliseconds the JWKS is kept before it is fetched again. Default 600000; `Infinity` keeps it. */
  cacheMaxAge?: number;
  /** Milliseconds to wait for the discovery document or the JWKS. Default 5000. */
  timeout?: number;
  /** The `fetch` to use for the discovery document and the JWKS. Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Only with {@link SecretTokenVerifierOptions}. */
  secret?: never;
}

/** Verify HMAC-signed tokens with a secret shared with the authorization server. */
export interface SecretTokenVerifierOptions extends TokenVerifierBaseOptions {
  /** The shared secret: a string (UTF-8) or bytes, at least 32 bytes long (RFC 7518 §3.2). */
  secret: string | Uint8Array;
  /** Accepted algorithms. Default: every {@link SymmetricAlgorithm}. Asymmetric ones and `none` are refused. */
  algorithms?: readonly SymmetricAlgorithm[];
  /** The JWKS options below belong to {@link JwksTokenVerifierOptions}. */
  jwksUri?: never;
  cooldownDuration?: never;
  cacheMaxAge?: never;
  timeout?: never;
  fetch?: never;
}

/** Options of {@link createTokenVerifier}: a JWKS (default) or a shared `secret`, never both. */
export type TokenVerifierOptions = JwksTokenVerifierOptions | SecretTokenVerifierOptions;

/** Validated options, with defaults. @internal */
export interface ResolvedOptions {
  readonly issuer: string;
  readonly audience: string | string[];
  readonly algorithms: string[];
  readonly clockTolerance: number;
  readonly requiredScopes: readonly string[];
  readonly requiredClaims: string[];
  readonly requireAccessTokenType: boolean;
  readonly realm: string | undefined;
  readonly key:
    | { readonly kind: 'secret'; readonly secret: Uint8Array }
    | {
        readonly kind: 'jwks';
        readonly jwksUri: URL | undefined;
        readonly cooldownDuration: number;
        readonly cacheMaxAge: number;
        readonly timeout: number;
        readonly fetch: FetchLike | undefined;
      };
}

const BASE_KEYS = ['issuer', 'audience', 'algorithms', 'clockTolerance', 'requiredScopes', 'requiredClaims', 'requireAccessTokenType', 'realm'];
const JWKS_KEYS = ['jwksUri', 'cooldownDuration', 'cacheMaxAge', 'timeout', 'fetch'];

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

  return Object.freeze({
    issuer,
    audience: resolveAudience(options['audience']),
    algorithms: resolveAlgorithms(options['algorithms'], symmetric),
    clockTolerance: nonNegative('clockTolerance', options['clockTolerance'], 5),
    requiredScopes: Object.freeze(resolveScopes('requiredScopes', options['requiredScopes'])),
    requiredClaims: stringList('requiredClaims', options['requiredClaims']),
    requireAccessTokenType: flag('requireAccessTokenType', options['requireAccessTokenType']),
    realm: resolveRealm(options['realm']),
    key: symmetric
      ? { kind: 'secret' as const, secret: resolveSecret(options['secret']) }
      : {
          kind: 'jwks' as const,
          jwksUri,
          cooldownDuration: nonNegative('cooldownDuration', options['cooldownDuration'], 30_000),
          cacheMaxAge: nonNegative('cacheMaxAge', options['cacheMaxAge'], 600_000, true),
          timeout: milliseconds('timeout', options['timeout'], 5_000),
          fetch: resolveFetch(options['fetch']),
        },
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
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new ConfigError(`"${field}" must be an https: URL (plain http: is allowed only for localhost)`);
}

/** localhost, 127.0.0.0/8 or [::1]. @internal */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function resolveAudience(value: unknown): string | string[] {
  if (typeof value === 'string' && value !== '') return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '')) {
    return [...(value as string[])];
  }
  if (value === undefined) throw new ConfigError('"audience" is required');
  throw new ConfigError('"audience" must be a non-empty string or array of strings');
}

function resolveAlgorithms(value: unknown, symmetric: boolean): string[] {
  const allowed: readonly string[] = symmetric ? SYMMETRIC : ASYMMETRIC;
  if (value === undefined) return [...allowed];
  if (!Array.isArray(value) || value.length === 0) throw new ConfigError('"algorithms" must be a non-empty array');
  for (const alg of value) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') throw new ConfigError('"algorithms" must not contain "none"');
    if (typeof alg !== 'string' || !allowed.includes(alg)) {
      throw new ConfigError(
        symmetric
          ? `"algorithms" with "secret" accepts only ${SYMMETRIC.join(', ')}; got ${String(alg)}`
          : `"algorithms" with a JWKS accepts only asymmetric algorithms (${ASYMMETRIC.join(', ')}); got ${String(alg)}`,
      );
    }
  }
  return [...new Set(value as string[])];
}

function resolveSecret(value: unknown): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value === 'string') bytes = new TextEncoder().encode(value);
  else if (value instanceof Uint8Array) bytes = new Uint8Array(value);
  else throw new ConfigError('"secret" must be a string or a Uint8Array');
  // RFC 7518 §3.2 / RFC 8725 §3.5: an HMAC key at least as long as the hash output.
  if (bytes.length < 32) throw new ConfigError('"secret" must be at least 32 bytes long');
  return bytes;
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

function flag(field: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new ConfigError(`"${field}" must be true or false`);
  return value;
}

function stringList(field: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw new ConfigError(`"${field}" must be an array of non-empty strings`);
  }
  return [...(value as string[])];
}
