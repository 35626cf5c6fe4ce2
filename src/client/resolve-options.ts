// Checks the options of createPkceClient once, naming the field to change, and freezes the result.
import { checkExtraParams } from '../protocol/authorization-request.js';
import { validateMetadata, type AuthorizationServerMetadata } from '../protocol/discovery.js';
import { ConfigError } from '../shared/errors.js';
import { secureUrl } from '../shared/secure-url.js';
import type { ApiOrigin, ApiRoute, Config, PkceClientOptions } from './options.js';
import { defaultResourceParameter, grantResources } from '../protocol/resource-indicators.js';
import { apiTarget, apiTokenKey } from '../session/token-set.js';

const bad = (field: string, rule: string) => new ConfigError(`"${field}" ${rule}`);

const OPTIONS = [
  'issuer', 'clientId', 'redirectUri', 'silentRedirectUri', 'popupRedirectUri', 'scope', 'metadata',
  'metadataOverrides', 'multiTenant', 'resource', 'authorizationParams', 'apiOrigins', 'clockTolerance',
  'refreshLeeway', 'timeout', 'fetch', 'transactionStorage', 'tokenStore', 'postLogoutRedirectUri',
  'endSessionParams', 'navigate', 'dpop', 'par', 'resourceParameter',
] as const satisfies readonly (keyof PkceClientOptions)[];

const url = (field: string, value: unknown): URL => {
  const parsed = secureUrl(value);
  if (!parsed) throw bad(field, 'must be an absolute https: URL (http: only on loopback)');
  if (parsed.hash) throw bad(field, 'must not have a fragment');
  return parsed;
};

/** RFC 8707 §2: an absolute URI without a fragment; any scheme (`api://`, `urn:`) names an API. */
export function resourceIndicator(value: unknown, field = 'resource'): void {
  const bad = (rule: string) => new ConfigError(`"${field}" ${rule}`);
  let parsed: URL | undefined;
  try {
    parsed = typeof value === 'string' && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) ? new URL(value) : undefined;
  } catch {
    // not a URI
  }
  if (!parsed) throw bad('must be an absolute URI (https://api.example.com, api://orders, urn:example:api)');
  if ((value as string).includes('#')) throw bad('must not have a fragment (RFC 8707 §2)');
  if (/\s/.test(value as string)) throw bad('must not contain spaces');
}

/** A scope option: absent, or space-separated scopes (not blank). */
function checkScope(value: unknown, field: string): void {
  if (value !== undefined && !(typeof value === 'string' && value.trim())) throw bad(field, 'must be a non-empty string of space-separated scopes');
}

/**
 * @internal The named API of a `getAccessToken()` call, checked before any code for it loads.
 * @throws {@link ConfigError} for a `resource` that is no absolute URI, or an empty `scope`.
 */
export function checkTokenOptions({ resource, scope }: { resource?: unknown; scope?: unknown }): void {
  if (resource !== undefined) resourceIndicator(resource);
  checkScope(scope, 'scope');
}

function resolveMultiTenant(value: PkceClientOptions['multiTenant']): Config['multiTenant'] {
  if (value === undefined || value === false) return undefined;
  if (value === true) return {};
  const tenants = (value as { tenants?: unknown } | null)?.tenants;
  if (!Array.isArray(tenants) || !tenants.length || !tenants.every((t) => typeof t === 'string' && /^[A-Za-z0-9._-]+$/.test(t))) {
    throw bad('multiTenant', 'must be true or { tenants: [tenant ids] }');
  }
  return { tenants: [...tenants] };
}

/**
 * An entry of `apiOrigins` must be an origin and nothing more: a path, query, user info or wildcard
 * would be widened to the whole origin (or more) without a word, so each is refused by name.
 */
