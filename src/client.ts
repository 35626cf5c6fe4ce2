import { createAuthorizedFetch } from './api-fetch.js';
import { requireBrowser, sameOrigin, tidyAddressBar } from './browser.js';
import { isCallbackUrl } from './callback.js';
import { resolveConfig, type PkceClientOptions } from './config.js';
import type { ClientContext } from './context.js';
import { createEmitter } from './emitter.js';
import { createIssuer } from './issuer.js';
import type { PkceClient, PkceClientEvents } from './pkce-client.js';
import { createRefresher } from './refresher.js';
import { createSession } from './session.js';
import { getUserInfo } from './session-userinfo.js';
import { beginLogin, completeLogin } from './sign-in.js';
import { finishSignOut, signOut } from './sign-out.js';
import { createSessionLock, createTabChannel } from './tab-sync.js';
import { memoryTokenStore } from './token-store.js';
import { createTransactionStore } from './transaction.js';

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
  const config = resolveConfig(options);
  const { clientId } = config;
  const http = { fetch: (...args: Parameters<typeof fetch>) => (config.fetch ?? fetch)(...args), timeout: config.timeout };
  const issuer = createIssuer(config, http);
  const events = createEmitter<PkceClientEvents>();
  const locked = createSessionLock(`pkce-spa:${clientId}:refresh`);
  const revoke = async (token: string) => {
    const result = await issuer.revoke(token);
    if (!result.revoked) events.emit('revocation-failed', result.error ? { reason: result.reason, error: result.error } : { reason: result.reason });
  };
  const channel = createTabChannel(`pkce-spa:${config.issuer}:${clientId}`, (message) => void session.receive(message));
  const session = createSession({
    store: config.tokenStore ?? memoryTokenStore(),
    events,
    locked,
    channel,
    holderLock: (id) => `pkce-spa:${clientId}:holder:${id}`,
    revoke,
  });
  const ctx: ClientContext = {
    config,
    http,
    issuer,
    session,
    events,
    transactions: createTransactionStore(() => ctx.storage(), clientId),
    storage: () => config.transactionStorage ?? sessionStorage,
    navigate: (url) => (config.navigate ?? ((href) => location.assign(href)))(url),
    revoke,
    openid: config.scope.split(' ').includes('openid'),
  };
  const refresher = createRefresher(ctx, locked);
  const { getAccessToken } = refresher;

  return {
    async login(loginOptions = {}) {
      requireBrowser('login()');
      if (session.signingOut) return never();
      const url = await beginLogin(ctx, loginOptions);
      // A logout that began meanwhile goes first: its navigation must not be replaced.
      if (!session.signingOut) ctx.navigate(url.href);
      return never();
    },

    async handleRedirect(url) {
      requireBrowser('handleRedirect()');
      const href = url ?? location.href;
      await session.load();
      const callback = new URL(href);
      // Back from logout first: its lone `state` may land on the redirect URI's path too.
      if (await finishSignOut(ctx, callback)) {
        tidyAddressBar(href);
        return null;
      }
      void ctx.transactions.sweep();
      if (!isCallbackUrl(callback, config.redirectUri)) return null;
      tidyAddressBar(href);
      const { tokens, returnTo, user } = await session.track('signingIn', () => completeLogin(ctx, callback));
      await session.start(tokens);
      return { returnTo, user };
    },

    isAuthenticated: () => !!session.tokens,

    get user() {
      return session.tokens?.claims;
    },

    getAccessToken,

    fetch: createAuthorizedFetch(
      {
        getAccessToken,
        currentToken: () => session.tokens?.accessToken,
        renew: async (stale) => (await refresher.refresh(stale)).accessToken,
        canRenew: () => !!session.tokens?.refreshToken,
      },
      (target) => {
        const { origin } = new URL(target, location.href);
        return origin === location.origin || config.apiOrigins.includes(origin);
      },
      () => http.fetch,
    ),

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
