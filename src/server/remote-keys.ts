import { createRemoteJWKSet, customFetch, errors, type JWTVerifyGetKey, type RemoteJWKSet } from 'jose';
import { NetworkError, ValidationError, isPkceError } from '../errors.js';
import { discoverJwksUri } from './discovery.js';
import type { FetchLike } from './options.js';

/** Where the public keys come from and how they are cached. @internal */
export interface RemoteKeyOptions {
  issuer: string;
  /** Without it, `jwks_uri` comes from the issuer's discovery document. */
  jwksUri: URL | undefined;
  cooldownDuration: number;
  cacheMaxAge: number;
  timeout: number;
  fetch: FetchLike | undefined;
}

/**
 * A jose key resolver over the authorization server's JWKS. jose's `createRemoteJWKSet` does the
 * caching, the single in-flight fetch, and the one refetch on an unknown `kid` once the cooldown has
 * passed. The discovery document, when needed, is read on first use, once; a failed read is retried
 * on the next request.
 *
 * Key-selection failures (no key, or several, for the token's header) stay jose errors: they are
 * about the token. Failures to get the keys at all become {@link NetworkError} or
 * {@link ValidationError}: they are about the authorization server, not the token.
 *
 * @internal
 */
export function createRemoteKeys(options: RemoteKeyOptions): JWTVerifyGetKey {
  const fetchImpl = options.fetch ?? ((url, init) => fetch(url, init));
  const open = (url: URL): RemoteJWKSet =>
    createRemoteJWKSet(url, {
      cooldownDuration: options.cooldownDuration,
      cacheMaxAge: options.cacheMaxAge,
      timeoutDuration: options.timeout,
      [customFetch]: fetchImpl,
    });

  let jwks = options.jwksUri === undefined ? undefined : open(options.jwksUri);
  let discovering: Promise<RemoteJWKSet> | undefined;
  const discover = (): Promise<RemoteJWKSet> =>
    (discovering ??= discoverJwksUri(options.issuer, fetchImpl, options.timeout).then(
      (url) => (jwks = open(url)),
      (error: unknown) => {
        discovering = undefined;
        throw error;
      },
    ));

  return async (header, token) => {
    const keys = jwks ?? (await discover());
    try {
      return await keys(header, token);
    } catch (error) {
      throw describeFetchFailure(error);
    }
  };
}

function describeFetchFailure(error: unknown): unknown {
  if (isPkceError(error)) return error;
  if (error instanceof errors.JWKSTimeout) return new NetworkError('timeout', 'Timed out fetching the JWKS', error);
  // Non-200, non-JSON, or not a JWKS: jose throws these while fetching, before any key is chosen.
  if (error instanceof errors.JWKSInvalid || (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC')) {
    return new ValidationError('invalid_response', `The JWKS could not be used: ${error.message}`, error);
  }
  if (error instanceof errors.JOSEError) return error;
  return new NetworkError('network_error', 'Could not fetch the JWKS', error);
}
