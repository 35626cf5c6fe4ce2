// When the session's tokens are refreshed with nobody asking: ahead of their expiry, and when the tab
// comes back to the foreground. The sign-in's token has a schedule from the start; the named APIs'
// tokens get theirs with the code that asks for them.
import type { ClientContext } from './context.js';
import { isPkceError, type OAuthError, type PkceError } from '../shared/errors.js';
import type { ApiTarget } from '../protocol/api-token.js';
import type { ApiTokenParams } from '../protocol/api-token.js';
import type { IdTokenClaims } from '../protocol/id-token/claims.js';
import type { TokenResponse } from '../protocol/token-endpoint.js';
import type { ApiToken, TokenSet, TokenSetInputs } from '../session/token-set.js';

/** @internal An access token and its times: the sign-in's, or a named API's. */
export type Held = Pick<ApiToken, 'accessToken' | 'refreshAt' | 'expiresAt'>;
/** @internal */
export const isDue = (tokens: Held) => Date.now() >= (tokens.refreshAt ?? Infinity);
/** @internal */
export const isExpired = (tokens: Held) => tokens.expiresAt !== undefined && Date.now() >= tokens.expiresAt;
/** @internal */
export const isOffline = (error: unknown) => isPkceError(error, 'network_error') || isPkceError(error, 'timeout');

/** @internal A named API's token, asked for (see api-tokens.ts, which makes these). */
export interface ApiRequest {
  target: ApiTarget;
  /** Where the session keeps it: `TokenSet.apiTokens[key]`. */
  key: string;
  /** The refresh request's parameters, in the server's dialect. */
  asked: ApiTokenParams;
  /**
   * The session's tokens once the token endpoint answered 200, and the error to report when the
   * answer is no token for this API (the session keeps its rotated refresh token all the same).
   */
  commit(body: TokenResponse, claims: IdTokenClaims | undefined, inputs: TokenSetInputs & { previous: TokenSet }): { tokens: TokenSet; error?: PkceError };
  /** The error for a refusal that keeps the session. */
  refusal(error: OAuthError): OAuthError;
}

/** @internal Replaces the access token `stale` of `api` (the sign-in's without it). */
export type Refresh = (stale: string | undefined, api?: ApiRequest) => Promise<Held>;

/** @internal Which tokens a schedule keeps fresh: the sign-in's, or the named APIs'. */
export interface Scheduled {
  /** The session's tokens this schedule refreshes. */
  tokens(session: TokenSet): Held[];
  /** What to refresh one of them with (`undefined`: the sign-in's token). */
  request(token: Held): ApiRequest | undefined;
  /** Also refresh when the tab comes back to the foreground (one schedule of a client does). */
  onVisible: boolean;
}

/**
 * @internal Refreshes `scheduled`'s tokens once they are due, with `refresh` (which runs them one
 * after another); a failure that keeps the session is the `refresh-failed` event, and the refresh is
 * tried again 30 s later.
 */
export function scheduleRefreshes(ctx: ClientContext, refresh: Refresh, scheduled: Scheduled): void {
  const { session, events } = ctx;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let listening = !scheduled.onVisible;

  async function refreshInBackground(): Promise<void> {
    const current = session.tokens;
    if (!current?.refreshToken) return schedule();
    const due = scheduled.tokens(current).filter(isDue);
    if (!due.length) return schedule();
    for (const token of due) {
      try {
        await refresh(token.accessToken, scheduled.request(token));
      } catch (error) {
        if (!session.tokens || session.tokens.sessionId !== current.sessionId) return;
        if (isPkceError(error)) events.emit('refresh-failed', { error });
        return schedule(30_000);
      }
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
    const times = current ? scheduled.tokens(current).flatMap((token) => (Number.isFinite(token.refreshAt) ? [token.refreshAt!] : [])) : [];
    if (!current?.refreshToken || !times.length) return;
    const ticket = session.ticket();
    timer = setTimeout(
      () => void (session.isCurrent(ticket) && refreshInBackground()),
      delay ?? Math.min(Math.max(Math.min(...times) - Date.now(), 5_000), 60_000),
    );
    // Outside browsers (tests, SSR, Electron's main process) a refresh timer must not keep the process alive.
    (timer as { unref?: () => void } | undefined)?.unref?.();
  }
  session.watch(() => schedule());
  // A schedule made once the session has tokens (the named APIs') starts now.
  if (session.tokens) schedule();
}
