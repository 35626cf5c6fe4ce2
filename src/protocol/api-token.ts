// How a refresh asks for a token for one named API (RFC 6749 §6, RFC 8707 §2.2), in the dialect of
// the server: loaded only by apps that name APIs of their own.
import type { ResourceParameter } from './resource-indicators.js';

export type { ResourceParameter } from './resource-indicators.js';

/**
 * One API the session gets an access token of its own for: its RFC 8707 resource indicator, the
 * scopes the token is for, or both. See {@link PkceClientOptions.apiOrigins} and
 * {@link PkceClient.getAccessToken}.
 */
export interface ApiTarget {
  /**
   * The API's resource indicator: an absolute URI without a fragment (`https://api.example.com`,
   * `api://orders`). Sent as `resource` (RFC 8707), as Auth0's `audience`, or as the prefix of
   * Entra ID's scopes, by {@link PkceClientOptions.resourceParameter}.
   */
  resource?: string | undefined;
  /**
   * Space-separated scopes for this API's token, no wider than the sign-in granted (RFC 6749 §6).
   * Entra ID: `User.Read` with `resource: 'https://graph.microsoft.com'`, or the full
   * `https://graph.microsoft.com/User.Read` without `resource`.
   */
  scope?: string | undefined;
}

/** The scopes OpenID Connect defines, which Entra ID takes unprefixed beside any API's. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

/** @internal The parameters a refresh for `target` adds to its grant, and the resource it sends. */
export interface ApiTokenParams {
  /** Added to the refresh grant: `scope`, Auth0's `audience`. */
  grant: Record<string, string>;
  /** RFC 8707 `resource`, for the `resource` dialect. */
  resource?: string;
}

/**
 * @internal The refresh request's parameters for a token for `target` (RFC 8707 §2.2 with RFC 6749
 * §6). With `scope`, the sign-in's OpenID scopes (`openid`, `offline_access`, …) go along unprefixed,
 * as Entra ID wants them to go on issuing ID and refresh tokens.
 */
export function apiTokenParams(target: ApiTarget, parameter: ResourceParameter, signInScope: string): ApiTokenParams {
  const { resource, scope } = target;
  if (parameter === 'scope') {
    const base = resource?.replace(/\/+$/, '');
    const asked = scope ? scope.split(' ').filter(Boolean) : base ? ['.default'] : [];
    // An item that is already a URI (`https://graph.microsoft.com/User.Read`) or OIDC's is kept.
    const prefixed = asked.map((item) => (base && !OIDC_SCOPES.has(item) && !/[/:]/.test(item) ? `${base}/${item}` : item));
    const oidc = signInScope.split(' ').filter((item) => OIDC_SCOPES.has(item) && !prefixed.includes(item));
    return { grant: { scope: [...prefixed, ...oidc].join(' ') } };
  }
  const grant: Record<string, string> = scope ? { scope } : {};
  if (resource && parameter === 'audience') grant.audience = resource;
  return resource && parameter === 'resource' ? { grant, resource } : { grant };
}
