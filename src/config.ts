import { checkExtraParams } from './authorize.js';
import { validateMetadata, type AuthorizationServerMetadata } from './discovery.js';
import { ConfigError } from './errors.js';
import { isSecureUrl, type FetchLike } from './http.js';
import type { TokenStore } from './token-store.js';
import type { StorageLike } from './transaction.js';

/** Options of {@link createPkceClient}. Only `issuer`, `clientId` and `redirectUri` are required. */
export interface PkceClientOptions {
  /** The issuer identifier; metadata comes from `{issuer}/.well-known/openid-configuration`. */
  issuer: string;
  /** The public client's id. There is no client secret: a browser cannot keep one. */
  clientId: string;
  /** Absolute URL registered at the server; the page there calls `handleRedirect()`. */
  redirectUri: string;
  /** Default `openid profile offline_access`; without `openid` no ID token is asked for. */
  scope?: string;
  /** The server's metadata; when given, discovery is skipped. */
  metadata?: Partial<AuthorizationServerMetadata> & Pick<AuthorizationServerMetadata, 'authorization_endpoint' | 'token_endpoint'>;
  /** RFC 8707 resource indicators (your API's URL), sent on authorization, token and refresh requests. */
  resource?: string | string[];
  /** Extra authorization request parameters for every login (`audience`, `prompt`, `ui_locales`, …). */
  authorizationParams?: Record<string, string>;
  /** Origins besides the page's own to which `auth.fetch` attaches the access token. */
  apiOrigins?: string[];
  /** Seconds of clock skew tolerated when checking ID tokens. Default 30. */
  clockTolerance?: number;
  /** Refresh this many seconds before the access token expires (at most half its lifetime). Default 60. */
  refreshLeeway?: number;
  /** Milliseconds before a request to the authorization server is abandoned. Default 10 000. */
  timeout?: number;
  /** The fetch implementation for the authorization server, the JWKS and `auth.fetch`. */
  fetch?: FetchLike;
  /** Where the one-time login transaction waits during the redirect. Default `sessionStorage`. */
  transactionStorage?: StorageLike;
  /** Where tokens live. Default: memory only. */
  tokenStore?: TokenStore;
  /** Where the server sends the browser after logout; default the absolute `returnTo` of `logout()`. */
  postLogoutRedirectUri?: string;
  /** Performs the navigations of `login()` and `logout()`. Default `location.assign`. */
  navigate?: (url: string) => void;
}

/** @internal The validated, defaulted, frozen options. */
export type Config = Readonly<
  Required<Pick<PkceClientOptions, 'issuer' | 'clientId' | 'redirectUri' | 'scope' | 'clockTolerance' | 'refreshLeeway' | 'timeout'>> &
    Omit<PkceClientOptions, 'metadata' | 'apiOrigins'> & { apiOrigins: string[]; metadata?: AuthorizationServerMetadata }
>;

const bad = (field: string, rule: string) => new ConfigError(`"${field}" ${rule}`);

function secureUrl(field: string, value: unknown): URL {
  let url: URL | undefined;
  try {
    url = new URL(value as string);
  } catch {
    // reported below
  }
  if (typeof value !== 'string' || !url || !isSecureUrl(url)) {
    throw bad(field, 'must be an absolute https: URL (http: only on loopback)');
  }
  return url;
}

/**
 * Validates the options once, naming the field that is wrong, and fills in defaults.
 *
 * @throws {@link ConfigError}
 */
export function resolveConfig(options: PkceClientOptions): Config {
  if (typeof options !== 'object' || options === null) throw new ConfigError('Options are required');
  const issuer = secureUrl('issuer', options.issuer);
  if (issuer.search || issuer.hash) throw bad('issuer', 'must not have a query or fragment');
  if (typeof options.clientId !== 'string' || !options.clientId) throw bad('clientId', 'must be a non-empty string');
  if (secureUrl('redirectUri', options.redirectUri).hash) throw bad('redirectUri', 'must not have a fragment');
  if (options.postLogoutRedirectUri !== undefined) secureUrl('postLogoutRedirectUri', options.postLogoutRedirectUri);
  for (const resource of [options.resource ?? []].flat()) {
    if (secureUrl('resource', resource).hash) throw bad('resource', 'must not have a fragment (RFC 8707)');
  }
  const apiOrigins = (options.apiOrigins ?? []).map((origin) => secureUrl('apiOrigins', origin).origin);
  for (const field of ['clockTolerance', 'refreshLeeway', 'timeout'] as const) {
    const value = options[field];
    if (value !== undefined && !(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
      throw bad(field, 'must be a non-negative number');
    }
  }
  for (const field of ['fetch', 'navigate'] as const) {
    if (options[field] !== undefined && typeof options[field] !== 'function') throw bad(field, 'must be a function');
  }
  if (options.scope !== undefined && (typeof options.scope !== 'string' || !options.scope.trim())) {
    throw bad('scope', 'must be a non-empty string');
  }
  checkExtraParams(options.authorizationParams, 'authorizationParams');
  let metadata: AuthorizationServerMetadata | undefined;
  if (options.metadata) {
    try {
      metadata = validateMetadata(options.issuer, { issuer: options.issuer, ...options.metadata });
    } catch (error) {
      throw bad('metadata', (error as Error).message);
    }
  }
  return Object.freeze({
    scope: 'openid profile offline_access',
    clockTolerance: 30,
    refreshLeeway: 60,
    timeout: 10_000,
    ...options,
    apiOrigins,
    metadata,
  });
}
