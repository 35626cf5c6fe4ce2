// LemonLDAP::NG 2.16.1, as ../shared/PROVIDERS.md ("LemonLDAP::NG") observed it (Debian's package):
// - Issuer = the portal URL with its trailing slash. No revocation endpoint, no PAR, no DPoP: the
//   metadata has no dpop_signing_alg_values_supported, and a proof is ignored (token_type Bearer).
// - RS256 once set in the Manager. JWT access tokens typed `JWT` (not `at+jwt`), with the API as an
//   additional audience and `client_id` and `scope`, which an ID token does not carry.
// - No refresh token rotation: the same refresh token is used again. A purged one is answered 400
//   `invalid_request` (RFC 6749 §5.2 would say `invalid_grant`).
// - RP-initiated logout with "Bypass consent" returns to the registered post_logout_redirect_uri.
// - A prompt=none request without a session is answered with the login page (no login_required):
//   an iframe-level behaviour, run in Chromium by test/e2e/restore-and-popup.test.ts.
// Assumed: the endpoint paths under /oauth2/ as the portal's discovery document lists them.
import { APP_ORIGIN, API_ORIGIN, createProviderServer, serverKey } from './provider-server.js';

export const LEMONLDAP_ISSUER = 'https://auth.example.com/';
export const LEMONLDAP_CLIENT_ID = 'orders-spa';

export async function lemonldap() {
  const o = `${LEMONLDAP_ISSUER}oauth2`;
  /** Refresh tokens the portal has purged (its session store expired them): answered `invalid_request`. */
  const purged = new Set<string>();
  const server = createProviderServer({
    issuer: LEMONLDAP_ISSUER,
    clientId: LEMONLDAP_CLIENT_ID,
    discovery: {
      [`${LEMONLDAP_ISSUER}.well-known/openid-configuration`]: {
        issuer: LEMONLDAP_ISSUER,
        authorization_endpoint: `${o}/authorize`,
        token_endpoint: `${o}/token`,
        userinfo_endpoint: `${o}/userinfo`,
        jwks_uri: `${o}/jwks`,
        end_session_endpoint: `${o}/logout`,
        check_session_iframe: `${o}/checksession.html`,
        introspection_endpoint: `${o}/introspect`,
        registration_endpoint: `${o}/register`,
        frontchannel_logout_supported: true,
        backchannel_logout_supported: true,
        scopes_supported: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'],
        response_types_supported: ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
        response_modes_supported: ['query', 'fragment', 'form_post'],
        grant_types_supported: ['authorization_code', 'implicit', 'hybrid', 'refresh_token', 'password', 'client_credentials'],
        code_challenge_methods_supported: ['plain', 'S256'],
        id_token_signing_alg_values_supported: ['none', 'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'client_secret_jwt', 'private_key_jwt'],
        subject_types_supported: ['public'],
        request_parameter_supported: true,
        request_uri_parameter_supported: true,
        claims_parameter_supported: false,
      },
    },
    authorizationEndpoint: `${o}/authorize`,
    tokenEndpoint: `${o}/token`,
    jwksUri: `${o}/jwks`,
    logout: { [`${o}/logout`]: (q, s) => s.rpInitiatedLogout(q, [`${APP_ORIGIN}/`]) },
    keys: [await serverKey('RS256', 'llng-rsa-1')],
    refuseTokenRequest: (form) =>
      form.get('grant_type') === 'refresh_token' && purged.has(form.get('refresh_token') ?? '')
        ? Response.json({ error: 'invalid_request', error_description: 'Invalid refresh token' }, { status: 400 })
        : undefined,
    accessToken: ({ claims }, grant) => ({
      header: { typ: 'JWT' },
      claims: { ...claims, aud: [LEMONLDAP_CLIENT_ID, API_ORIGIN], client_id: LEMONLDAP_CLIENT_ID, scope: grant.scope },
    }),
    // The additional audience lands in the ID token too.
    idToken: ({ claims }) => ({ claims: { ...claims, aud: [LEMONLDAP_CLIENT_ID, API_ORIGIN], azp: LEMONLDAP_CLIENT_ID } }),
    refresh: { issued: (grant) => grant.scope.split(' ').includes('offline_access') || grant.scope.split(' ').includes('openid'), rotation: 'none' },
    expiresIn: 3600,
  });
  return Object.assign(server, {
    /** The portal purges a refresh token (its session expired): presented again, it gets `invalid_request`. */
    purge: (refreshToken: string) => void purged.add(refreshToken),
  });
}
