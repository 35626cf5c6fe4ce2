// Amazon Cognito, as ../shared/PROVIDERS.md ("Amazon Cognito") describes it:
// - Issuer https://cognito-idp.{region}.amazonaws.com/{pool id}; the endpoints live on the hosted-UI
//   domain; the discovery document as localstack/localstack#12914 shows a real one.
// - `offline_access` is not an allowed scope (invalid_scope); the code grant brings a refresh token
//   anyway. A refresh returns a new refresh token only when rotation is on (Cognito developer guide).
// - The discovered end_session_endpoint (https://DOMAIN/logout) wants `client_id` + `logout_uri` (an
//   allowed sign-out URL), not post_logout_redirect_uri; without it the user lands on an error page.
// - Access tokens carry `client_id` and no `aud`; ID tokens have `aud` = client id.
// Assumed (not in PROVIDERS.md): the token endpoint and /oauth2/revoke answer CORS; with rotation on,
// the old refresh token is refused once used (Cognito allows a grace period; 0 here, the strictest).
import { APP_ORIGIN, createProviderServer, serverKey } from './provider-server.js';

export const COGNITO_ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12Cd34E';
export const COGNITO_DOMAIN = 'https://pkce-spa.auth.eu-west-1.amazoncognito.com';
export const COGNITO_CLIENT_ID = '4pq8ltg0s3v7d2f5h1k9m6n0rb';

export async function cognito(options: { rotation?: boolean } = {}) {
  const D = COGNITO_DOMAIN;
  // The app client's "Allowed sign-out URLs".
  const signOutUrls = [`${APP_ORIGIN}/`];
  return createProviderServer({
    issuer: COGNITO_ISSUER,
    clientId: COGNITO_CLIENT_ID,
    discovery: {
      [`${COGNITO_ISSUER}/.well-known/openid-configuration`]: {
        authorization_endpoint: `${D}/oauth2/authorize`,
        end_session_endpoint: `${D}/logout`,
        id_token_signing_alg_values_supported: ['RS256'],
        issuer: COGNITO_ISSUER,
        jwks_uri: `${COGNITO_ISSUER}/.well-known/jwks.json`,
        response_types_supported: ['code', 'token'],
        revocation_endpoint: `${D}/oauth2/revoke`,
        scopes_supported: ['openid', 'email', 'phone', 'profile'],
        subject_types_supported: ['public'],
        token_endpoint: `${D}/oauth2/token`,
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        userinfo_endpoint: `${D}/oauth2/userInfo`,
      },
    },
    authorizationEndpoint: `${D}/oauth2/authorize`,
    tokenEndpoint: `${D}/oauth2/token`,
    jwksUri: `${COGNITO_ISSUER}/.well-known/jwks.json`,
    revocationEndpoint: `${D}/oauth2/revoke`,
    logout: {
      [`${D}/logout`]: (q) =>
        q.get('client_id') === COGNITO_CLIENT_ID && signOutUrls.includes(q.get('logout_uri') ?? '')
          ? { redirect: q.get('logout_uri')! }
          : { page: 'An error was encountered with the requested page (logout_uri missing or not allowed)' },
    },
    keys: [await serverKey('RS256', 'cognito-k1')],
    refuseAuthorization: (q) =>
      q.get('scope')?.split(' ').includes('offline_access') ? { error: 'invalid_scope', error_description: 'invalid_scope' } : undefined,
    idToken: ({ claims }) => ({
      header: { typ: undefined },
      claims: { ...claims, sub: 'd2b5e4f1-7c3a-4a8e-9b6d-0f1e2d3c4b5a', token_use: 'id', 'cognito:username': 'alice', email_verified: true },
    }),
    accessToken: ({ claims }, grant) => ({
      header: { typ: undefined },
      claims: {
        ...claims,
        sub: 'd2b5e4f1-7c3a-4a8e-9b6d-0f1e2d3c4b5a',
        client_id: COGNITO_CLIENT_ID,
        token_use: 'access',
        scope: grant.scope,
        auth_time: grant.authTime,
        username: 'alice',
      },
    }),
    refresh: { issued: () => true, rotation: options.rotation ? 'single-use' : 'none' },
    tokenResponse: ({ scope: _scope, ...body }) => body,
  });
}
