// Ory Hydra, as ../shared/PROVIDERS.md ("Ory Hydra") describes it:
// - Public CORS is off by default (`serve.public.cors`).
// - `token_type` is `bearer` (lower case).
// - Refresh tokens rotate with reuse detection, grace period 0 by default.
// - Access tokens are opaque unless the JWT strategy is on (`strategies.access_token: jwt`).
// Assumed (not in PROVIDERS.md): endpoint paths (/oauth2/auth, /oauth2/token, …); JWT access tokens
// carry `aud` from the `audience` authorization parameter (allowed per client), `client_id` and an
// `scp` array; the issuer is `urls.self.issuer` as configured (here without a trailing slash).
import { APP_ORIGIN, createProviderServer, serverKey } from './provider-server.js';

export const HYDRA_ISSUER = 'https://auth.hydra.example';
export const HYDRA_CLIENT_ID = '8c5a2f3e-1b7d-4e9a-a0c6-3d2f1e0b9a87';

export async function hydra(options: { corsAllowedOrigins?: readonly string[]; accessTokenStrategy?: 'opaque' | 'jwt' } = {}) {
  const I = HYDRA_ISSUER;
  // serve.public.cors.enabled + allowed_origins; off by default.
  const cors = options.corsAllowedOrigins ?? 'none';
  return createProviderServer({
    issuer: I,
    clientId: HYDRA_CLIENT_ID,
    discovery: {
      [`${I}/.well-known/openid-configuration`]: {
        issuer: I,
        authorization_endpoint: `${I}/oauth2/auth`,
        registration_endpoint: `${I}/oauth2/register`,
        token_endpoint: `${I}/oauth2/token`,
        jwks_uri: `${I}/.well-known/jwks.json`,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['code', 'code id_token', 'id_token', 'token id_token', 'token', 'token id_token code'],
        claims_supported: ['sub'],
        grant_types_supported: ['authorization_code', 'implicit', 'client_credentials', 'refresh_token'],
        response_modes_supported: ['query', 'fragment', 'form_post'],
        userinfo_endpoint: `${I}/userinfo`,
        scopes_supported: ['offline_access', 'offline', 'openid'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt', 'none'],
        id_token_signing_alg_values_supported: ['RS256'],
        request_parameter_supported: true,
        request_uri_parameter_supported: true,
        require_request_uri_registration: true,
        claims_parameter_supported: false,
        revocation_endpoint: `${I}/oauth2/revoke`,
        backchannel_logout_supported: true,
        backchannel_logout_session_supported: true,
        frontchannel_logout_supported: true,
        frontchannel_logout_session_supported: true,
        end_session_endpoint: `${I}/oauth2/sessions/logout`,
        code_challenge_methods_supported: ['plain', 'S256'],
      },
    },
    authorizationEndpoint: `${I}/oauth2/auth`,
    tokenEndpoint: `${I}/oauth2/token`,
    jwksUri: `${I}/.well-known/jwks.json`,
    revocationEndpoint: `${I}/oauth2/revoke`,
    logout: { [`${I}/oauth2/sessions/logout`]: (q, server) => server.rpInitiatedLogout(q, [`${APP_ORIGIN}/`]) },
    keys: [await serverKey('RS256', 'public:hydra.openid.id-token')],
    cors: { discovery: cors, jwks: cors, token: cors, revocation: cors },
    idToken: ({ claims }) => ({ claims: { ...claims, aud: [HYDRA_CLIENT_ID], sid: 'hydra-session' } }),
    accessToken: ({ claims }, grant) =>
      options.accessTokenStrategy === 'jwt'
        ? {
            claims: {
              ...claims,
              aud: (grant.query.get('audience') ?? '').split(' ').filter(Boolean),
              client_id: HYDRA_CLIENT_ID,
              nbf: claims.iat,
              scp: grant.scope.split(' '),
              ext: {},
            },
          }
        : 'opaque',
    refresh: { issued: (grant) => grant.scope.split(' ').includes('offline_access'), rotation: 'reuse-detection', graceSeconds: 0 },
    tokenResponse: (body) => ({ ...body, token_type: 'bearer' }),
  });
}
