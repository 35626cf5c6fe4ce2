import { openPopup, requireBrowser, sameOrigin, tidyAddressBar } from '../browser/page.js';
import type { PkceClientOptions } from './options.js';
import { checkTokenOptions, resolveConfig } from './resolve-options.js';
import { createClientContext } from './context.js';
import type { PkceClient, RestoreOptions } from './types.js';
import type { Refresher } from './refresher.js';
import { relayCallback } from '../browser/relay.js';
import { restoreSession } from './restore.js';
import { hadSession, noteLoggedOut, noteSignedIn } from '../session/hint.js';
import { holdLock } from '../session/tab-sync.js';
import { completeLogin } from './login/complete.js';
import { responseModeOf } from '../browser/response-mode.js';
import { finishLogout } from './logout-return.js';
import { loadPart } from '../shared/errors.js';

const never = () => new Promise<never>(() => undefined);

/**
 * Creates the client a single-page app signs in with: Authorization Code + PKCE, OpenID
 * Connect, tokens in memory, refresh before expiry, and an authorizing `fetch`. Nothing touches
 * the page until a method is called, so it can be created during server-side rendering.
 *
 * @throws {@link ConfigError} naming the first invalid option.
 * @example
 * ```ts
 * const auth = createPkceClient({ issuer: 'https://auth.example.com', clientId: 'spa', redirectUri: location.origin + '/callback' })
 * const result = await auth.handleRedirect()
 * if (result) history.replaceState(null, '', result.returnTo)
 * ```
 */
