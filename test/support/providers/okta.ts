// Okta, as ../shared/PROVIDERS.md ("Okta") describes it:
// - Custom authorization server issuer https://ORG.okta.com/oauth2/default; its access tokens have
//   `aud: api://default` and an `scp` array. (The org authorization server's are for Okta's APIs only.)
// - The SPA's origin must be a Trusted Origin, or the token endpoint has no CORS. SPA refresh tokens
//   rotate with reuse detection and a 30 s grace period (okta-developer-docs refresh-tokens guide).
// Assumed (not in PROVIDERS.md): endpoint paths under /v1/ and the claim sets of Okta's token
// reference (`cid`, `uid`, `ver`); /v1/logout wants id_token_hint and a registered sign-out redirect
// URI; the JWKS and discovery answer CORS to any origin, revocation only to trusted origins.
// A token per API: a custom authorization server has one Audience setting, so every access token it
// issues has that `aud`; APIs behind one server tell their tokens apart by scope (`scp`). We found no
// Okta documentation of RFC 8707 `resource` on authorization servers: not modelled. Assumed, as
// RFC 6749 §6 says: a refresh's `scope` narrows the new access token to those scopes (the refresh
// token keeps the sign-in's), and a scope the sign-in was not granted is 400 `invalid_scope` (with
// the description Okta gives that error at /authorize).
import { APP_ORIGIN, createProviderServer, serverKey } from './provider-server.js';

export const OKTA_ORG = 'https://pkce-spa.okta.com';
export const OKTA_ISSUER = `${OKTA_ORG}/oauth2/default`;
export const OKTA_CLIENT_ID = '0oa1b2c3d4e5f6g7h8i9';

export async function okta(options: { trustedOrigins?: readonly string[] } = {}) {
  const I = OKTA_ISSUER;
  const trusted = options.trustedOrigins ?? [APP_ORIGIN];
  // The app integration's "Sign-out redirect URIs".
  const signOutRedirects = [`${APP_ORIGIN}/`];
  const uid = '00u1a2b3c4d5e6f7g8h9';
  return createProviderServer({
    issuer: I,
    clientId: OKTA_CLIENT_ID,
    discovery: {
      [`${I}/.well-known/openid-configuration`]: {
        issuer: I,
        authorization_endpoint: `${I}/v1/authorize`,
        token_endpoint: `${I}/v1/token`,
        userinfo_endpoint: `${I}/v1/userinfo`,
        registration_endpoint: `${OKTA_ORG}/oauth2/v1/clients`,
        jwks_uri: `${I}/v1/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'code token', 'id_token token', 'code id_token token'],
        response_modes_supported: ['query', 'fragment', 'form_post', 'okta_post_message'],
        grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'password', 'urn:ietf:params:oauth:grant-type:device_code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'device_sso'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
        code_challenge_methods_supported: ['S256'],
        introspection_endpoint: `${I}/v1/introspect`,
        revocation_endpoint: `${I}/v1/revoke`,
        end_session_endpoint: `${I}/v1/logout`,
        request_parameter_supported: true,
      },
    },
    authorizationEndpoint: `${I}/v1/authorize`,
    tokenEndpoint: `${I}/v1/token`,
    jwksUri: `${I}/v1/keys`,
    revocationEndpoint: `${I}/v1/revoke`,
    logout: { [`${I}/v1/logout`]: (q, server) => server.rpInitiatedLogout(q, signOutRedirects, { idTokenHintRequired: true }) },
    keys: [await serverKey('RS256', 'okta-k1')],
    cors: { token: trusted, revocation: trusted },
    idToken: ({ claims }) => ({ claims: { ...claims, sub: uid, ver: 1, name: 'Alice Example', preferred_username: 'alice@example.com', amr: ['pwd'], idp: '00o1idp' } }),
    refreshRequest: (grant, form) => {
      const asked = form.get('scope')?.split(' ').filter(Boolean);
      if (!asked) return grant;
      if (asked.some((s) => !grant.scope.split(' ').includes(s))) {
        return { refused: { error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, or malformed.' } };
      }
      return { ...grant, scope: asked.join(' ') };
    },
    accessToken: ({ claims }, grant) => ({
      claims: { ...claims, ver: 1, aud: 'api://default', cid: OKTA_CLIENT_ID, uid, sub: 'alice@example.com', scp: grant.scope.split(' '), auth_time: grant.authTime },
    }),
    refresh: { issued: (grant) => grant.scope.split(' ').includes('offline_access'), rotation: 'reuse-detection', graceSeconds: 30 },
  });
}
