// A token per named API (issue: several APIs, one refresh token): which token a call asks for, how
// it is asked for, how the answer becomes the session's, and what a refusal says. Loaded with the
// first call that names an API, so an app that names none never fetches it.
import { apiTokenParams, type ApiTarget } from '../protocol/api-token.js';
import type { TokenResponse } from '../protocol/token-endpoint.js';
import type { IdTokenClaims } from '../protocol/id-token/claims.js';
import { apiTarget, apiTokenKey, tokenSetFrom, type ApiToken, type TokenSet, type TokenSetInputs } from '../session/token-set.js';
import { ConfigError, LoginRequiredError, OAuthError, ValidationError, type PkceError } from '../shared/errors.js';
import type { ClientContext } from './context.js';
import type { Config } from './options.js';
import type { ApiRequest, Held, Refresh } from './refresh-timer.js';
import { isDue, isExpired, isOffline, scheduleRefreshes } from './refresh-timer.js';
import { unverifiedClaims } from '../shared/encoding.js';

/** The `aud` of a JWT access token, read (not verified: the API does that) to keep it from another API; `undefined` for an opaque token. */
function audienceOf(token: string): string[] | undefined {
  const aud = unverifiedClaims(token)?.aud;
  return aud === undefined ? undefined : [aud].flat().map(String);
}

/** The errors of answers that were another API's token: lasting, unlike a glitch such as a bare 400. */
const answeredForAnother = new WeakSet<object>();
const notThisApis = (error: ValidationError): ValidationError => (answeredForAnother.add(error), error);

/** What an API's refresh asked for, for messages: never a token. */
const describe = ({ resource, scope }: ApiTarget): string =>
  [resource && `resource "${resource}"`, scope && `scope "${scope}"`].filter(Boolean).join(' and ');

/**
 * @internal The request for `target`'s token: its parameters in the server's dialect, how the
 * answer becomes the session's tokens, and how a refusal reads.
 */
export function apiRequest(config: Config, target: ApiTarget): ApiRequest {
  const key = apiTokenKey(target);
  const parameter = config.resourceParameter;
  const asked = apiTokenParams(target, parameter, config.scope);
  return {
    key,
    target,
    asked,
    commit: (body, claims, inputs) => {
      const tokens = withApiToken(key, target, body, claims, inputs);
      // RFC 6749 §5.1: a `scope` in the answer is what was granted. Without a scope asked for, the
      // token is not this API's (Auth0 answers an audience outside the refresh token policies with
      // the sign-in's). Entra names its scopes otherwise (Graph's without their prefix): not checked.
      const granted = body.scope?.split(' ');
      const missing = parameter === 'scope' || !granted ? [] : (target.scope ?? '').split(' ').filter((s) => s && !granted.includes(s));
      // A JWT whose `aud` does not name the resource is another API's token (a server that takes the
      // API under another parameter answers with the sign-in's), never to be sent to this one.
      const aud = parameter !== 'scope' && target.resource ? audienceOf(body.access_token) : undefined;
      const elsewhere = aud !== undefined && !aud.includes(target.resource!);
      const why = elsewhere
        ? `its access token is for ${JSON.stringify(aud)} (a server that takes the API under another name needs "resourceParameter": 'audience' for Auth0)`
        : missing.length
          ? `it granted "${body.scope}", without "${missing.join(' ')}" (Auth0: add the API to the application's refresh token policies)`
          : undefined;
      if (!why) return { tokens };
      const { [key]: _notThisApis, ...kept } = tokens.apiTokens!;
      return {
        tokens: { ...tokens, apiTokens: kept },
        error: notThisApis(new ValidationError('invalid_response', `The token endpoint gave no token for ${describe(target)}: ${why}; the session goes on`)),
      };
    },
    refusal: (error) => apiRefusal(error, key, target, config),
  };
}

/**
 * The named API of `getAccessToken`'s options (checked by the client, checkTokenOptions): a
 * `resource` alone names the `apiOrigins` entry with that resource, so both ask for one token.
 */
function targetOfOptions(config: Config, options: ApiTarget): ApiTarget {
  const { resource, scope } = options;
  const entry = scope === undefined ? config.apis.find((api) => api.target.resource === resource) : undefined;
  return entry?.target ?? apiTarget(options);
}

/**
 * With the `resource` parameter, a token only for what the session's sign-in asked for:
 * oidc-provider spends the refresh token before it refuses another resource (`invalid_target`),
 * which would end the session at the next refresh.
 *
 * @throws {@link ConfigError} for a resource the app never names, or a `scope` alone when the sign-in
 *   asked for several resources; {@link LoginRequiredError} for one the app names but this session's
 *   sign-in (stored before the app named it) did not ask for: a new sign-in covers it.
 */
function checkGranted(config: Config, { resource }: ApiTarget, session: TokenSet): void {
  if (config.resourceParameter !== 'resource') return;
  const granted = session.resources ?? config.signInResources;
  const list = (values: string[]) => values.map((r) => JSON.stringify(r)).join(', ') || 'none';
  if (resource === undefined && granted.length > 1) {
    throw new ConfigError(`"scope" alone names none of the sign-in's resources (${list(granted)}): give the API's "resource" too`);
  }
  if (resource === undefined || granted.includes(resource)) return;
  if (config.signInResources.includes(resource)) {
    throw new LoginRequiredError(`This session's sign-in did not ask for ${JSON.stringify(resource)} (the app named it since): a new sign-in (login()) gets a grant that covers it; the session goes on`);
  }
  throw new ConfigError(
    `"resource" ${JSON.stringify(resource)} is not one the sign-in asked for (${list(granted)}): name the API in "apiOrigins" as { origin, resource }, or in "resource", so that the grant covers it`,
  );
}

