import type { Config } from './options.js';
import { discover, validateMetadata, type AuthorizationServerMetadata } from '../protocol/discovery.js';
import { ValidationError, isPkceError, type PkceError } from '../shared/errors.js';
import { loadJose } from '../protocol/id-token/validate.js';
import type { RevocationFailure } from '../session/events.js';
import type { DpopSigner, HttpOptions } from '../protocol/http.js';
import type { IdTokenClaims } from '../protocol/id-token/claims.js';
import type { IssuerKeys } from '../protocol/id-token/verify-jwt.js';
// The ID token checks (with jose, loadJose) and revocation load when first used: a signed-out page
// needs neither. The loader itself is imported here, so the checks come in one request.

/** @internal What a revocation came to. */
export type RevocationResult = { revoked: true } | ({ revoked: false } & RevocationFailure);

/**
 * @internal The authorization server as one client sees it: its metadata (discovered once, or
 * brought by a login transaction) and its signing keys, and ID token checks against them.
 */
export function createIssuer(config: Config, http: HttpOptions) {
  let metadata: Promise<AuthorizationServerMetadata> | undefined;
  let keys: Promise<IssuerKeys> | undefined;

  const getKeys = (md: AuthorizationServerMetadata): Promise<IssuerKeys> => {
    const { jwks_uri: jwksUri } = md;
    if (!jwksUri) return Promise.reject(new ValidationError('invalid_response', 'The metadata has no "jwks_uri" to verify ID tokens with'));
    return (keys ??= loadJose().then(
      ({ issuerKeys }) => issuerKeys(jwksUri, http),
      (error: unknown) => {
        keys = undefined;
        throw error;
      },
    ));
  };

  return {
    /** The metadata; a failed discovery is tried again on the next call. */
    getMetadata(): Promise<AuthorizationServerMetadata> {
      const options = { ...http, multiTenant: !!config.multiTenant, overrides: config.metadataOverrides };
      return (metadata ??= (config.metadata ? Promise.resolve(config.metadata) : discover(config.issuer, options)).catch((error) => {
        metadata = undefined;
        throw error;
      }));
    },

    /**
     * Adopts metadata a login transaction carried, so the callback page needs no discovery. It is
     * checked again against the configured issuer: the transaction is storage, and storage is input.
     *
     * @throws {@link ValidationError} as `validateMetadata` does.
     */
    useMetadata(md: AuthorizationServerMetadata): AuthorizationServerMetadata {
      const checked = validateMetadata(config.issuer, md, { multiTenant: !!config.multiTenant });
      metadata ??= Promise.resolve(checked);
      return checked;
    },

    /** Starts loading the ID token checks (and jose) now: a code, and with it an ID token, is on its way. */
    preloadChecks(): void {
      loadJose().catch(() => undefined);
    },

    /** Starts loading jose and fetching the keys now, alongside the token request, unless they are fresh. */
    prefetchKeys(md: AuthorizationServerMetadata): void {
      getKeys(md)
        .then((jwks) => (jwks.fresh ? undefined : jwks.reload()))
        .catch(() => undefined);
    },

    /**
     * Revokes a refresh token (RFC 7009). Never rejects: the token is forgotten here either way,
     * and what the server made of it is the result.
     */
    async revoke(token: string, dpop?: DpopSigner): Promise<RevocationResult> {
      let md: AuthorizationServerMetadata;
      try {
        md = await this.getMetadata();
      } catch (error) {
        return { revoked: false, reason: 'unconfirmed', error: error as PkceError };
      }
      if (!md.revocation_endpoint) return { revoked: false, reason: 'no_endpoint' };
      try {
        const { revokeToken } = await import('../protocol/token-endpoint.js');
        await revokeToken({ ...http, dpop, revocationEndpoint: md.revocation_endpoint, clientId: config.clientId, token, tokenTypeHint: 'refresh_token' });
        return { revoked: true };
      } catch (error) {
        // An answer refused it (a 401 for a public client); no answer (network, or no CORS on the
        // answer, as authentik's /revoke) leaves it unknown whether the server revoked it.
        const refused = isPkceError(error) && !isPkceError(error, 'network_error') && !isPkceError(error, 'timeout');
        return { revoked: false, reason: refused ? 'refused' : 'unconfirmed', error: error as PkceError };
      }
    },

    /**
     * Validates an ID token from this issuer (OIDC Core §3.1.3.7; see `validateIdToken`); a
     * refreshed one also against the claims it follows (§12.2).
     */
    async verifyIdToken(
      idToken: string,
      md: AuthorizationServerMetadata,
      expected: { nonce?: string; maxAge?: number; previous?: IdTokenClaims; currentTime?: number } = {},
    ): Promise<IdTokenClaims> {
      const { previous, ...checks } = expected;
      const { checkIdToken, checkRefreshedIdToken } = await loadJose();
      const claims = await checkIdToken(idToken, {
        // The published issuer: the configured one, or with multiTenant its `{tenantid}` template.
        issuer: md.issuer,
        tenants: config.multiTenant?.tenants,
        clientId: config.clientId,
        jwks: await getKeys(md),
        clockTolerance: config.clockTolerance,
        ...checks,
      });
      if (previous) checkRefreshedIdToken(previous, claims);
      return claims;
    },
  };
}

/** @internal */
export type Issuer = ReturnType<typeof createIssuer>;
