// Google, as ../shared/PROVIDERS.md ("Google") describes it:
// - The token endpoint requires `client_secret` even with PKCE ("client_secret is missing."); a pure
//   SPA cannot complete the code exchange (manfredsteyer/angular-oauth2-oidc#812, openid/AppAuth-JS#91).
// - `offline_access` is refused; refresh tokens come with `access_type=offline`. Access tokens are
//   opaque. No end_session_endpoint.
// Assumed (not in PROVIDERS.md): the discovery document's other members, as Google publishes them.
import { API_ORIGIN, createProviderServer, serverKey } from './provider-server.js';

export const GOOGLE_ISSUER = 'https://accounts.google.com';
export const GOOGLE_CLIENT_ID = '123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com';
/** Known only to the backend that redeems codes (a backend-for-frontend). */
export const GOOGLE_CLIENT_SECRET = 'test-only-not-a-real-secret';
/** The backend-for-frontend's callback, on its own origin (RFC 10017 §6.1). */
export const BFF_REDIRECT_URI = `${API_ORIGIN}/auth/callback`;

export async function google() {
  const json = (body: unknown) => new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/json' } });
  return createProviderServer({
    issuer: GOOGLE_ISSUER,
    clientId: GOOGLE_CLIENT_ID,
    discovery: {
      [`${GOOGLE_ISSUER}/.well-known/openid-configuration`]: {
        issuer: GOOGLE_ISSUER,
        authorization_endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
        device_authorization_endpoint: 'https://oauth2.googleapis.com/device/code',
        token_endpoint: 'https://oauth2.googleapis.com/token',
        userinfo_endpoint: 'https://openidconnect.googleapis.com/v1/userinfo',
        revocation_endpoint: 'https://oauth2.googleapis.com/revoke',
        jwks_uri: 'https://www.googleapis.com/oauth2/v3/certs',
        response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token', 'none'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'email', 'profile'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        claims_supported: ['aud', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'iss', 'name', 'picture', 'sub'],
        code_challenge_methods_supported: ['plain', 'S256'],
        grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      },
    },
    authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenEndpoint: 'https://oauth2.googleapis.com/token',
    jwksUri: 'https://www.googleapis.com/oauth2/v3/certs',
    revocationEndpoint: 'https://oauth2.googleapis.com/revoke',
    redirectUris: ['https://app.example/callback', BFF_REDIRECT_URI],
    keys: [await serverKey('RS256', 'google-k1')],
    refuseAuthorization: (q) =>
      q.get('scope')?.split(' ').includes('offline_access') ? { error: 'invalid_scope', error_description: 'Some requested scopes were invalid.' } : undefined,
    refuseTokenRequest: (form) =>
      form.get('client_secret') === null
        ? json({ error: 'invalid_request', error_description: 'client_secret is missing.' })
        : form.get('client_secret') !== GOOGLE_CLIENT_SECRET
          ? json({ error: 'invalid_client', error_description: 'Unauthorized' })
          : undefined,
    accessToken: () => 'opaque',
    refresh: { issued: (grant) => grant.query.get('access_type') === 'offline', rotation: 'none' },
    expiresIn: 3599,
  });
}