function apiOrigin(entry: unknown): string {
  const field = `apiOrigins: ${JSON.stringify(entry)}`;
  if (typeof entry === 'object' && entry !== null) return apiOrigin((entry as ApiOrigin).origin);
  const parsed = typeof entry === 'string' ? secureUrl(entry) : undefined;
  if (!parsed) throw new ConfigError(`"${field}" must be an https: origin such as "https://api.example.com" (http: only on loopback)`);
  if (parsed.username || parsed.password) throw new ConfigError(`"${field}" must not contain user info`);
  if (parsed.hostname.includes('*')) {
    throw new ConfigError(`"${field}" holds a wildcard: list each origin the token may go to, such as "https://api.example.com"`);
  }
  if (parsed.pathname !== '/' || parsed.search || parsed.hash || /[?#]/.test(entry as string)) {
    throw new ConfigError(`"${field}" must be an origin only (scheme, host, port): the token goes to every path of an origin`);
  }
  return parsed.origin;
}

/**
 * An `apiOrigins` entry that names an API: `{ origin, resource, scope }`, at least one of the last
 * two, checked as `resource` and `scope` are.
 */
function apiRoute(entry: ApiOrigin, origin: string, index: number): ApiRoute[] {
  const at = `apiOrigins[${index}].`;
  const { origin: _origin, resource, scope, ...rest } = entry;
  const extra = Object.keys(rest)[0];
  if (extra) throw bad(at + extra, 'is not a field of { origin, resource, scope }');
  if (resource !== undefined) resourceIndicator(resource, `${at}resource`);
  checkScope(scope, `${at}scope`);
  const target = apiTarget({ resource, scope });
  return resource ?? scope ? [{ origin, target, key: apiTokenKey(target) }] : [];
}

/**
 * Validates the options once, naming the field that is wrong, and fills in defaults.
 *
 * @throws {@link ConfigError}
 */
export function resolveConfig(options: PkceClientOptions): Config {
  if (typeof options !== 'object' || options === null) throw new ConfigError('Options are required');
  for (const name of Object.keys(options)) {
    if (!(OPTIONS as readonly string[]).includes(name)) {
      // A misspelt option (apiOrigin, redirectURI) would otherwise be ignored without a word.
      const near = OPTIONS.find((known) => known.toLowerCase().replace(/s$/, '') === name.toLowerCase().replace(/s$/, ''));
      const hint = near
        ? `: did you mean "${near}"?`
        : /^[a-z_]+$/.test(name)
          ? ': authorization request parameters (audience, prompt, login_hint, …) go in "authorizationParams"'
          : '';
      throw new ConfigError(`"${name}" is not an option of createPkceClient()${hint}`);
    }
  }
  if (url('issuer', options.issuer).search) throw bad('issuer', 'must not have a query');
  if (typeof options.clientId !== 'string' || !options.clientId) throw bad('clientId', 'must be a non-empty string');
  url('redirectUri', options.redirectUri);
  for (const field of ['silentRedirectUri', 'popupRedirectUri'] as const) {
    if (options[field] !== undefined) url(field, options[field]);
  }
  if (options.postLogoutRedirectUri !== undefined) url('postLogoutRedirectUri', options.postLogoutRedirectUri);
  for (const resource of [options.resource ?? []].flat()) resourceIndicator(resource);
  if (options.apiOrigins !== undefined && !Array.isArray(options.apiOrigins)) throw bad('apiOrigins', 'must be an array of origins');
  const apiOrigins = (options.apiOrigins ?? []).map(apiOrigin);
  const apis = (options.apiOrigins ?? []).flatMap((entry, i) => (typeof entry === 'object' && entry !== null ? apiRoute(entry, apiOrigins[i]!, i) : []));
  const twice = apis.find((api) => apiOrigins.indexOf(api.origin) !== apiOrigins.lastIndexOf(api.origin));
  if (twice) throw bad('apiOrigins', `lists ${twice.origin} twice: an origin gets one token`);
  if (![undefined, 'resource', 'audience', 'scope'].includes(options.resourceParameter)) throw bad('resourceParameter', "must be 'resource', 'audience' or 'scope'");
  const resourceParameter = options.resourceParameter ?? defaultResourceParameter(options.issuer);
  for (const field of ['clockTolerance', 'refreshLeeway', 'timeout'] as const) {
    const value = options[field];
    if (value !== undefined && !(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
      throw bad(field, 'must be a non-negative number');
    }
  }
  for (const field of ['dpop', 'par'] as const) {
    if (options[field] !== undefined && typeof options[field] !== 'boolean') throw bad(field, 'must be true or false');
  }
  for (const field of ['fetch', 'navigate'] as const) {
    if (options[field] !== undefined && typeof options[field] !== 'function') throw bad(field, 'must be a function');
  }
  checkScope(options.scope, 'scope');
  checkExtraParams(options.authorizationParams, 'authorizationParams');
  if (options.endSessionParams !== undefined && typeof options.endSessionParams !== 'function') throw bad('endSessionParams', 'must be a function');
  const multiTenant = resolveMultiTenant(options.multiTenant);
  let metadata: AuthorizationServerMetadata | undefined;
  if (options.metadata) {
    try {
      metadata = validateMetadata(
        options.issuer,
        { issuer: options.issuer, ...options.metadata, ...options.metadataOverrides },
        { multiTenant: !!multiTenant },
      );
    } catch (error) {
      throw bad('metadata', (error as Error).message);
    }
  }
  // An option given as `undefined` (`scope: import.meta.env.X` unset) means its default.
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as PkceClientOptions;
  return Object.freeze({
    scope: 'openid profile offline_access',
    clockTolerance: 30,
    refreshLeeway: 60,
    timeout: 10_000,
    ...given,
    apiOrigins,
    apis,
    resourceParameter,
    signInResources: grantResources(options.resource, apis.flatMap((api) => api.target.resource ?? []), resourceParameter),
    metadata,
    multiTenant,
    defaultScope: options.scope === undefined,
  });
}
