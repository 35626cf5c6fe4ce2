// Azure AD B2C, as ../shared/PROVIDERS.md ("Microsoft Entra ID", B2C items) describes it:
// - Discovery is served under the policy URL (https://T.b2clogin.com/T.onmicrosoft.com/<policy>/v2.0/…)
//   while `iss` is https://T.b2clogin.com/<tenant GUID>/v2.0/ with a trailing slash
//   (AzureAD/microsoft-identity-web wiki "Azure-AD-B2C-issuer-claim-support").
// - Token responses carry numbers as strings ("expires_in": "3600")
//   (AzureAD/microsoft-authentication-library-for-js#3234, panva/oauth4webapi#71).
// - As Entra: CORS on the token endpoint for "Single-page application" redirect URIs only, no
//   revocation endpoint, alg-less JWKS keys.
// - Its 404 (discovery under the GUID issuer) has no CORS headers: a page sees a network error
//   (observed by issue 19's one-wrong-setting trial).
// Assumed (not in PROVIDERS.md): nothing is served for discovery under the GUID issuer; the claim
// sets (`tfp`, `scp`, `azp`) follow Microsoft's B2C token reference; refresh tokens are treated as
// single-use, the strictest reading, so a client holding on to an old one would fail here.
import { APP_ORIGIN, REDIRECT_URI, createProviderServer, serverKey } from './provider-server.js';

export const B2C_HOST = 'https://contosob2c.b2clogin.com';
export const B2C_TENANT_ID = '775527ff-9a37-4307-8b3d-cc311f58d925';
export const B2C_POLICY = 'B2C_1_signupsignin';
export const B2C_POLICY_URL = `${B2C_HOST}/contosob2c.onmicrosoft.com/${B2C_POLICY}`;
export const B2C_ISSUER = `${B2C_HOST}/${B2C_TENANT_ID}/v2.0/`;
export const B2C_CLIENT_ID = '90c0fe63-bcf2-44d5-8fb7-b8bbc0b29dc6';
export const B2C_API_CLIENT_ID = '2f3a5b6c-7d8e-4f90-a1b2-c3d4e5f6a7b8';
/** The API's scope prefix (App ID URI + "/"). */
export const B2C_API_SCOPE_PREFIX = 'https://contosob2c.onmicrosoft.com/orders/';

export async function azureAdB2c() {
  const p = B2C_POLICY_URL;
  const endpoints = {
    authorize: `${p}/oauth2/v2.0/authorize`,
    token: `${p}/oauth2/v2.0/token`,
    logout: `${p}/oauth2/v2.0/logout`,
    keys: `${p}/discovery/v2.0/keys`,
  };
  const key = await serverKey('RS256', 'X5eXk4xyojNFum1kl2Ytv8dlNP4-c57dO6QGTVBwaNk');
  const asString = (value: unknown) => (value === undefined ? undefined : String(value));
  return createProviderServer({
    notFoundWithoutCors: true,
    issuer: B2C_ISSUER,
    clientId: B2C_CLIENT_ID,
    discovery: {
      [`${p}/v2.0/.well-known/openid-configuration`]: {
        issuer: B2C_ISSUER,
        authorization_endpoint: endpoints.authorize,
        token_endpoint: endpoints.token,
        end_session_endpoint: endpoints.logout,
        jwks_uri: endpoints.keys,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        response_types_supported: ['code', 'code id_token', 'code token', 'code id_token token', 'id_token', 'id_token token', 'token', 'token id_token'],
        scopes_supported: ['openid'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        claims_supported: ['name', 'emails', 'sub', 'tfp', 'iss', 'iat', 'exp', 'aud', 'acr', 'nonce', 'auth_time'],
      },
    },
    authorizationEndpoint: endpoints.authorize,
    tokenEndpoint: endpoints.token,
    jwksUri: endpoints.keys,
    redirectUris: [REDIRECT_URI, `${APP_ORIGIN}/`],
    logout: { [endpoints.logout]: (q, server) => server.rpInitiatedLogout(q, [REDIRECT_URI, `${APP_ORIGIN}/`]) },
    keys: [key],
    jwks: () => {
      const { alg: _alg, ...rest } = key.jwk;
      return [{ ...rest, nbf: 1493763266 }];
    },
    idToken: ({ claims }) => ({ claims: { ...claims, ver: '1.0', tfp: B2C_POLICY, name: 'Alice Example', emails: ['alice@example.com'] } }),
    accessToken: ({ claims }, grant) => ({
      claims: {
        ...claims,
        aud: B2C_API_CLIENT_ID,
        azp: B2C_CLIENT_ID,
        scp: grant.scope.split(' ').filter((s) => s.startsWith(B2C_API_SCOPE_PREFIX)).map((s) => s.slice(B2C_API_SCOPE_PREFIX.length)).join(' '),
        tfp: B2C_POLICY,
        ver: '1.0',
      },
    }),
    refresh: { issued: (grant) => grant.scope.split(' ').includes('offline_access'), rotation: 'single-use' },
    tokenResponse: (body) => ({
      ...body,
      expires_in: asString(body.expires_in),
      not_before: asString(Math.floor(Date.now() / 1000)),
      id_token_expires_in: '3600',
      refresh_token_expires_in: body.refresh_token ? '86400' : undefined,
      profile_info: 'eyJ2ZXIiOiIxLjAifQ',
    }),
  });
}