export function createPkceClient(options: PkceClientOptions): PkceClient {
  const ctx = createClientContext(resolveConfig(options));
  const { config, session, events, issuer } = ctx;
  // Token upkeep (refresh ahead of expiry, the authorizing fetch) loads once the session has tokens,
  // here or from another tab, or when the app first asks for a token: a signed-out visitor's page
  // never fetches it. One refresher per client, made once it has loaded; a failed load is tried again.
  let refresher: Promise<Refresher> | undefined;
  const loadRefresher = () =>
    (refresher ??= loadPart(() => import('./refresher.js'), 'token refresh').then(
      ({ createRefresher }) => createRefresher(ctx),
      (error: unknown) => {
        refresher = undefined;
        throw error;
      },
    ));
  session.watch(() => void (session.tokens && loadRefresher().catch(() => undefined)));
  const getAccessToken: PkceClient['getAccessToken'] = async (tokenOptions) => {
    if (tokenOptions) checkTokenOptions(tokenOptions);
    return (await loadRefresher()).getAccessToken(tokenOptions);
  };
  // A code is on its way (this is the callback page, or a returning user's iframe is out): what
  // redeems it, checks the ID token and keeps the tokens loads meanwhile, not after it.
  ctx.onCodeExpected = () => {
    import('./login/exchange.js').catch(() => undefined);
    if (ctx.openid) issuer.preloadChecks();
    loadRefresher().catch(() => undefined);
  };
  // The sign-in code, loaded ahead of a click on "Sign in" wherever one may come.
  const warmSignIn = () => void import('./login/begin.js').catch(() => undefined);
  // The non-secret hint of hadSession(): set by any sign-in, cleared by a sign-out.
  events.on('signed-in', () => noteSignedIn(ctx.names));
  events.on('session-ended', ({ reason }) => {
    if (reason === 'logout') noteLoggedOut(ctx.names);
    // Signed out while the page stays (a refused refresh token, an expiry, another tab's logout): its
    // "Sign in" may be clicked next.
    if (!session.signingOut) warmSignIn();
  });
  // Discovery (and, for a page without a session once the store is read, the login code) in the
  // background while the page starts, so a click on "Sign in" leaves at once; a session restored
  // from the store has no "Sign in" to click.
  const warmUp = () =>
    void setTimeout(() => {
      issuer.getMetadata().catch(() => undefined);
      session.load().then(() => session.tokens || warmSignIn(), () => undefined);
      // Whether another tab's logout is under way now: the click then need not ask.
      ctx.logouts.look();
    }, 0);
  // The code that pushes sign-in requests ahead of the click, once a signed-out page loaded it: only
  // then can a click find one. A page that never pushes (signed in, par: false) never loads it.
  let ahead: Promise<typeof import('./login/ahead.js')> | undefined;
  // Sign-in everywhere: after restoreSession() allowed a silent sign-in, this tab follows another's.
  let follow: RestoreOptions | undefined;
  ctx.onStartedElsewhere = (ticket) => follow && void restoreSession(ctx, follow, ticket).catch(() => undefined);

  return {
    async login(loginOptions = {}) {
      requireBrowser('login()');
      if (session.signingOut) return never();
      // A sign-out is final in every tab: a logout under way in another tab reaches the end-session
      // endpoint before this sign-in reaches the server, or the server session it is about to end
      // would sign this tab straight back in. Waited for while the request is made.
      const logoutsElsewhere = ctx.logouts.wait(10_000);
      const { beginLogin } = await import('./login/begin.js');
      const pushedAhead = ahead;
      const { url, pushedNow } = await beginLogin(ctx, loginOptions, 'redirect', pushedAhead && (async () => (await pushedAhead).takeAhead(ctx)));
      await logoutsElsewhere;
      // One that began while this request was pushed (on the click, or ahead and still in flight) goes first too.
      if (pushedNow) await ctx.logouts.wait(10_000);
      // A logout that began meanwhile goes first: its navigation must not be replaced.
      if (!session.signingOut) ctx.navigate(url.href);
      return never();
    },

    async handleRedirect(url) {
      requireBrowser('handleRedirect()');
      const href = url ?? location.href;
      const callback = new URL(href);
      const mode = responseModeOf(ctx.config, callback);
      // In the popup or the silent iframe: the page that asked completes it.
      if (mode && mode !== 'redirect' && (await relayCallback(href))) return never();
      // The code's redemption loads while the session and the transaction are read.
      if (mode && callback.searchParams.has('code')) ctx.onCodeExpected?.();
      await session.load();
      // Back from logout first: its lone `state` may land on the redirect URI's path too.
      const loggedOut = await finishLogout(ctx, callback);
      if (loggedOut) {
        if (loggedOut.returnTo && href === location.href) history.replaceState(history.state, '', loggedOut.returnTo);
        else tidyAddressBar(href);
        return null;
      }
      void ctx.transactions.sweep();
      if (!mode) {
        warmUp();
        return null;
      }
      tidyAddressBar(href);
      // Back after a sign-in: the server answered the used request again. Nothing to do, no token
      // request: the session is as it was (a state never issued here stays invalid_state).
      const state = callback.searchParams.get('state');
      if (state && (await ctx.transactions.completed(state))) return null;
      const ticket = session.loginTicket();
      const { tokens, returnTo, appState, user } = await session.track('signingIn', () => completeLogin(ctx, callback));
      await session.start(tokens, 'redirect', ticket);
      return appState === undefined ? { returnTo, user } : { returnTo, appState, user };
    },

    async loginWithPopup(popupOptions = {}) {
      requireBrowser('loginWithPopup()');
      if (session.signingOut) return never();
      const popup = openPopup(); // in the click itself, before any await
      const ticket = session.loginTicket();
      const { loginWithPopupWindow } = await import('./login/popup.js');
      const { tokens, returnTo, appState, user } = await session.track('signingIn', () => loginWithPopupWindow(ctx, popup, popupOptions));
      await session.start(tokens, 'popup', ticket);
      return appState === undefined ? { returnTo, user } : { returnTo, appState, user };
    },

    async restoreSession(restoreOptions = {}) {
      requireBrowser('restoreSession()');
      warmUp();
      if (restoreOptions.silent !== false) follow = restoreOptions;
      const result = await restoreSession(ctx, restoreOptions);
      // Signed out: the sign-in request is pushed now (PAR), so the click on "Sign in" need not wait for it.
      if (!result.signedIn && config.par !== false) {
        const loading = (ahead ??= import('./login/ahead.js'));
        loading.then(({ pushAheadSoon }) => pushAheadSoon(ctx), () => (ahead = undefined));
      }
      return result;
    },

    hadSession: () => hadSession(ctx.names),

    isAuthenticated: () => !!session.tokens,

    get user() {
      return session.tokens?.claims;
    },

    getAccessToken,

    fetch: async (input, init) => (await loadRefresher()).fetch(input, init),

    getUserInfo: async () => (await import('./userinfo.js')).getUserInfo(ctx, await getAccessToken()),

    on: events.on,

    async logout({ returnTo = '/' } = {}) {
      requireBrowser('logout()');
      const target = sameOrigin(returnTo, 'returnTo');
      if (session.signingOut) return never();
      await session.load();
      // Back from the back/forward cache after leaving, the page is a live page again.
      addEventListener('pageshow', (event) => event.persisted && session.resume(), { once: true });
      const idToken = session.tokens?.idToken;
      // Held until this page is gone (to the end-session endpoint): other tabs' sign-ins wait for it.
      // Taken before the other tabs hear of the logout, whose listeners may sign in at once.
      const leaving = await holdLock(ctx.names.logoutLock, 100);
      addEventListener('pageshow', (event) => event.persisted && leaving?.(), { once: true });
      const ending = session.logout(); // at once: a listener's login() finds the client signing out
      const { logoutDestination } = await import('./logout.js');
      ctx.navigate(await logoutDestination(ctx, target, idToken, ending));
      return never();
    },
  };
}
