// Auth0, as ../shared/PROVIDERS.md ("Auth0") describes it:
// - `iss` and the discovery `issuer` end with "/" (spring-projects/spring-boot#15324).
// - Without an `audience` authorization parameter the access token is opaque; with one, a JWT whose
//   `aud` is [API identifier, https://TENANT/userinfo] (mozilla/doorman#101).
// - Browsers get a refresh token only with Refresh Token Rotation on and `offline_access` asked
//   for; rotation has reuse detection and an optional reuse interval (auth0.com/docs … use-refresh-token-rotation).
// - `end_session_endpoint` is in discovery for tenants created from 2023-11-14; older tenants log
//   out at /v2/logout?returnTo=…&client_id=… (auth0.com/docs … log-users-out-of-auth0).
// Not in PROVIDERS.md, shapes assumed from Auth0's public discovery documents: the endpoint paths,
// `code_challenge_methods_supported: ['S256', 'plain']`, no RFC 9207 flag, access tokens with
// `typ: JWT` (not at+jwt), `azp` and a `scope` string.
// A token per API: Multi-Resource Refresh Token (MRRT, Early Access; auth0.com/docs/secure/tokens/
// refresh-tokens/multi-resource-refresh-token and …/configure-and-implement-multi-resource-refresh-token):
// - The application's `refresh_token.policies` ([{ audience, scope: [...] }], Management API) list
//   the other APIs its refresh token may get tokens for; a refresh names one with `audience` and
//   `scope`, and gets a token for that API alone. The sign-in's audience is always allowed.
// - An audience outside the policies is ignored, not refused: "Auth0 … will return a token for the
//   default audience instead" (auth0/auth0-server-python examples/RetrievingData.md). Scopes beyond
//   the policy are left out of the answer, not refused (auth0/auth0-spa-js Auth0Client.ts: "Some
//   scopes requested to the server might not be inside the refresh policies").
// - "If the scope of the initial token included openid, then a new ID token will be in the
//   response" (auth0.com/docs … use-refresh-tokens): the ID token stays the sign-in's.
// Assumed: a refresh for another audience without `scope` gets the policy's scopes; the other API's
// token has the same claims as the sign-in's (aud [identifier, userinfo], azp, a scope string).
import { API_ORIGIN, APP_ORIGIN, createProviderServer, serverKey, withParams } from './provider-server.js';

export const AUTH0_TENANT = 'https://pkce-spa.eu.auth0.com/';
export const AUTH0_CLIENT_ID = 'Xq3Jd8Lk2Vn5Rt7Yb9Wc1Mz4Pf6Hs0Ga';

/** One MRRT policy of the application (`refresh_token.policies[]` in the Management API). */
export interface RefreshTokenPolicy {
  /** The API identifier. */
  audience: string;
  scope: string[];
}

export async function auth0(options: { rpInitiatedLogout?: boolean; rotation?: boolean; reuseInterval?: number; refreshTokenPolicies?: RefreshTokenPolicy[] } = {}) {
  const T = AUTH0_TENANT;
  const { rpInitiatedLogout = true, rotation = true, refreshTokenPolicies = [] } = options;
  // "Allowed Logout URLs" of the application.
  const allowedLogoutUrls = [`${APP_ORIGIN}/`];
  return createProviderServer({
    issuer: T,
    clientId: AUTH0_CLIENT_ID,
    discovery: {
      [`${T}.well-known/openid-configuration`]: {
        issuer: T,
        authorization_endpoint: `${T}authorize`,
        token_endpoint: `${T}oauth/token`,
        device_authorization_endpoint: `${T}oauth/device/code`,
        userinfo_endpoint: `${T}userinfo`,
        mfa_challenge_endpoint: `${T}mfa/challenge`,
        jwks_uri: `${T}.well-known/jwks.json`,
        registration_endpoint: `${T}oidc/register`,
        revocation_endpoint: `${T}oauth/revoke`,
        ...(rpInitiatedLogout ? { end_session_endpoint: `${T}oidc/logout` } : {}),
        scopes_supported: ['openid', 'profile', 'offline_access', 'name', 'email'],
        response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token'],
        code_challenge_methods_supported: ['S256', 'plain'],
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['HS256', 'RS256', 'PS256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
        request_uri_parameter_supported: false,
      },
    },
    authorizationEndpoint: `${T}authorize`,
    tokenEndpoint: `${T}oauth/token`,
    jwksUri: `${T}.well-known/jwks.json`,
    revocationEndpoint: `${T}oauth/revoke`,
    keys: [await serverKey('RS256', 'auth0-k1')],
    logout: {
      [`${T}oidc/logout`]: (q, server) => server.rpInitiatedLogout(q, allowedLogoutUrls),
      // The legacy endpoint exists on every tenant; it does not echo `state`.
      [`${T}v2/logout`]: (q) =>
        q.get('client_id') === AUTH0_CLIENT_ID && allowedLogoutUrls.includes(q.get('returnTo') ?? '')
          ? { redirect: q.get('returnTo')! }
          : { page: 'returnTo is not in Allowed Logout URLs' },
    },
    idToken: ({ claims }) => ({ claims: { ...claims, sub: `auth0|${claims.sub}`, sid: 'auth0-session', name: 'Alice Example' } }),
    refreshRequest: (grant, form) => {
      const audience = form.get('audience');
      const policy = refreshTokenPolicies.find((p) => p.audience === audience);
      if (!audience || audience === grant.query.get('audience') || !policy) return grant; // the sign-in's audience
      const asked = form.get('scope')?.split(' ').filter(Boolean);
      const scope = asked ? asked.filter((s) => policy.scope.includes(s)) : policy.scope;
      return withParams({ ...grant, scope: scope.join(' ') }, { audience });
    },
    accessToken: ({ claims }, grant) => {
      const audience = grant.query.get('audience');
      if (!audience) return 'opaque';
      return { claims: { ...claims, sub: `auth0|${claims.sub}`, aud: [audience, `${T}userinfo`], azp: AUTH0_CLIENT_ID, scope: grant.scope } };
    },
    refresh: {
      issued: (grant) => rotation && grant.scope.split(' ').includes('offline_access'),
      rotation: 'reuse-detection',
      graceSeconds: options.reuseInterval ?? 0,
    },
    expiresIn: 86400,
  });
}

/** The API identifier registered in Auth0 (APIs > Identifier), sent as `audience`. */
export const AUTH0_API = API_ORIGIN;
/** A second API of the tenant, in the application's MRRT policies (scope `read:billing`). */
export const AUTH0_BILLING_API = 'https://billing.example';
