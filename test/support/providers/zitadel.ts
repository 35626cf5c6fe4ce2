// ZITADEL, as ../shared/PROVIDERS.md ("ZITADEL") describes it:
// - ID token `aud` = [client id, project id] with `azp`.
// - Access tokens are opaque unless the app's token type is JWT.
// Assumed (not in PROVIDERS.md): endpoint paths (/oauth/v2/…, /oidc/v1/…); JWT access tokens carry
// the same `aud` as ID tokens (the client and its project, which is what an API of the same project
// checks) and `client_id`; refresh tokens need `offline_access` and are single-use.
import { APP_ORIGIN, createProviderServer, serverKey } from './provider-server.js';

export const ZITADEL_ISSUER = 'https://pkce-spa-x7k2qd.zitadel.cloud';
export const ZITADEL_CLIENT_ID = '245678901234567890@orders';
export const ZITADEL_PROJECT_ID = '245678901234567123';

export async function zitadel(options: { tokenType?: 'bearer' | 'jwt' } = {}) {
  const I = ZITADEL_ISSUER;
  const aud = [ZITADEL_CLIENT_ID, ZITADEL_PROJECT_ID];
  return createProviderServer({
    issuer: I,
    clientId: ZITADEL_CLIENT_ID,
    discovery: {
      [`${I}/.well-known/openid-configuration`]: {
        issuer: I,
        authorization_endpoint: `${I}/oauth/v2/authorize`,
        token_endpoint: `${I}/oauth/v2/token`,
        introspection_endpoint: `${I}/oauth/v2/introspect`,
        userinfo_endpoint: `${I}/oidc/v1/userinfo`,
        revocation_endpoint: `${I}/oauth/v2/revoke`,
        end_session_endpoint: `${I}/oidc/v1/end_session`,
        device_authorization_endpoint: `${I}/oauth/v2/device_authorization`,
        jwks_uri: `${I}/oauth/v2/keys`,
        scopes_supported: ['openid', 'profile', 'email', 'phone', 'address', 'offline_access'],
        response_types_supported: ['code', 'id_token', 'id_token token'],
        grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'urn:ietf:params:oauth:grant-type:device_code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['EdDSA', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'],
        token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
        code_challenge_methods_supported: ['S256'],
        request_parameter_supported: true,
      },
    },
    authorizationEndpoint: `${I}/oauth/v2/authorize`,
    tokenEndpoint: `${I}/oauth/v2/token`,
    jwksUri: `${I}/oauth/v2/keys`,
    revocationEndpoint: `${I}/oauth/v2/revoke`,
    logout: { [`${I}/oidc/v1/end_session`]: (q, server) => server.rpInitiatedLogout(q, [`${APP_ORIGIN}/`]) },
    keys: [await serverKey('RS256', '245678901234560001')],
    idToken: ({ claims }) => ({ claims: { ...claims, sub: '245678901234569999', aud, azp: ZITADEL_CLIENT_ID, client_id: ZITADEL_CLIENT_ID } }),
    accessToken: ({ claims }) =>
      options.tokenType === 'jwt' ? { claims: { ...claims, sub: '245678901234569999', aud, client_id: ZITADEL_CLIENT_ID, nbf: claims.iat } } : 'opaque',
    refresh: { issued: (grant) => grant.scope.split(' ').includes('offline_access'), rotation: 'single-use' },
    expiresIn: 43199,
  });
}
