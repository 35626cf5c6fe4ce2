// authentik, as ../shared/PROVIDERS.md ("authentik") describes it:
// - Issuer https://HOST/application/o/<slug>/ (trailing slash required).
// - Without a selected signing key, ID tokens are HS256 with the client secret.
// - /revoke answers without CORS headers (goauthentik/authentik#11057), though a CORS-simple POST
//   still reaches it. Discovery has no code_challenge_methods_supported.
// From goauthentik/authentik#25235 (not in PROVIDERS.md): access tokens have `aud` = the client id;
// a scope mapping returning `aud` sets it in the access token (documented, #4021) and, by a bug, in
// the ID token too, which no OpenID Connect client may accept.
// Assumed: endpoint paths as authentik's discovery documents show them; refresh tokens with
// offline_access, single-use; the end-session page honours a registered post_logout_redirect_uri.
import { SignJWT } from 'jose';
import { APP_ORIGIN, createProviderServer, serverKey } from './provider-server.js';

export const AUTHENTIK_HOST = 'https://authentik.example.com';
export const AUTHENTIK_ISSUER = `${AUTHENTIK_HOST}/application/o/orders-spa/`;
export const AUTHENTIK_CLIENT_ID = 'Rk3dP9sLm2QvX7nT4wYb8cJh1fZa6uGe0iOy5KxN';
/** authentik generates a secret even for a public client: the HS256 key when no signing key is set. */
const CLIENT_SECRET = 'test-only-authentik-client-secret-0123456789abcdef0123456789abcdef';

export async function authentik(options: { signingKey?: boolean; audienceMapping?: string } = {}) {
  const { signingKey = true } = options;
  const o = `${AUTHENTIK_HOST}/application/o`;
  const aud = options.audienceMapping ?? AUTHENTIK_CLIENT_ID;
  return createProviderServer({
    issuer: AUTHENTIK_ISSUER,
    clientId: AUTHENTIK_CLIENT_ID,
    discovery: {
      [`${o}/orders-spa/.well-known/openid-configuration`]: {
        issuer: AUTHENTIK_ISSUER,
        authorization_endpoint: `${o}/authorize/`,
        token_endpoint: `${o}/token/`,
        userinfo_endpoint: `${o}/userinfo/`,
        end_session_endpoint: `${o}/orders-spa/end-session/`,
        introspection_endpoint: `${o}/introspect/`,
        revocation_endpoint: `${o}/revoke/`,
        device_authorization_endpoint: `${o}/device/`,
        response_types_supported: ['code', 'id_token', 'id_token token', 'code token', 'code id_token', 'code id_token token'],
        response_modes_supported: ['query', 'fragment', 'form_post'],
        jwks_uri: `${o}/orders-spa/jwks/`,
        grant_types_supported: ['authorization_code', 'refresh_token', 'implicit', 'client_credentials', 'password', 'urn:ietf:params:oauth:grant-type:device_code'],
        id_token_signing_alg_values_supported: [signingKey ? 'RS256' : 'HS256'],
        subject_types_supported: ['public'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        scopes_supported: ['openid', 'email', 'profile', 'offline_access'],
        request_parameter_supported: false,
        claims_parameter_supported: false,
      },
    },
    authorizationEndpoint: `${o}/authorize/`,
    tokenEndpoint: `${o}/token/`,
    jwksUri: `${o}/orders-spa/jwks/`,
    revocationEndpoint: `${o}/revoke/`,
    logout: { [`${o}/orders-spa/end-session/`]: (q, server) => server.rpInitiatedLogout(q, [`${APP_ORIGIN}/`]) },
    keys: [await serverKey('RS256', 'authentik-k1')],
    jwks: (keys) => (signingKey ? keys.map((k) => k.jwk) : []),
    cors: { revocation: 'none' },
    idToken: ({ claims }) => ({ claims: { ...claims, sub: 'a7c4e9f2b1d8', aud, azp: AUTHENTIK_CLIENT_ID, preferred_username: 'alice', acr: 'goauthentik.io/providers/oauth2/default' } }),
    signIdToken: signingKey
      ? undefined
      : ({ claims }) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(CLIENT_SECRET)),
    accessToken: ({ claims }, grant) => ({ claims: { ...claims, sub: 'a7c4e9f2b1d8', aud, azp: AUTHENTIK_CLIENT_ID, scope: grant.scope, uid: 'x1y2z3' } }),
    refresh: { issued: (grant) => grant.scope.split(' ').includes('offline_access'), rotation: 'single-use' },
    expiresIn: 300,
  });
}
