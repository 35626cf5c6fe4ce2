// glewlwyd 2.7.5 (Debian package), as ../shared/PROVIDERS.md ("glewlwyd") describes it, observed on a
// real installation:
// - PKCE S256 for public clients; single-use refresh tokens; RFC 9207 `iss` and `session_state` in the
//   callback; `token_type: "bearer"`; refresh responses carry no `id_token`; `auth_time` is 0 in
//   every ID token.
// - Without resource indicators, the access token's `aud` is the scope list.
// - Revocation answers 401 to a public client.
// Assumed (not in PROVIDERS.md; the real-glewlwyd e2e test on the `glewlwyd` branch is the judge):
// the discovery members and paths under /api/oidc, a refresh token for every code grant, `aud` = the
// RFC 8707 resource when one is sent, access tokens typed at+jwt, end_session honouring a registered
// post_logout_redirect_uri.
import { APP_ORIGIN, createProviderServer, serverKey } from './provider-server.js';

export const GLEWLWYD_ISSUER = 'https://glewlwyd.example.com/api/oidc';
export const GLEWLWYD_CLIENT_ID = 'orders-spa';

export async function glewlwyd() {
  const I = GLEWLWYD_ISSUER;
  return createProviderServer({
    issuer: I,
    clientId: GLEWLWYD_CLIENT_ID,
    discovery: {
      [`${I}/.well-known/openid-configuration`]: {
        issuer: I,
        authorization_endpoint: `${I}/auth`,
        token_endpoint: `${I}/token`,
        userinfo_endpoint: `${I}/userinfo`,
        jwks_uri: `${I}/jwks`,
        revocation_endpoint: `${I}/revoke`,
        introspection_endpoint: `${I}/introspect`,
        end_session_endpoint: `${I}/end_session`,
        check_session_iframe: `${I}/check_session_iframe/`,
        scopes_supported: ['openid', 'g_profile'],
        response_types_supported: ['code', 'token', 'id_token', 'code id_token', 'code token', 'id_token token', 'code id_token token', 'none'],
        grant_types_supported: ['authorization_code', 'implicit', 'refresh_token'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
        frontchannel_logout_supported: true,
        frontchannel_logout_session_supported: true,
      },
    },
    authorizationEndpoint: `${I}/auth`,
    tokenEndpoint: `${I}/token`,
    jwksUri: `${I}/jwks`,
    revocationEndpoint: `${I}/revoke`,
    logout: { [`${I}/end_session`]: (q, server) => server.rpInitiatedLogout(q, [`${APP_ORIGIN}/`]) },
    keys: [await serverKey('RS256', 'glewlwyd-k1')],
    callbackParams: () => ({ iss: I, session_state: 'glewlwyd-session-state' }),
    idToken: ({ claims }, _grant, grantType) => (grantType === 'refresh_token' ? undefined : { claims: { ...claims, auth_time: 0, azp: GLEWLWYD_CLIENT_ID } }),
    accessToken: ({ claims }, grant) => {
      const resources = grant.query.getAll('resource');
      return { header: { typ: 'at+jwt' }, claims: { ...claims, aud: resources.length ? resources : grant.scope.split(' '), client_id: GLEWLWYD_CLIENT_ID, scope: grant.scope } };
    },
    refresh: { issued: () => true, rotation: 'single-use' },
    revocation: 'unauthorized',
    tokenResponse: (body) => ({ ...body, token_type: 'bearer' }),
  });
}