/**
 * The session's tokens after a refresh for the named API `target` (kept under `key`): the response's
 * access token becomes that API's; the rest (the rotated refresh token, a refreshed ID token, the
 * server's clock) is the session's as after any refresh, and the sign-in's access token stays.
 */
function withApiToken(key: string, target: ApiTarget, response: TokenResponse, claims: IdTokenClaims | undefined, inputs: TokenSetInputs & { previous: TokenSet }): TokenSet {
  const { previous } = inputs;
  const { accessToken, tokenType, expiresAt, refreshAt, scope: _granted, apiTokens: _kept, ...session } = tokenSetFrom(response, claims, inputs);
  const token: ApiToken = {
    ...apiTarget(target),
    accessToken,
    ...(tokenType ? { tokenType } : {}),
    expiresAt,
    refreshAt,
  };
  return {
    ...session,
    accessToken: previous.accessToken,
    ...(previous.tokenType ? { tokenType: previous.tokenType } : {}),
    expiresAt: previous.expiresAt,
    refreshAt: previous.refreshAt,
    scope: previous.scope,
    apiTokens: { ...previous.apiTokens, [key]: token },
  };
}

/**
 * A server's refusal of a token for an API (RFC 8707 §2.2 `invalid_target`, RFC 6749 §5.2
 * `invalid_scope`, …), naming what was asked for and what to change; the session goes on.
 */
function apiRefusal(error: OAuthError, key: string, target: ApiTarget, config: Config): OAuthError {
  const listed = config.apis.some((route) => route.key === key);
  const change =
    error.error === 'invalid_scope'
      ? 'ask for scopes the sign-in granted, or add them to "scope"'
      : error.error === 'invalid_target'
        ? `check that the server knows this resource${listed ? '' : ', and list the API in "apiOrigins" so that the sign-in asks for it too'}`
        : 'see its error_description';
  const { error: code, errorDescription, errorUri, status } = error;
  return new OAuthError({ error: code, errorDescription, errorUri, status, cause: error }, `the server refused a token for ${describe(target)}: ${change}`);
}

/**
 * Refusals of an API's token (its resource or scope), by client and API, for the session they came
 * in: asking again can only be refused again, so it is not asked again (`forceRefresh` does).
 */
const refusals = new WeakMap<ClientContext, Map<string, { sessionId: string; error: PkceError }>>();

/** The clients whose named APIs' tokens have a refresh schedule: one each, made on first use. */
const scheduled = new WeakSet<ClientContext>();

/**
 * @internal See {@link PkceClient.getAccessToken} with `resource` or `scope`: the API's token held
 * while it is fresh, else one asked for with the session's refresh token.
 */
export async function getApiToken(ctx: ClientContext, refresh: Refresh, options: ApiTarget & { forceRefresh?: boolean }): Promise<string> {
  const { session, events } = ctx;
  const target = targetOfOptions(ctx.config, options);
  const forceRefresh = options.forceRefresh ?? false;
  if (!scheduled.has(ctx)) {
    scheduled.add(ctx);
    scheduleRefreshes(ctx, refresh, {
      // The APIs of apiOrigins only: a token asked for once by getAccessToken() is refreshed when asked again.
      tokens: (tokens) => Object.entries(tokens.apiTokens ?? {}).flatMap(([key, token]) => (ctx.config.apis.some((api) => api.key === key) ? [token] : [])),
      request: (token) => apiRequest(ctx.config, apiTarget(token as ApiToken)),
      onVisible: false,
    });
  }
  await session.load();
  const current = session.tokens;
  if (!current) throw new LoginRequiredError('Not signed in: call login()');
  checkGranted(ctx.config, target, current);
  const api = apiRequest(ctx.config, target);
  const held: Held | undefined = current.apiTokens?.[api.key];
  if (held && !forceRefresh && !isDue(held)) return held.accessToken;
  if (!current.refreshToken) {
    if (held && !forceRefresh && !isExpired(held)) return held.accessToken;
    // Not login_required: signing in again would bring no refresh token either.
    throw new ConfigError(`There is no refresh token, and a token for ${describe(api.target)} needs one: ask for "offline_access" in "scope", or turn refresh tokens on for this client at the server`);
  }
  const refused = refusals.get(ctx)?.get(api.key);
  if (refused && !forceRefresh && refused.sessionId === current.sessionId) throw refused.error;
  try {
    return (await refresh(held?.accessToken, api)).accessToken;
  } catch (error) {
    // This API's resource or scope refused, the session kept: remembered for this session (a server
    // error, or the network, is tried again at the next call).
    const lasting = (error instanceof OAuthError && ['invalid_target', 'invalid_scope'].includes(error.error)) || answeredForAnother.has(error as object);
    if (lasting && session.tokens?.sessionId === current.sessionId) {
      if (!refusals.has(ctx)) refusals.set(ctx, new Map());
      refusals.get(ctx)!.set(api.key, { sessionId: current.sessionId, error: error as PkceError });
    }
    // An early refresh that could not reach the server does not make a valid token unusable.
    if (isOffline(error) && !forceRefresh && held && !isExpired(held) && session.tokens?.apiTokens?.[api.key] === held) {
      events.emit('refresh-failed', { error: error as PkceError });
      return held.accessToken;
    }
    throw error;
  }
}

