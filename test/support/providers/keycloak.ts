// Keycloak (current), as ../shared/PROVIDERS.md ("Keycloak") describes it:
// - Advertises and sends the RFC 9207 `iss`; a revocation endpoint with CORS (keycloak/keycloak#8384);
//   ID tokens with `azp`; RS256, ES256, PS256, EdDSA keys; the JWKS also lists an `enc` key.
// - `offline_access` yields an offline token that survives SSO logout (keycloak/keycloak#34001).
// - Access tokens have `aud: account` unless an audience mapper adds your API.
// Assumed (not in PROVIDERS.md): endpoint paths under /protocol/openid-connect/, `session_state` in
// the callback, a refresh token for every code grant, and the realm setting "Revoke Refresh Token"
// (off by default: a new refresh token each time, the old one still valid; on: the old one refused).
// A token per API, through a narrower `scope` on refresh (Keycloak 24 and later):
// - A client scope per API, optional on the SPA client, each with an Audience mapper adding its API
//   to `aud`. The refresh's `scope` picks the optional client scopes of the new access token; the
//   default ones always apply; the refresh token keeps the sign-in's scopes (keycloak/keycloak#12009,
//   #12043; #28463, #28503). Before 24 the parameter was ignored (keycloak/keycloak#24323).
// - A scope the client does not have is 400 `invalid_scope` (keycloak/keycloak#29952). Assumed: the
//   same for one the sign-in did not ask for (RFC 6749 §6), and the "Invalid scopes: …" description.
// - RFC 8707 `resource` is an experimental feature of late 26.x (keycloak/keycloak#47040, #48527),
//   off by default: not modelled, so `resource` is ignored.
import { APP_ORIGIN, createProviderServer, serverKey, type Grant } from './provider-server.js';

export const KEYCLOAK_ISSUER = 'https://sso.example.com/realms/demo';
export const KEYCLOAK_CLIENT_ID = 'orders-spa';
/** The API's client in the realm, which an audience mapper adds to `aud`. */
export const KEYCLOAK_API_CLIENT = 'orders-api';
/** The client scopes every client has by default in a new realm (Keycloak's "Default" type). */
const DEFAULT_CLIENT_SCOPES = ['profile', 'email', 'roles', 'web-origins', 'acr', 'basic'];
/** The realm's built-in optional client scopes. */
const OPTIONAL_CLIENT_SCOPES = ['offline_access', 'address', 'phone', 'microprofile-jwt', 'organization'];

export interface KeycloakOptions {
  /** An Audience mapper on the SPA client adding `orders-api` to every access token. Default true. */
  audienceMapper?: boolean;
  revokeRefreshToken?: boolean;
  /** Optional client scopes of the SPA client, each with an Audience mapper adding the API client named. */
  clientScopes?: Record<string, string>;
}

