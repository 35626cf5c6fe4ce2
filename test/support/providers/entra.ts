// Microsoft Entra ID (v2.0 endpoints), as ../shared/PROVIDERS.md ("Microsoft Entra ID") describes it:
// - Single tenant: issuer https://login.microsoftonline.com/{tenant GUID}/v2.0; the authority written
//   with the domain name serves metadata whose `issuer` has the GUID (entra-docs v2-protocols-oidc.md).
// - common/organizations: the discovery `issuer` is the literal …/{tenantid}/v2.0; each ID token's
//   `iss` has the user's tenant, equal to its `tid` (MicrosoftDocs/azure-docs#38427, coreos/go-oidc#121).
// - The token endpoint answers CORS only for redirect URIs of platform "Single-page application"
//   (otherwise AADSTS9002326, unreadable to the page: a network error). Refresh tokens rotate but the
//   old one stays valid; `scope` may be absent on refresh. No revocation_endpoint, no
//   code_challenge_methods_supported, no RFC 9207 flag (entra-docs v2-oauth2-auth-code-flow.md).
// - `resource` is refused on v2.0 (AADSTS901002); API access is asked for as scope api://<app>/<scope>.
// - API access tokens are v1 (iss https://sts.windows.net/{tid}/, aud the App ID URI) unless the API's
//   manifest sets requestedAccessTokenVersion: 2 (iss …/{tid}/v2.0, aud the API's client id); without
//   an API scope the token is for Microsoft Graph, not for you.
// - JWKS keys have no `alg`; they carry `x5c`, `x5t` and `issuer`; several keys at once.
// Assumed (not in PROVIDERS.md): a post_logout_redirect_uri must be a registered redirect URI (as
// MSAL's docs ask); claim sets follow Microsoft's ID and access token references.
// A token per API, through the one refresh token (a refresh's `scope` names the API):
// - The scopes of one request are of one resource: two are refused, AADSTS28000 "contains more than
//   one resource" (Earlybyte/aad_oauth#328, AzureAD/microsoft-authentication-library-for-js#1487).
//   Its `error` code is not in those reports: `invalid_scope` here is assumed.
// - An unprefixed scope (`User.Read`) is Microsoft Graph's; a resource the tenant does not know is
//   `invalid_resource` AADSTS500011 (rootinc/laravel-azure-middleware#51).
// - A scope nobody consented to is `invalid_grant` AADSTS65001 with `suberror: consent_required`,
//   on a refresh too (O365/python-o365#323).
// - `resource` on the token endpoint is refused as on the authorization endpoint (AADSTS901002).
// - Graph's tokens are v1 (iss sts.windows.net), aud Graph's app id. Real ones also carry a `nonce`
//   header that leaves their signature for Graph alone to check; left out here, so that a stand-in
//   for Graph can check aud and scp as Graph does.
import type { JWK } from 'jose';
import { APP_ORIGIN, REDIRECT_URI, createProviderServer, serverKey, type Grant, type ProviderProfile, type Refusal } from './provider-server.js';

export const LOGIN = 'https://login.microsoftonline.com';
export const ENTRA_TENANT = '4a1c2b3d-5e6f-4708-9a1b-2c3d4e5f6a7b';
export const ENTRA_OTHER_TENANT = '9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4';
export const ENTRA_DOMAIN = 'contoso.onmicrosoft.com';
/** The SPA's app registration (Application (client) ID). */
export const ENTRA_CLIENT_ID = '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
/** The API's app registration: its client id (v2 `aud`) and App ID URI (v1 `aud`, scope prefix). */
export const ENTRA_API_CLIENT_ID = 'c0ffee00-1234-4abc-9def-0123456789ab';
export const ENTRA_API_URI = 'api://orders';
/** Microsoft Graph: its resource URI (the prefix of its scopes) and its app id (its tokens' `aud`). */
export const GRAPH_URI = 'https://graph.microsoft.com';
export const GRAPH = '00000003-0000-0000-c000-000000000000';
/** The OpenID Connect scopes, which go with any resource's. */
const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];
/** The resource a scope item is for: what precedes its last `/`; Graph for an unprefixed one. */
const resourceOf = (item: string) => (item.includes('/') ? item.slice(0, item.lastIndexOf('/')) : GRAPH_URI);
/** A scope item in full: `User.Read` is `https://graph.microsoft.com/User.Read`. */
const fullScope = (item: string) => (item.includes('/') ? item : `${GRAPH_URI}/${item}`);

