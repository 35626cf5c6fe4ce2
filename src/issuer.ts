import { createRemoteJWKSet, customFetch } from 'jose';
import type { Config } from './config.js';
import { discover, type AuthorizationServerMetadata } from './discovery.js';
import { NetworkError, ValidationError } from './errors.js';
import type { HttpOptions } from './http.js';
import { validateIdToken, type IdTokenClaims } from './id-token.js';
import { revokeToken } from './token-endpoint.js';

type RemoteKeys = ReturnType<typeof createRemoteJWKSet>;

/**
 * @internal The authorization server as one client sees it: its metadata (discovered once, or
 * brought by a login transaction) and its signing keys, and ID token checks against them.
 */
export function createIssuer(config: Config, http: HttpOptions) {
  let metadata: Promise<AuthorizationServerMetadata> | undefined;
  let keys: RemoteKeys | undefined;

  const getKeys = (md: AuthorizationServerMetadata): RemoteKeys => {
    if (!md.jwks_uri) throw new ValidationError('invalid_response', 'The metadata has no "jwks_uri" to verify ID tokens with');
    // No cooldown: this client verifies only ID tokens from its own token requests, so no one
    // can flood it with unknown `kid`s, and a key rotated moments ago must still be found.
    return (keys ??= createRemoteJWKSet(new URL(md.jwks_uri), {
      // A failed request is told apart here, where it happens: everything else jose reports about
      // the keys (too short, unusable, none matching) is about the token, not the network.
      [customFetch]: (url: string, init: RequestInit) =>
        (http.fetch ?? fetch)(url, init).catch((cause: unknown) => {
          if ((cause as Error | undefined)?.name === 'TimeoutError') throw cause; // jose reports JWKSTimeout
          throw new NetworkError('network_error', 'Could not fetch the issuer keys (JWKS)', cause);
        }),
      timeoutDuration: config.timeout,
      cooldownDuration: 0,
    }));
  };

  return {
    /** The metadata; a failed discovery is tried again on the next call. */
    getMetadata(): Promise<AuthorizationServerMetadata> {
      return (metadata ??= (config.metadata ? Promise.resolve(config.metadata) : discover(config.issuer, http)).catch((error) => {
        metadata = undefined;
        throw error;
      }));
    },

    /** Adopts metadata a login transaction carried, so the callback page needs no discovery. */
    useMetadata(md: AuthorizationServerMetadata): void {
      metadata ??= Promise.resolve(md);
    },

    /** Starts fetching the keys now, alongside the token request, unless they are fresh. */
    prefetchKeys(md: AuthorizationServerMetadata): void {
      const jwks = getKeys(md);
      if (!jwks.fresh) jwks.reload().catch(() => undefined);
    },

    /** Revokes a refresh token (RFC 7009), best effort: never rejects, since §2.2 lets a server refuse. */
    async revoke(token: string): Promise<void> {
      try {
        const md = await this.getMetadata();
        if (md.revocation_endpoint) {
          await revokeToken({ ...http, revocationEndpoint: md.revocation_endpoint, clientId: config.clientId, token, tokenTypeHint: 'refresh_token' });
        }
      } catch {
        // The token is forgotten here either way.
      }
    },

    /** Validates an ID token from this issuer (OIDC Core §3.1.3.7); see `validateIdToken`. */
    verifyIdToken(
      idToken: string,
      md: AuthorizationServerMetadata,
      expected: { nonce?: string; maxAge?: number } = {},
    ): Promise<IdTokenClaims> {
      return validateIdToken(idToken, {
        issuer: config.issuer,
        clientId: config.clientId,
        jwks: getKeys(md),
        clockTolerance: config.clockTolerance,
        ...expected,
      });
    },
  };
}

/** @internal */
export type Issuer = ReturnType<typeof createIssuer>;