export async function keycloak(options: KeycloakOptions = {}) {
  const { audienceMapper = true, revokeRefreshToken = true, clientScopes = {} } = options;
  const oidc = `${KEYCLOAK_ISSUER}/protocol/openid-connect`;
  // The client's "Valid post logout redirect URIs".
  const postLogoutRedirects = [`${APP_ORIGIN}/`];
  const offline = (grant: Grant) => grant.scope.split(' ').includes('offline_access');
  const audiences = (grant: Grant) => {
    const apis = [...(audienceMapper ? [KEYCLOAK_API_CLIENT] : []), ...grant.scope.split(' ').flatMap((s) => (Object.hasOwn(clientScopes, s) ? [clientScopes[s]!] : []))];
    return apis.length ? [...apis, 'account'] : 'account';
  };
  const sessionState = '5c7e2a1d-3b4f-4e6a-9d8c-7b6a5f4e3d2c';
  return createProviderServer({
    issuer: KEYCLOAK_ISSUER,
    clientId: KEYCLOAK_CLIENT_ID,
    discovery: {
      [`${KEYCLOAK_ISSUER}/.well-known/openid-configuration`]: {
        issuer: KEYCLOAK_ISSUER,
        authorization_endpoint: `${oidc}/auth`,
        token_endpoint: `${oidc}/token`,
        introspection_endpoint: `${oidc}/token/introspect`,
        userinfo_endpoint: `${oidc}/userinfo`,
        end_session_endpoint: `${oidc}/logout`,
        frontchannel_logout_session_supported: true,
        frontchannel_logout_supported: true,
        jwks_uri: `${oidc}/certs`,
        check_session_iframe: `${oidc}/login-status-iframe.html`,
        grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'password', 'client_credentials', 'urn:openid:params:grant-type:ciba', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types_supported: ['code', 'none', 'id_token', 'token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
        subject_types_supported: ['public', 'pairwise'],
        id_token_signing_alg_values_supported: ['PS384', 'RS384', 'EdDSA', 'ES384', 'HS256', 'HS512', 'ES256', 'RS256', 'HS384', 'ES512', 'PS256', 'PS512', 'RS512'],
        code_challenge_methods_supported: ['plain', 'S256'],
        revocation_endpoint: `${oidc}/revoke`,
        backchannel_logout_supported: true,
        backchannel_logout_session_supported: true,
        authorization_response_iss_parameter_supported: true,
        require_pushed_authorization_requests: false,
        pushed_authorization_request_endpoint: `${oidc}/ext/par/request`,
      },
    },
    authorizationEndpoint: `${oidc}/auth`,
    tokenEndpoint: `${oidc}/token`,
    parEndpoint: `${oidc}/ext/par/request`,
    jwksUri: `${oidc}/certs`,
    revocationEndpoint: `${oidc}/revoke`,
    logout: { [`${oidc}/logout`]: (q, server) => server.rpInitiatedLogout(q, postLogoutRedirects) },
    // The realm's keys: RS256 signs; ES256 alongside; RSA-OAEP for encryption (use: enc).
    keys: [await serverKey('RS256', 'kc-rs256'), await serverKey('ES256', 'kc-es256'), await serverKey('RSA-OAEP', 'kc-rsa-oaep')],
    callbackParams: () => ({ session_state: sessionState, iss: KEYCLOAK_ISSUER }),
    idToken: ({ claims }) => ({
      claims: { ...claims, sub: 'f3a1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b', typ: 'ID', azp: KEYCLOAK_CLIENT_ID, sid: sessionState, preferred_username: 'alice', email_verified: true },
    }),
    refreshRequest: (grant, form) => {
      const asked = form.get('scope')?.split(' ').filter(Boolean);
      if (!asked) return grant;
      const granted = grant.scope.split(' ');
      const known = ['openid', ...DEFAULT_CLIENT_SCOPES, ...OPTIONAL_CLIENT_SCOPES, ...Object.keys(clientScopes)];
      const isDefault = (s: string) => s === 'openid' || DEFAULT_CLIENT_SCOPES.includes(s);
      if (asked.some((s) => !known.includes(s) || (!isDefault(s) && !granted.includes(s)))) {
        return { refused: { error: 'invalid_scope', error_description: `Invalid scopes: ${asked.join(' ')}` } };
      }
      return { ...grant, scope: [...new Set([...granted.filter(isDefault), ...asked])].join(' ') };
    },
    accessToken: ({ claims }, grant) => ({
      claims: {
        ...claims,
        sub: 'f3a1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b',
        aud: audiences(grant),
        typ: 'Bearer',
        azp: KEYCLOAK_CLIENT_ID,
        sid: sessionState,
        scope: grant.scope.split(' ').filter((s) => s !== 'offline_access').join(' '),
        realm_access: { roles: ['default-roles-demo', offline(grant) ? 'offline_access' : 'uma_authorization'] },
        resource_access: { account: { roles: ['manage-account', 'view-profile'] } },
      },
    }),
    refresh: {
      issued: () => true,
      rotation: revokeRefreshToken ? 'single-use' : 'old-stays-valid',
      // An offline token outlives the SSO session; a plain refresh token ends with it.
      endsWithSession: (grant) => !offline(grant),
    },
    expiresIn: 300,
    tokenResponse: (body) => ({ ...body, refresh_expires_in: 1800, 'not-before-policy': 0, session_state: sessionState }),
  });
}
