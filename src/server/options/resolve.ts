import { ConfigError } from '../../shared/errors.js';
import type { FetchLike } from '../../shared/fetch-like.js';
import { memoryReplayCache } from '../dpop/memory-replay-cache.js';
import { rotatingDpopNonces } from '../dpop/nonces.js';
import type { ProofPolicy } from '../dpop/proof.js';
import type { DpopNonceSource, DpopReplayCache } from '../dpop/types.js';
import { resolveSecret, type ResolvedSecret } from '../keys/secret-key.js';
import type { AccessTokenProfile, TokenVerifierOptions } from './types.js';
import { checkUrl, milliseconds, nonNegative, oneOf, resolveAsymmetric, resolveFetch, resolveScopes, stringList } from './validators.js';

/** Validated DPoP options, with defaults. @internal */
export interface ResolvedDpop extends ProofPolicy {
  readonly required: boolean;
  /** The URLs clients call; `htu` must be one of them plus the request path. */
  readonly publicUrls: readonly string[] | undefined;
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
  readonly profile: AccessTokenProfile;
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
  'requiredClaims', 'realm', 'dpop',
];
const JWKS_KEYS = ['jwksUri', 'cooldownDuration', 'cacheMaxAge', 'maxStaleAge', 'timeout', 'fetch'];
const DPOP_KEYS = ['mode', 'algorithms', 'maxProofAge', 'clockSkew', 'publicUrl', 'replayCache', 'nonces'];

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
    profile,
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
  const publicUrls = resolvePublicUrls(options['publicUrl']);
  const replayCache = options['replayCache'] ?? memoryReplayCache();
  if (typeof (replayCache as DpopReplayCache).add !== 'function') {
    throw new ConfigError('"dpop.replayCache" must have an add(id, ttl) method');
  }
  const nonces = resolveNonces(options['nonces']);
  const maxProofAge = nonNegative('dpop.maxProofAge', options['maxProofAge'], 60);
  if (maxProofAge === 0) throw new ConfigError('"dpop.maxProofAge" must be a positive number of seconds');
  return Object.freeze({
    required: oneOf('dpop.mode', options['mode'], ['allowed', 'required'] as const, 'allowed') === 'required',
    algorithms: resolveAsymmetric('dpop.algorithms', options['algorithms'], '"dpop.algorithms"'),
    maxProofAge,
    clockSkew: nonNegative('dpop.clockSkew', options['clockSkew'], nonces === undefined ? 5 : 60),
    publicUrls,
    replayCache: replayCache as DpopReplayCache,
    nonces,
  });
}

/** The API's public URLs, as origins or origin + path prefix without a trailing `/`. */
function resolvePublicUrls(value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  if (list.length === 0) throw new ConfigError('"dpop.publicUrl" must be a URL or a non-empty list of URLs');
  return Object.freeze(
    list.map((item) => {
      const url = checkUrl('dpop.publicUrl', item);
      if (url.search !== '' || url.hash !== '') throw new ConfigError('"dpop.publicUrl" must not have a query or fragment');
      return url.href.replace(/\/$/, '');
    }),
  );
}

/** Server nonces are on unless turned off: a proof made ahead then stops working with its nonce. */
function resolveNonces(value: unknown): DpopNonceSource | undefined {
  if (value === false) return undefined;
  if (value === undefined) return rotatingDpopNonces();
  const nonces = value as DpopNonceSource;
  if (typeof nonces !== 'object' || nonces === null || typeof nonces.current !== 'function' || typeof nonces.isValid !== 'function') {
    throw new ConfigError('"dpop.nonces" must be false or have current() and isValid(nonce) methods');
  }
  return nonces;
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

function resolveRealm(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[\x20-\x7e]*$/.test(value)) {
    throw new ConfigError('"realm" must be a string of printable ASCII characters');
  }
  return value;
}
