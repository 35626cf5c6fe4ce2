// The named APIs of a client: which token a request or a getAccessToken call asks for, how it is
// asked for, and what a refusal says.
import type { ApiTarget } from '../protocol/api-token.js';
import { apiTokenKey } from '../session/token-set.js';
import { ConfigError, OAuthError } from '../shared/errors.js';
import type { Config } from './options.js';
import { resourceIndicator } from './resolve-options.js';

/** @internal A named API's token, asked for: its target and where the session keeps it. */
export interface ApiRequest {
  target: ApiTarget;
  key: string;
}

/**
 * @internal The named API of `getAccessToken`'s options, checked; `undefined` for the sign-in's token.
 *
 * @throws {@link ConfigError} for a `resource` that is no absolute URI, or an empty `scope`.
 */
export function apiRequestOf(options: ApiTarget): ApiRequest | undefined {
  const { resource, scope } = options;
  if (resource === undefined && scope === undefined) return undefined;
  if (resource !== undefined) resourceIndicator(resource);
  if (scope !== undefined && (typeof scope !== 'string' || !scope.trim())) throw new ConfigError('"scope" must be a non-empty string of space-separated scopes');
  const target = { ...(resource !== undefined ? { resource } : {}), ...(scope !== undefined ? { scope } : {}) };
  return { target, key: apiTokenKey(target) };
}

/** @internal The refresh parameters for `api` in the server's dialect: code only apps that name APIs load. */
export async function askFor(api: ApiRequest, config: Config) {
  const { apiTokenParams, defaultResourceParameter } = await import('../protocol/api-token.js');
  return apiTokenParams(api.target, config.resourceParameter ?? defaultResourceParameter(config.issuer), config.scope);
}

/** @internal What an API's refresh asked for, for messages: never a token. */
export const describe = ({ resource, scope }: ApiTarget): string =>
  [resource && `resource "${resource}"`, scope && `scope "${scope}"`].filter(Boolean).join(' and ');

/**
 * @internal A server's refusal of a token for `api` (RFC 8707 §2.2 `invalid_target`, RFC 6749 §5.2
 * `invalid_scope`, …), naming what was asked for and what to change; the session goes on.
 */
export function apiRefusal(error: OAuthError, api: ApiRequest, config: Config): OAuthError {
  const listed = config.apis.some((route) => route.key === api.key);
  const change =
    error.error === 'invalid_scope'
      ? 'ask for scopes the sign-in granted, or add them to "scope"'
      : error.error === 'invalid_target'
        ? `check that the server knows this resource${listed ? '' : ', and list the API in "apiOrigins" so that the sign-in asks for it too'}`
        : 'see its error_description';
  const { error: code, errorDescription, errorUri, status } = error;
  return new OAuthError({ error: code, errorDescription, errorUri, status, cause: error }, `the server refused a token for ${describe(api.target)}: ${change}`);
}

/** @internal The API whose token `auth.fetch` sends to `url`: `undefined` for the sign-in's, `null` for none. */
export function apiRoute(config: Config, url: string): ApiRequest | null | undefined {
  const { origin } = new URL(url, location.href);
  const named = config.apis.find((api) => api.origin === origin);
  if (named) return named;
  return origin === location.origin || config.apiOrigins.includes(origin) ? undefined : null;
}