/** `{tenant}` of Entra's paths: a tenant GUID, or `common`. */
export function entraEndpoints(segment: string) {
  return {
    authorize: `${LOGIN}/${segment}/oauth2/v2.0/authorize`,
    token: `${LOGIN}/${segment}/oauth2/v2.0/token`,
    logout: `${LOGIN}/${segment}/oauth2/v2.0/logout`,
    keys: `${LOGIN}/${segment}/discovery/v2.0/keys`,
  };
}

function discoveryDocument(segment: string, issuer: string): Record<string, unknown> {
  const e = entraEndpoints(segment);
  return {
    token_endpoint: e.token,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: e.keys,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: e.authorize,
    device_authorization_endpoint: `${LOGIN}/${segment}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: e.logout,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
    kerberos_endpoint: `${LOGIN}/${segment}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** The certificate chain Entra publishes with each key. A stand-in here: nothing may need it. */
const X5C = btoa('stand-in for a DER certificate; pkce-spa and pkce-spa/server use n and e');

export interface EntraOptions {
  /** `single`: the tenant GUID authority; `common`: the multi-tenant one. Default `single`. */
  tenancy?: 'single' | 'common';
  /** The tenant of the user who signs in. Default `ENTRA_TENANT`. */
  userTenant?: string;
  /** The platform the redirect URI is registered under. Default `spa`. */
  platform?: 'spa' | 'web';
  /** The API manifest's `requestedAccessTokenVersion` (null means 1). Default 1. */
  accessTokenVersion?: 1 | 2;
  /**
   * Scopes consented for the SPA besides those the sign-in asked for (admin consent of its API
   * permissions). Default Graph's `User.Read`.
   */
  consented?: readonly string[];
}

export async function entra(options: EntraOptions = {}) {
  const { tenancy = 'single', userTenant = ENTRA_TENANT, platform = 'spa', accessTokenVersion = 1, consented = [`${GRAPH_URI}/User.Read`] } = options;
  const segment = tenancy === 'single' ? ENTRA_TENANT : 'common';
  const e = entraEndpoints(segment);
  const tenantIssuer = (tid: string) => `${LOGIN}/${tid}/v2.0`;
  const published = tenancy === 'single' ? tenantIssuer(ENTRA_TENANT) : `${LOGIN}/{tenantid}/v2.0`;
  const discovery: ProviderProfile['discovery'] = { [`${LOGIN}/${segment}/v2.0/.well-known/openid-configuration`]: discoveryDocument(segment, published) };
  if (tenancy === 'single') {
    discovery[`${LOGIN}/${ENTRA_DOMAIN}/v2.0/.well-known/openid-configuration`] = discoveryDocument(segment, published);
  }
  // Several RSA keys; tokens are signed with the second one listed.
  const keys = [await serverKey('RS256', 'kNq7cVp0Hs4tYwE2rLx9uJbZfA1'), await serverKey('RS256', 'pL3mXe8sRd6gTn0yWq5vKc2hUo4'), await serverKey('RS256', 'zB6jF1aQ9wMk3vNe7tYr0pLs5xC')];
  const jwk = (k: (typeof keys)[number]): JWK => {
    const { alg: _alg, ...rest } = k.jwk; // Entra's keys have no alg
    return { ...rest, x5t: k.kid, x5c: [X5C], issuer: published } as JWK;
  };
  const scopesOf = (grant: Grant, resource: string) =>
    grant.scope.split(' ').filter((s) => s && !OIDC_SCOPES.includes(s) && resourceOf(s) === resource).map((s) => s.slice(s.lastIndexOf('/') + 1));
  const oid = 'a1b2c3d4-0000-4000-8000-00000000a11c';
  const refuse = (error: string, description: string, extra: Record<string, unknown> = {}): Refusal => ({
    refused: { error, error_description: `${description}\r\nTrace ID: 0\r\nCorrelation ID: 0`, error_codes: [Number(/AADSTS(\d+)/.exec(description)![1])], ...extra },
  });

  return createProviderServer({
    issuer: tenantIssuer(userTenant),
    clientId: ENTRA_CLIENT_ID,
    discovery,
    authorizationEndpoint: e.authorize,
    tokenEndpoint: e.token,
    jwksUri: e.keys,
    // Both registered as platform "Single-page application" (or "Web").
    redirectUris: [REDIRECT_URI, `${APP_ORIGIN}/`],
    logout: { [e.logout]: (q, server) => server.rpInitiatedLogout(q, [REDIRECT_URI, `${APP_ORIGIN}/`]) },
    keys: [keys[1]!, keys[0]!, keys[2]!],
    jwks: () => keys.map(jwk),
    cors: { token: platform === 'spa' ? 'any' : 'none' },
    refuseAuthorization: (q) =>
      q.has('resource') ? { error: 'invalid_request', error_description: "AADSTS901002: The 'resource' request parameter is not supported." } : undefined,
    refuseTokenRequest: (_form, origin) =>
      platform === 'web' && origin
        ? new Response(
            JSON.stringify({
              error: 'invalid_request',
              error_description: "AADSTS9002326: Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type.",
            }),
            { status: 400, headers: { 'content-type': 'application/json' } },
          )
        : undefined,
    idToken: ({ claims }) => {
      const { auth_time: _authTime, ...rest } = claims;
      return {
        claims: { ...rest, sub: 'pairwise-Q2xhc3NpY1N1YmplY3Q', tid: userTenant, oid, ver: '2.0', name: 'Alice Example', preferred_username: 'alice@contoso.com' },
      };
    },
    refreshRequest: (grant, form) => {
      if (form.has('resource')) return refuse('invalid_request', "AADSTS901002: The 'resource' request parameter is not supported.");
      const asked = form.get('scope')?.split(' ').filter(Boolean);
      if (!asked?.length) return grant; // the sign-in's scopes
      const resources = [...new Set(asked.filter((s) => !OIDC_SCOPES.includes(s)).map(resourceOf))];
      if (resources.length > 1) {
        return refuse('invalid_scope', `AADSTS28000: Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${asked.join(' ')} is not valid.`);
      }
      const [resource] = resources;
      if (resource && ![GRAPH_URI, ENTRA_API_URI].includes(resource)) {
        return refuse('invalid_resource', `AADSTS500011: The resource principal named ${resource} was not found in the tenant named Contoso. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`);
      }
      const granted = new Set([...consented, ...grant.scope.split(' ')].map(fullScope));
      const lacking = asked.filter((s) => !OIDC_SCOPES.includes(s) && !s.endsWith('/.default') && !granted.has(fullScope(s)));
      if (lacking.length) {
        return refuse('invalid_grant', `AADSTS65001: The user or administrator has not consented to use the application with ID '${ENTRA_CLIENT_ID}' named 'Orders SPA'. Send an interactive authorization request for this user and resource.`, { suberror: 'consent_required' });
      }
      // `.default`: every scope of that resource the SPA was granted (its static permissions).
      const expanded = asked.flatMap((s) => (s.endsWith('/.default') ? [...granted].filter((g) => resourceOf(g) === resourceOf(s)) : [s]));
      return { ...grant, scope: expanded.join(' ') };
    },
    accessToken: ({ claims }, grant) => {
      const { jti: _jti, ...rest } = claims;
      const base = { ...rest, sub: 'api-pairwise-c3ViamVjdA', tid: userTenant, oid, uti: 'uti-1' };
      const scopes = scopesOf(grant, ENTRA_API_URI);
      if (!scopes.length) {
        const graph = scopesOf(grant, GRAPH_URI);
        const scp = graph.length ? [...graph, ...grant.scope.split(' ').filter((s) => ['openid', 'profile', 'email'].includes(s))].join(' ') : 'openid profile User.Read';
        return { claims: { ...base, iss: `https://sts.windows.net/${userTenant}/`, aud: GRAPH, appid: ENTRA_CLIENT_ID, scp, ver: '1.0' } };
      }
      const header = { x5t: keys[1]!.kid };
      return accessTokenVersion === 1
        ? { header, claims: { ...base, iss: `https://sts.windows.net/${userTenant}/`, aud: ENTRA_API_URI, appid: ENTRA_CLIENT_ID, scp: scopes.join(' '), ver: '1.0' } }
        : { header, claims: { ...base, iss: tenantIssuer(userTenant), aud: ENTRA_API_CLIENT_ID, azp: ENTRA_CLIENT_ID, scp: scopes.join(' '), ver: '2.0' } };
    },
    refresh: { issued: (grant) => grant.scope.split(' ').includes('offline_access'), rotation: 'old-stays-valid' },
    expiresIn: 3599,
    tokenResponse: (body, grantType) => {
      const { scope, ...rest } = body;
      return { ...rest, ext_expires_in: 3599, ...(grantType === 'authorization_code' ? { scope } : {}) };
    },
  });
}
