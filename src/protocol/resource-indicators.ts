// Which parameter names an API at a server, and which resources a sign-in asks for (RFC 8707):
// read once with the options, by every page.

/**
 * How a token for a named API is asked for: `resource` sends RFC 8707's `resource` parameter
 * (oidc-provider and the other servers that implement RFC 8707); `audience` sends Auth0's `audience` instead; `scope`
 * sends no resource but prefixes each scope with it, Entra ID's way (`api://orders/read`; with no
 * scope, `api://orders/.default`), since Entra refuses `resource` on v2.0 (AADSTS901002).
 */
export type ResourceParameter = 'resource' | 'audience' | 'scope';

/**
 * @internal The parameter the issuer's server takes: `scope` for Entra ID's hosts (its public,
 * government and China clouds, B2C and External ID), `audience` for Auth0's tenant hosts (a custom
 * domain must set it), `resource` for everything else.
 */
export function defaultResourceParameter(issuer: string): ResourceParameter {
  const host = new URL(issuer).hostname;
  if (/(^|\.)(login\.microsoftonline\.(com|us)|login\.partner\.microsoftonline\.cn|b2clogin\.com|ciamlogin\.com)$/.test(host)) return 'scope';
  return /\.auth0\.com$/.test(host) ? 'audience' : 'resource';
}

/**
 * @internal The resource indicators a sign-in asks for (RFC 8707 §2.1): `resource`'s, and with the
 * `resource` parameter those of the named APIs too, so that the grant covers every API a token will be
 * asked for (oidc-provider refuses a refresh for a resource the grant lacks, and spends the refresh
 * token doing so).
 */
export function grantResources(resource: string | string[] | undefined, named: string[], parameter: ResourceParameter): string[] {
  return [...new Set([resource ?? [], parameter === 'resource' ? named : []].flat())];
}
