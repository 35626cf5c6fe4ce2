// When the session's tokens are refreshed with nobody asking: ahead of their expiry, and when the tab
// comes back to the foreground.
import type { ApiRequest } from './api-tokens.js';
import type { ClientContext } from './context.js';
import { isPkceError } from '../shared/errors.js';
import type { TokenSet } from '../session/token-set.js';
import type { ApiToken } from '../session/token-set.js';

/** @internal An access token and its times: the sign-in's, or a named API's. */
export type Held = Pick<ApiToken, 'accessToken' | 'refreshAt' | 'expiresAt'>;
export const isDue = (tokens: Held) => tokens.refreshAt !== undefined && Date.now() >= tokens.refreshAt;

/** The named APIs' tokens a session holds, with what each was asked for. */
const apiRequests = (tokens: TokenSet | undefined) =>
  Object.entries(tokens?.apiTokens ?? {}).map(([key, token]) => ({ key, token, target: { resource: token.resource, scope: token.scope } }));

/**
 * @internal Refreshes each of the session's tokens (the sign-in's and every named API's) once it is
 * due, with `refresh` (which runs them one after another); a failure that keeps the session is the
 * `refresh-failed` event, and the refresh is tried again 30 s later.
 */
export function scheduleRefreshes(ctx: ClientContext, refresh: (stale: string, api?: ApiRequest) => Promise<Held>): void {
  const { session, events } = ctx;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let listening = false;

  async function refreshInBackground(): Promise<void> {
    const current = session.tokens;
    if (!current?.refreshToken) return schedule();
    const due = [...(isDue(current) ? [{ token: current as Held, api: undefined }] : []), ...apiRequests(current).filter((api) => isDue(api.token)).map((api) => ({ token: api.token as Held, api }))];
    if (!due.length) return schedule();
    for (const { token, api } of due) {
      try {
        await refresh(token.accessToken, api);
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
    const times = [current?.refreshAt, ...apiRequests(current).map((api) => api.token.refreshAt)].filter((t): t is number => t !== undefined);
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
}
