import { createAuthorizedFetch } from './authorized-fetch.js';
import type { ClientContext } from './context.js';
import { LoginRequiredError, isPkceError, type PkceError } from '../shared/errors.js';
import type { IdTokenClaims } from '../protocol/id-token/claims.js';
import { readJson } from '../protocol/http.js';
import { singleFlight } from '../session/single-flight.js';
import { serverTime, tokenSetFrom } from '../session/token-set.js';
import { serverClockOffset } from '../protocol/server-time.js';
import { processTokenResponse, refreshGrant, sendTokenRequest, type TokenResponse } from '../protocol/token-endpoint.js';
import type { TokenSet } from '../session/token-store.js';

/** Token-endpoint refusals that say asking again with the same refresh token can only fail again. */
const FINAL_REFUSALS = new Set(['invalid_grant', 'invalid_request', 'invalid_client', 'unauthorized_client', 'unsupported_grant_type']);

const isOffline = (error: unknown) => isPkceError(error, 'network_error') || isPkceError(error, 'timeout');
const isDue = (tokens: TokenSet) => tokens.refreshAt !== undefined && Date.now() >= tokens.refreshAt;
const isExpired = (tokens: TokenSet) => tokens.expiresAt !== undefined && Date.now() >= tokens.expiresAt;

/** The refresh token a 200 carried even if the rest of it is unusable, so it can be revoked. */
async function carriedRefreshToken(response: Response): Promise<string | undefined> {
  try {
    const token = (await readJson(response, 'The token endpoint')).refresh_token;
    return typeof token === 'string' && token ? token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @internal Keeps the session's access token usable: refreshes on demand and ahead of expiry
 * (RFC 6749 §6), one at a time per tab (single-flight) and across tabs (the session lock), with
 * refresh token rotation made atomic: after the token endpoint answered 200, the refresh token that
 * was sent is never sent again, whatever fails afterwards (RFC 9700 §4.14.2).
 */
export function createRefresher(ctx: ClientContext) {
  const { config, session, events, locked } = ctx;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let listening = false;

  /** Replaces the access token `stale`; whoever asks while it runs waits for the same run. */
  const refresh = singleFlight((stale: string) => locked(() => run(stale)));

  async function run(stale: string): Promise<TokenSet> {
    // Another tab sharing the store may have refreshed, signed out or in while this one waited.
    await session.sync();
    const ticket = session.ticket();
    const current = session.tokens;
    if (!current) throw new LoginRequiredError('Not signed in');
    if (current.accessToken !== stale) return current;
    if (!current.refreshToken) throw new LoginRequiredError('There is no refresh token: a new access token needs login()');
    if (await session.spentElsewhere(current)) {
      // Spending it again would make a rotating server revoke the grant for the copy that moved on.
      const error = new LoginRequiredError('Another copy of this session (a duplicated tab, or this tab before Back) already used its refresh token');
      if (session.isCurrent(ticket)) await session.end('invalid_grant', { error });
      throw error;
    }
    const md = await ctx.issuer.getMetadata();
    if (!session.isCurrent(ticket)) throw new LoginRequiredError('The session ended before it was refreshed');
    // A DPoP-bound session refreshes with a proof of its key, and must get DPoP back (RFC 9449 §5).
    const dpop = current.tokenType === 'DPoP' ? await ctx.signer(current.sessionId) : undefined;
    const response = await session.track('refreshing', () =>
      sendTokenRequest(
        { ...ctx.http, dpop, tokenEndpoint: md.token_endpoint, clientId: config.clientId, resource: config.resource },
        refreshGrant(current.refreshToken!),
      ),
    );
    if (!response.ok) return refused(response, current);

    // A 200 that cannot be used ends the session it refreshed, only if it is still this tab's; what
    // it carried is revoked either way.
    const giveUp = async (error: unknown, revoke: string | undefined) => {
      if (session.isCurrent(ticket)) await session.end('invalid_response', { error: error as PkceError, revoke });
      else if (revoke) void ctx.revoke(revoke, current.sessionId);
      throw error;
    };
    // A 200: the refresh token sent may be spent now. From here on it is never sent again.
    const raw = response.clone();
    let body: TokenResponse;
    try {
      body = await processTokenResponse(response, dpop ? 'DPoP' : 'Bearer');
    } catch (error) {
      return giveUp(error, (await carriedRefreshToken(raw)) ?? current.refreshToken);
    }
    const nextRefreshToken = body.refresh_token ?? current.refreshToken;
    // Undefined when the response says nothing of the time: the session's offset stays (tokenSetFrom).
    const clockOffset = serverClockOffset(body, Date.now(), current.claims?.iat);
    let claims: IdTokenClaims | undefined;
    if (body.id_token && ctx.openid && session.isCurrent(ticket)) {
      try {
        claims = await ctx.issuer.verifyIdToken(body.id_token, md, { previous: current.claims, currentTime: serverTime(clockOffset ?? current.clockOffset) });
      } catch (error) {
        // Keys out of reach say nothing against the token: the session goes on with the new access
        // and refresh tokens and the claims it had. Anything else is a token that must not be used.
        if (!isOffline(error)) return giveUp(error, nextRefreshToken);
        claims = undefined;
      }
    }
    const next = tokenSetFrom(body, claims, { refreshLeeway: config.refreshLeeway, previous: current, clockOffset });
    await session.replace(ticket, next);
    events.emit('refreshed', { expiresAt: next.expiresAt });
    return next;
  }

  /**
   * A refusal that no retry with this refresh token can fix ends the session, unless another tab
   * refreshed first: `invalid_grant` (RFC 6749 §5.2), the codes that say the request itself can never
   * succeed (`invalid_request`: LemonLDAP::NG so answers a purged refresh token; `invalid_client`,
   * `unauthorized_client`, `unsupported_grant_type`), and a 400 or 401 without an OAuth error body
   * (glewlwyd so answers a spent refresh token). Other refusals keep the session while its access
   * token works (see `getAccessToken`).
   */
  async function refused(response: Response, sent: TokenSet): Promise<TokenSet> {
    const error = await processTokenResponse(response).then(
      () => undefined,
      (e: unknown) => e,
    );
    const code = isPkceError(error, 'oauth_error') ? error.error : undefined;
    const final = code !== undefined ? FINAL_REFUSALS.has(code) : response.status === 400 || response.status === 401;
    if (!final) throw error;
    await session.sync();
    const latest = session.tokens;
    if (latest && latest.refreshToken !== sent.refreshToken) return latest;
    const ended = new LoginRequiredError(
      `The session ended: the refresh token was refused${code ? '' : ` (HTTP ${response.status} without an error code)`}`,
      isPkceError(error, 'oauth_error') ? { cause: error, error: error.error, errorDescription: error.errorDescription } : { cause: error },
    );
    await session.end('invalid_grant', { error: ended });
    throw ended;
  }

  /** A refresh nobody waits for: a failure that keeps the session is reported as an event. */
  async function refreshInBackground(): Promise<void> {
    const current = session.tokens;
    if (!current?.refreshToken || !isDue(current)) return schedule();
    try {
      await refresh(current.accessToken);
    } catch (error) {
      if (session.tokens !== current) return;
      if (isPkceError(error)) events.emit('refresh-failed', { error });
      schedule(30_000);
    }
  }

  // Timers are only a head start: expiry is checked again whenever a token is asked for and when
  // the tab returns to the foreground, since background tabs and sleeping laptops delay timers.
  // Ticks are capped at a minute so a wake-up from sleep is noticed soon, and come at least 5 s
  // apart so a server that issues very short lifetimes (even `expires_in: 0`) gets no storm.
  function schedule(delay?: number): void {
    clearTimeout(timer);
    const current = session.tokens;
    if (!listening && typeof document !== 'undefined') {
      listening = true;
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') void session.sync().then(refreshInBackground);
      });
    }
    if (!current?.refreshToken || current.refreshAt === undefined) return;
    const ticket = session.ticket();
    timer = setTimeout(
      () => void (session.isCurrent(ticket) && refreshInBackground()),
      delay ?? Math.min(Math.max(current.refreshAt - Date.now(), 5_000), 60_000),
    );
    // Outside browsers (tests, SSR, Electron's main process) a refresh timer must not keep the process alive.
    (timer as { unref?: () => void } | undefined)?.unref?.();
  }
  session.watch(() => schedule());

  /** See {@link PkceClient.getAccessToken}. */
  async function getAccessToken({ forceRefresh = false } = {}): Promise<string> {
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

  return {
    refresh,
    getAccessToken,
    /** `auth.fetch`: the token for the page's origin and `apiOrigins` only. */
    fetch: createAuthorizedFetch(
      {
        getAccessToken,
        currentToken: () => session.tokens?.accessToken,
        renew: async (stale) => (await refresh(stale)).accessToken,
        canRenew: () => !!session.tokens?.refreshToken,
        signer: async () => {
          const current = session.tokens;
          return current?.tokenType === 'DPoP' ? ctx.signer(current.sessionId) : undefined;
        },
      },
      (target) => {
        const { origin } = new URL(target, location.href);
        return origin === location.origin || config.apiOrigins.includes(origin);
      },
      () => ctx.http.fetch ?? fetch,
    ),
  };
}
