import { requireBrowser, sameOrigin, tidyAddressBar } from './browser.js';
import { resolveConfig, type PkceClientOptions } from './config.js';
import { createClientContext } from './context.js';
import type { PkceClient, RestoreOptions } from './pkce-client.js';
import { createRefresher } from './refresher.js';
import { getUserInfo } from './session-userinfo.js';
import { openPopup, signInWithPopup } from './popup.js';
import { relayCallback } from './relay.js';
import { restoreSession, sessionHint } from './restore.js';
import { beginLogin, completeLogin, responseModeOf } from './sign-in.js';
import { finishSignOut, signOut } from './sign-out.js';

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
  const { clientId } = config;
  const refresher = createRefresher(ctx);
  const { getAccessToken } = refresher;
  // The non-secret hint of hadSession(): set by any sign-in, cleared by a sign-out.
  events.on('signed-in', () => sessionHint(clientId, true));
  events.on('session-ended', ({ reason }) => reason === 'logout' && sessionHint(clientId, false));
  // Discovery in the background while the page starts, so a click on "Sign in" leaves at once.
  const warmUp = () => void setTimeout(() => issuer.getMetadata().catch(() => undefined), 0);
  // Sign-in everywhere: after restoreSession() allowed a silent sign-in, this tab follows another's.
  let follow: RestoreOptions | undefined;
  ctx.onStartedElsewhere = () => follow && void restoreSession(ctx, follow);

  return {
    async login(loginOptions = {}) {
      requireBrowser('login()');
      if (session.signingOut) return never();
      const { url } = await beginLogin(ctx, loginOptions);
      // A logout that began meanwhile goes first: its navigation must not be replaced.
      if (!session.signingOut) ctx.navigate(url.href);
      return never();
    },

    async handleRedirect(url) {
      requireBrowser('handleRedirect()');
      const href = url ?? location.href;
      const callback = new URL(href);
      const mode = responseModeOf(ctx, callback);
      // In the popup or the silent iframe: the page that asked completes it.
      if (mode && mode !== 'redirect' && (await relayCallback(href))) return never();
      await session.load();
      // Back from logout first: its lone `state` may land on the redirect URI's path too.
      if (await finishSignOut(ctx, callback)) {
        tidyAddressBar(href);
        return null;
      }
      void ctx.transactions.sweep();
      if (!mode) {
        warmUp();
        return null;
      }
      tidyAddressBar(href);
      const { tokens, returnTo, appState, user } = await session.track('signingIn', () => completeLogin(ctx, callback));
      await session.start(tokens, 'redirect');
      return appState === undefined ? { returnTo, user } : { returnTo, appState, user };
    },

    async loginWithPopup(popupOptions = {}) {
      requireBrowser('loginWithPopup()');
      if (session.signingOut) return never();
      const popup = openPopup(); // in the click itself, before any await
      const { tokens, returnTo, appState, user } = await session.track('signingIn', () => signInWithPopup(ctx, popup, popupOptions));
      await session.start(tokens, 'popup');
      return appState === undefined ? { returnTo, user } : { returnTo, appState, user };
    },

    async restoreSession(restoreOptions = {}) {
      requireBrowser('restoreSession()');
      warmUp();
      if (restoreOptions.silent !== false) follow = restoreOptions;
      return restoreSession(ctx, restoreOptions);
    },

    hadSession: () => sessionHint(clientId),

    isAuthenticated: () => !!session.tokens,

    get user() {
      return session.tokens?.claims;
    },

    getAccessToken,

    fetch: refresher.fetch,

    getUserInfo: async () => getUserInfo(ctx, await getAccessToken()),

    on: events.on,

    async logout({ returnTo = '/' } = {}) {
      requireBrowser('logout()');
      const target = sameOrigin(returnTo, 'returnTo');
      if (session.signingOut) return never();
      await session.load();
      // Back from the back/forward cache after leaving, the page is a live page again.
      addEventListener('pageshow', (event) => event.persisted && session.resume(), { once: true });
      ctx.navigate(await signOut(ctx, target));
      return never();
    },
  };
}
