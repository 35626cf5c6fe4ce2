import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { ValidationError, type PkceError } from '../../shared/errors.js';
import { withoutStackTrace } from '../without-stack-trace.js';
import { discoverJwksUri } from './discovery.js';
import { fetchJsonObject } from './fetch-json.js';
import type { FetchLike } from '../../shared/fetch-like.js';

/** Where the public keys come from and how they are cached. @internal */
export interface RemoteKeyOptions {
  issuer: string;
  /** Without it, `jwks_uri` comes from the issuer's discovery document. */
  jwksUri: URL | undefined;
  /** Milliseconds after any fetch (successful or not) before another may start for an unknown `kid` or after a failure. */
  cooldownDuration: number;
  /** Milliseconds the JWKS is used before it is fetched again. */
  cacheMaxAge: number;
  /** Milliseconds past `cacheMaxAge` the held keys keep verifying while fetching fresh ones fails. */
  maxStaleAge: number;
  timeout: number;
  fetch: FetchLike | undefined;
}

/** The authorization server's keys, fetched and cached. @internal */
export interface RemoteKeys {
  /** A jose key resolver over the keys held now, fetching them first when needed. */
  readonly getKey: JWTVerifyGetKey;
  /**
   * Called when no held key matches a token: fetches the JWKS again unless one was fetched less than
   * `cooldownDuration` ago. Resolves to true when there are new keys to try, false when it is too
   * soon to look (the last fetch succeeded, so the `kid` really is unknown).
   *
   * @throws the fetch failure, when the fetch made now, or the one that failed within the
   *   cooldown, did not get the keys: whether the `kid` exists cannot be known then.
   */
  refreshForUnknownKey(): Promise<boolean>;
}

/**
 * The authorization server's JWKS, with the resilience an API needs when that server is slow,
 * down, or flooded with forged tokens:
 *
 * - fetched on first use (after reading `jwks_uri` from discovery, once, when not configured),
 *   one fetch at a time however many requests wait for it;
 * - used for `cacheMaxAge`, then fetched again; if that fails, the keys held keep verifying
 *   tokens for `maxStaleAge` more;
 * - after any fetch, successful or failed, no other starts for `cooldownDuration`: unknown `kid`s
 *   within it are answered from the keys held, and a failure is answered by the same error without
 *   a request, so a flood of forged tokens during an outage makes one request per cooldown.
 *
 * Key selection and import stay jose's (`createLocalJWKSet`); a token whose `kid` no held key has
 * is refused before jose is asked (see {@link refuseUnknownKid}).
 *
 * @internal
 */
export function createRemoteKeys(options: RemoteKeyOptions): RemoteKeys {
  const fetchImpl: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  let jwksUri = options.jwksUri;
  let keys: JWTVerifyGetKey | undefined;
  let fetchedAt = -Infinity;
  let attemptedAt = -Infinity;
  let failure: PkceError | undefined;
  let pending: Promise<void> | undefined;

  async function load(): Promise<void> {
    jwksUri ??= await discoverJwksUri(options.issuer, fetchImpl, options.timeout);
    const body = await fetchJsonObject(jwksUri.href, 'the JWKS', fetchImpl, options.timeout, false);
    let next: JWTVerifyGetKey;
    try {
      next = createLocalJWKSet(body as unknown as JSONWebKeySet);
    } catch (cause) {
      throw new ValidationError('invalid_response', `The JWKS ${jwksUri.href} is not a JSON Web Key Set`, cause);
    }
    keys = refuseUnknownKid(next, body as unknown as JSONWebKeySet);
    fetchedAt = Date.now();
  }

  /** One fetch at a time; records when it ended and how. */
  function reload(): Promise<void> {
    pending ??= load().then(
      () => {
        failure = undefined;
        attemptedAt = Date.now();
        pending = undefined;
      },
      (error: unknown) => {
        failure = error as PkceError;
        attemptedAt = Date.now();
        pending = undefined;
        throw error;
      },
    );
    return pending;
  }

  const coolingDown = () => Date.now() < attemptedAt + options.cooldownDuration;
  const usable = (extra: number) => keys !== undefined && Date.now() < fetchedAt + options.cacheMaxAge + extra;

  async function current(): Promise<JWTVerifyGetKey> {
    if (usable(0)) return keys!;
    try {
      if (pending !== undefined) await pending;
      else if (failure !== undefined && coolingDown()) throw failure;
      else await reload();
    } catch (error) {
      if (usable(options.maxStaleAge)) return keys!;
      throw error;
    }
    return keys!;
  }

  return {
    // The common case, fresh keys held, stays synchronous up to jose's own key lookup.
    getKey: (header, token) => (usable(0) ? keys!(header, token) : current().then((held) => held(header, token))),
    async refreshForUnknownKey() {
      if (pending !== undefined) {
        await pending;
        return true;
      }
      if (coolingDown()) {
        if (failure !== undefined) throw failure;
        return false;
      }
      await reload();
      return true;
    },
  };
}

/**
 * jose's resolver over one JWKS, answering a token whose `kid` no key of the set has without asking
 * jose: jose would refuse it with the same {@link errors.JWKSNoMatchingKey}, after building it with
 * two stack captures, which made an unknown `kid` (the forged token of a flood) cost more than a
 * valid token. The condition is jose's own (`createLocalJWKSet`): a header `kid` fits only a key
 * whose `kid` is that same string, so this never refuses a token jose would take. Tokens without
 * `kid`, or with one of the set, go to jose, which selects and imports the key.
 */
function refuseUnknownKid(resolve: JWTVerifyGetKey, jwks: JSONWebKeySet): JWTVerifyGetKey {
  const kids = new Set<unknown>(jwks.keys.map((jwk) => jwk.kid).filter((kid) => typeof kid === 'string'));
  return (header, token) => {
    // jose reads the header as { ...protected, ...unprotected }; a compact JWT has no unprotected one.
    const kid = token?.header === undefined ? header.kid : { ...header, ...token.header }.kid;
    if (kid !== undefined && !kids.has(kid)) throw withoutStackTrace(() => new errors.JWKSNoMatchingKey());
    return resolve(header, token);
  };
}
