import { createAuthorizedFetch } from './authorized-fetch.js';
import type { ClientContext } from './context.js';
import { LoginRequiredError, isPkceError, type PkceError } from '../shared/errors.js';
import { isDue, isExpired, isOffline, scheduleRefreshes, type ApiRequest, type Held } from './refresh-timer.js';
import type { ApiRoute } from './options.js';
import type { PkceClient } from './types.js';

/** @internal What {@link createRefresher} makes: the client's `getAccessToken` and `fetch`. */
export interface Refresher {
  getAccessToken: PkceClient['getAccessToken'];
  fetch: PkceClient['fetch'];
}

/**
 * The code for named APIs' tokens: loaded by the first call that names one. It imports nothing of
 * the app's start-up chunk that no other lazy part imports: a bundler splits a chunk loaded by a
 * lazy chunk (this one) without regard to an app's top-level `await`, and a chunk that imported the
 * app's own would wait for it (test/package checks the build).
 */
const apiTokens = () => import('./api-tokens.js');
/** The refresh itself: loaded by the first refresh. */
const refreshRun = () => import('./refresh-run.js');

/**
 * @internal Keeps the session's access tokens usable, the sign-in's and those of the APIs the app
 * named: refreshes on demand and ahead of expiry (RFC 6749 §6), with refresh token rotation made
 * atomic: after the token endpoint answered 200, the refresh token that was sent is never sent
 * again, whatever fails afterwards (RFC 9700 §4.14.2). Every refresh, for any API, spends the one
 * refresh token, so refreshes run one after another in this tab and under the session lock across
 * tabs; callers asking for the same token while it is refreshed share the run.
 */
export function createRefresher(ctx: ClientContext): Refresher {
  const { config, session, events, locked } = ctx;
  // The session lock is re-entrant within the tab, so it cannot order this tab's own refreshes.
  let queue: Promise<unknown> = Promise.resolve();
  const flights = new Map<string, Promise<Held>>();

  /**
   * Replaces the access token `stale` of `api` (the sign-in's without `api`; `undefined` when the
   * API has none yet); whoever asks for the same while it runs waits for the same run.
   */
  function refresh(stale: string | undefined, api?: ApiRequest): Promise<Held> {
    // Per session too: a caller of a new sign-in never waits for the end of the last one's refresh.
    const id = JSON.stringify([session.tokens?.sessionId, api?.key, stale]);
    let flight = flights.get(id);
    if (!flight) {
      const step = async () => {
        const { runRefresh } = await refreshRun();
        return locked(() => runRefresh(ctx, stale, api));
      };
      flight = queue.then(step, step).finally(() => flights.delete(id));
      queue = flight.catch(() => undefined);
      flights.set(id, flight);
    }
    return flight;
  }

  scheduleRefreshes(ctx, refresh, { tokens: (tokens) => [tokens], request: () => undefined, onVisible: true });

  /** See {@link PkceClient.getAccessToken}. */
  async function getAccessToken(options: { forceRefresh?: boolean; resource?: string | undefined; scope?: string | undefined } = {}): Promise<string> {
    // The sign-in's own resource, alone, is the sign-in's token.
    const signIns = options.scope === undefined && options.resource === config.resource;
    if ((options.resource !== undefined || options.scope !== undefined) && !signIns) return (await apiTokens()).getApiToken(ctx, refresh, options);
    const { forceRefresh = false } = options;
    await session.load();
    const current = session.tokens;
    if (!current) throw new LoginRequiredError('Not signed in: call login()');
    if (!forceRefresh && !isDue(current)) return current.accessToken;
    if (!current.refreshToken) {
      if (!isExpired(current)) {
        // Kept: the access token still works, it just cannot be replaced without the user.
        if (forceRefresh) throw new LoginRequiredError('There is no refresh token: a new access token needs login()');
        return current.accessToken;
      }
      const error = new LoginRequiredError('The access token expired and there is no refresh token');
      await session.end('expired', { error });
      throw error;
    }
    try {
      return (await refresh(current.accessToken)).accessToken;
    } catch (error) {
      // An early refresh that could not reach the server does not make a valid token unusable.
      if (isOffline(error) && !forceRefresh && session.tokens === current && !isExpired(current)) {
        events.emit('refresh-failed', { error: error as PkceError });
        return current.accessToken;
      }
      // Refused by the server, with nothing left that works: the session ends now, with the server's
      // error, rather than fail every call while claiming to be signed in.
      if (isPkceError(error, 'oauth_error') && session.tokens === current && isExpired(current)) {
        const ended = new LoginRequiredError('The session ended: the access token expired and the server refused to refresh it', {
          cause: error,
          error: error.error,
          errorDescription: error.errorDescription,
        });
        await session.end('expired', { error: ended });
        throw ended;
      }
      throw error;
    }
  }

  /** The API whose token `auth.fetch` sends to `url`: `undefined` for the sign-in's, `null` for none. */
  const route = (url: string): ApiRoute | null | undefined => {
    const { origin } = new URL(url, location.href);
    return config.apis.find((api) => api.origin === origin) ?? (origin === location.origin || config.apiOrigins.includes(origin) ? undefined : null);
  };

  return {
    getAccessToken,
    /** `auth.fetch`: each API origin gets its own token; the page's origin and plain `apiOrigins` the sign-in's. */
    fetch: createAuthorizedFetch<ApiRoute>(
      {
        getAccessToken: (api) => getAccessToken(api?.target ?? {}),
        currentToken: (api) => (api ? session.tokens?.apiTokens?.[api.key] : session.tokens)?.accessToken,
        renew: async (stale, api) => (await refresh(stale, api && (await apiTokens()).apiRequest(config, api.target))).accessToken,
        canRenew: () => !!session.tokens?.refreshToken,
        signer: async () => {
          const current = session.tokens;
          return current?.tokenType === 'DPoP' ? ctx.signer(current.sessionId) : undefined;
        },
      },
      route,
      () => ctx.http.fetch ?? fetch,
    ),
  };
}
