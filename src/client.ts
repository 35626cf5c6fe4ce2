import { createRemoteJWKSet, customFetch } from 'jose';
import { createAuthorizedFetch } from './api-fetch.js';
import { buildAuthorizationUrl, checkExtraParams } from './authorize.js';
import { callbackParams, isCallbackUrl, parseCallback } from './callback.js';
import { resolveConfig, type PkceClientOptions } from './config.js';
import { discover, type AuthorizationServerMetadata } from './discovery.js';
import { ConfigError, LoginRequiredError, ValidationError, isPkceError, type PkceError } from './errors.js';
import { checkRefreshedIdToken, validateIdToken, type IdTokenClaims } from './id-token.js';
import { computeCodeChallenge, generateCodeVerifier, randomToken } from './pkce.js';
import { refreshTime, singleFlight, withLock } from './refresh.js';
import { exchangeCode, refreshTokens, revokeToken, type TokenResponse } from './token-endpoint.js';
import { memoryTokenStore, type TokenSet } from './token-store.js';
import { createTransactionStore } from './transaction.js';

/** Options of {@link PkceClient.login}. */
export interface LoginOptions {
  /** Same-origin URL or path to come back to after sign-in. Default: the current page. */
  returnTo?: string;
  /** Extra authorization parameters for this login (`prompt`, `login_hint`, `max_age`, …). */
  params?: Record<string, string>;
}

/** Options of {@link PkceClient.logout}. */
export interface LogoutOptions {
  /** Same-origin URL or path to land on after logout. Default `/`. */
  returnTo?: string;
}

/** What {@link PkceClient.handleRedirect} returns after a successful sign-in. */
export interface RedirectResult {
  /** The same-origin path given to `login({ returnTo })`; navigate there. */
  returnTo: string;
  /** The validated ID token claims; absent when `openid` was not requested. */
  user?: IdTokenClaims;
}

/** The events of a {@link PkceClient} and what their listeners receive. */
export interface PkceClientEvents {
  /** A sign-in completed in `handleRedirect()`. */
  'signed-in': { user?: IdTokenClaims };
  /** New tokens arrived from a refresh. */
  refreshed: { expiresAt?: number };
  /** The session is over: `logout()`, a refused refresh token, or an expired token with none. */
  'session-ended': { reason: 'logout' | 'invalid_grant' | 'expired'; error?: PkceError };
}

/** The object returned by {@link createPkceClient}. */
export interface PkceClient {
  /**
   * Starts a sign-in: a fresh PKCE verifier, `state` and `nonce` are kept for the callback,
   * then the browser goes to the authorization endpoint. The promise never resolves.
   *
   * @throws {@link ConfigError} for a cross-origin `returnTo` or a reserved parameter;
   *   discovery errors.
   */
  login(options?: LoginOptions): Promise<never>;
  /**
   * On the redirect URI page: completes a sign-in, or resolves `null` when the URL is no
   * callback. The callback parameters are removed from the address bar at once.
   *
   * @param url - Default `location.href`.
   * @throws {@link ValidationError} (`invalid_state` for an unknown, used or expired `state`,
   *   `invalid_issuer`, `invalid_id_token`, `invalid_response`), {@link OAuthError} for an
   *   `error` response such as `access_denied`, {@link NetworkError}. Nothing is stored then.
   */
  handleRedirect(url?: string): Promise<RedirectResult | null>;
  /** True while there is a session in memory. */
  isAuthenticated(): boolean;
  /** The ID token claims of the signed-in user. */
  readonly user: IdTokenClaims | undefined;
  /**
   * A usable access token, refreshed first when it is due; concurrent callers share one refresh.
   *
   * @throws {@link LoginRequiredError} when there is no session or the refresh token was refused
   *   (the session then ends); {@link NetworkError} (the session is kept).
   */
  getAccessToken(options?: { forceRefresh?: boolean }): Promise<string>;
  /**
   * `fetch` with `Authorization: Bearer` for the page's own origin and `apiOrigins`; other
   * origins get the request without the token. A 401 `invalid_token` is refreshed and retried once.
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends keyof PkceClientEvents>(event: E, listener: (detail: PkceClientEvents[E]) => void): () => void;
  /**
   * Revokes the refresh token (RFC 7009; a failure there does not keep the session), forgets
   * every token and goes to the server's `end_session_endpoint`, or straight to `returnTo`.
   */
  logout(options?: LogoutOptions): Promise<never>;
}

type RemoteKeys = ReturnType<typeof createRemoteJWKSet>;
const never = () => new Promise<never>(() => undefined);

/**
 * Creates the client a single-page app signs in with: Authorization Code + PKCE, OpenID
 * Connect, tokens in memory, refresh before expiry, and an authorizing `fetch`.
 *
 * @throws {@link ConfigError} naming the first invalid option.
 * @example
 * ```ts
 * const auth = createPkceClient({ issuer: 'https://auth.example.com', clientId: 'spa', redirectUri: location.origin + '/callback' })
 * const result = await auth.handleRedirect()
 * if (result) history.replaceState(null, '', result.returnTo)
 * else if (!auth.isAuthenticated()) await auth.login()
 * const me = await (await auth.fetch('/api/me')).json()
 * ```
 */
export function createPkceClient(options: PkceClientOptions): PkceClient {
  const config = resolveConfig(options);
  const { issuer, clientId, resource, timeout } = config;
  const http = { fetch: (...args: Parameters<typeof fetch>) => (config.fetch ?? fetch)(...args), timeout };
  const openid = config.scope.split(' ').includes('openid');
  const store = config.tokenStore ?? memoryTokenStore();
  const storage = () => config.transactionStorage ?? sessionStorage;
  const transactions = createTransactionStore(storage, clientId);
  const logoutKey = `pkce-spa:${clientId}:logout`;
  const navigate = (url: string) => (config.navigate ?? ((href) => location.assign(href)))(url);
  const listeners: { [E in keyof PkceClientEvents]?: Set<(detail: never) => void> } = {};
  let session: TokenSet | undefined;
  let metadata: Promise<AuthorizationServerMetadata> | undefined;
  let keys: RemoteKeys | undefined;
  let restored: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const emit = <E extends keyof PkceClientEvents>(event: E, detail: PkceClientEvents[E]) => {
    for (const listener of (listeners[event] ?? []) as Set<(detail: PkceClientEvents[E]) => void>) {
      try {
        listener(detail);
      } catch (error) {
        // A failing listener must not leave the session half-updated; report it on its own.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  };

  const getMetadata = () =>
    (metadata ??= (config.metadata ? Promise.resolve(config.metadata) : discover(issuer, http)).catch((error) => {
      metadata = undefined;
      throw error;
    }));

  const getKeys = (md: AuthorizationServerMetadata): RemoteKeys => {
    if (!md.jwks_uri) throw new ValidationError('invalid_response', 'The metadata has no "jwks_uri" to verify ID tokens with');
    // No cooldown: this client verifies only ID tokens from its own token requests, so no one
    // can flood it with unknown `kid`s, and a key rotated moments ago must still be found.
    return (keys ??= createRemoteJWKSet(new URL(md.jwks_uri), {
      [customFetch]: http.fetch,
      timeoutDuration: timeout,
      cooldownDuration: 0,
    }));
  };

  const restore = () =>
    (restored ??= Promise.resolve(store.get()).then((tokens) => {
      if (tokens && !session) use(tokens);
    }));

  const sameOrigin = (url: string, field: string): URL => {
    const target = new URL(url, location.href);
    if (target.origin !== location.origin) throw new ConfigError(`"${field}" must be on this page's origin`);
    return target;
  };

  /** Removes OAuth response parameters from the address bar, when `url` is the current page. */
  const tidy = (url: string) => {
    if (url !== location.href) return;
    const clean = new URL(url);
    for (const name of callbackParams) clean.searchParams.delete(name);
    history.replaceState(history.state, '', clean);
  };

  const isDue = (tokens: TokenSet) => tokens.refreshAt !== undefined && Date.now() >= tokens.refreshAt;
  const isExpired = (tokens: TokenSet) => tokens.expiresAt !== undefined && Date.now() >= tokens.expiresAt;

  // Timers are only a head start: expiry is checked again whenever a token is asked for,
  // since background tabs and sleeping laptops delay timers. Ticks are capped at a minute
  // so a wake-up from sleep is noticed soon, and come at least 5 s apart so a server that
  // issues very short lifetimes (even `expires_in: 0`) does not get a storm of refreshes.
  function schedule(delay?: number) {
    clearTimeout(timer);
    const current = session;
    if (!current?.refreshToken || current.refreshAt === undefined) return;
    timer = setTimeout(
      () => {
        if (session !== current) return;
        if (!isDue(current)) return schedule();
        refresh(current.accessToken).catch(() => session === current && schedule(30_000));
      },
      delay ?? Math.min(Math.max(current.refreshAt - Date.now(), 5_000), 60_000),
    );
    // Outside browsers (tests, SSR, Electron's main process) a refresh timer must not keep the process alive.
    (timer as { unref?: () => void } | undefined)?.unref?.();
  }

  function use(tokens: TokenSet) {
    session = tokens;
    schedule();
  }

  async function save(tokens: TokenResponse, claims: IdTokenClaims | undefined, previous?: TokenSet) {
    const now = Date.now();
    const expiresIn = tokens.expires_in;
    const next: TokenSet = {
      accessToken: tokens.access_token,
      expiresAt: expiresIn === undefined ? undefined : now + expiresIn * 1000,
      refreshAt: expiresIn === undefined ? undefined : refreshTime(now, expiresIn, config.refreshLeeway),
      // Rotation (RFC 9700 §4.14.2): the newest refresh token replaces the old one.
      refreshToken: tokens.refresh_token ?? previous?.refreshToken,
      idToken: tokens.id_token ?? previous?.idToken,
      claims: claims ?? previous?.claims,
      scope: tokens.scope ?? previous?.scope,
    };
    await store.set(next);
    use(next);
    return next;
  }

  async function end(reason: PkceClientEvents['session-ended']['reason'], error?: PkceError) {
    const had = session;
    clearTimeout(timer);
    session = undefined;
    await store.clear();
    if (had) emit('session-ended', error ? { reason, error } : { reason });
  }

  /** Replaces the access token `stale`; whoever asks while it runs waits for the same run. */
  const refresh = singleFlight((stale: string) =>
    withLock(`pkce-spa:${clientId}:refresh`, async (): Promise<TokenSet> => {
      // Another tab sharing the store may have refreshed while this one waited for the lock.
      const current = (await store.get()) ?? session;
      if (!current) throw new LoginRequiredError('Not signed in');
      if (current.accessToken !== stale) {
        if (current !== session) use(current);
        return current;
      }
      if (!current.refreshToken) {
        const error = new LoginRequiredError('The access token expired and there is no refresh token');
        await end('expired', error);
        throw error;
      }
      const md = await getMetadata();
      let tokens: TokenResponse;
      try {
        tokens = await refreshTokens({
          ...http,
          tokenEndpoint: md.token_endpoint,
          clientId,
          refreshToken: current.refreshToken,
          resource,
        });
      } catch (error) {
        if (!isPkceError(error, 'oauth_error') || error.error !== 'invalid_grant') throw error;
        const latest = await store.get();
        if (latest?.refreshToken && latest.refreshToken !== current.refreshToken) {
          use(latest);
          return latest;
        }
        const ended = new LoginRequiredError('The session ended: the refresh token was refused', {
          cause: error,
          error: error.error,
          errorDescription: error.errorDescription,
        });
        await end('invalid_grant', ended);
        throw ended;
      }
      let claims: IdTokenClaims | undefined;
      if (tokens.id_token) {
        claims = await validateIdToken(tokens.id_token, {
          issuer,
          clientId,
          jwks: getKeys(md),
          clockTolerance: config.clockTolerance,
        });
        if (current.claims) checkRefreshedIdToken(current.claims, claims);
      }
      const next = await save(tokens, claims, current);
      emit('refreshed', { expiresAt: next.expiresAt });
      return next;
    }),
  );

  async function getAccessToken({ forceRefresh = false } = {}): Promise<string> {
    await restore();
    const current = session;
    if (!current) throw new LoginRequiredError('Not signed in: call login()');
    if (!forceRefresh && (!isDue(current) || (!current.refreshToken && !isExpired(current)))) return current.accessToken;
    try {
      return (await refresh(current.accessToken)).accessToken;
    } catch (error) {
      // An early refresh that could not reach the server does not make a valid token unusable.
      const offline = isPkceError(error, 'network_error') || isPkceError(error, 'timeout');
      if (offline && !forceRefresh && session === current && !isExpired(current)) return current.accessToken;
      throw error;
    }
  }

  const authorizedFetch = createAuthorizedFetch(
    {
      getAccessToken,
      renew: async (stale) => (await refresh(stale)).accessToken,
      canRenew: () => !!session?.refreshToken,
    },
    (url) => {
      const { origin } = new URL(url, location.href);
      return origin === location.origin || config.apiOrigins.includes(origin);
    },
    () => http.fetch,
  );

  return {
    async login({ returnTo, params } = {}) {
      checkExtraParams(params, 'params');
      const target = sameOrigin(returnTo ?? location.href, 'returnTo');
      const md = await getMetadata();
      const allParams = { ...config.authorizationParams, ...params };
      const state = randomToken();
      const nonce = openid ? randomToken() : undefined;
      const codeVerifier = generateCodeVerifier();
      const url = buildAuthorizationUrl(md.authorization_endpoint, {
        clientId,
        redirectUri: config.redirectUri,
        scope: config.scope,
        state,
        nonce,
        codeChallenge: await computeCodeChallenge(codeVerifier),
        resource,
        params: allParams,
      });
      await transactions.save({
        state,
        nonce,
        codeVerifier,
        redirectUri: config.redirectUri,
        returnTo: target.pathname + target.search + target.hash,
        maxAge: allParams.max_age === undefined ? undefined : Number(allParams.max_age),
        metadata: md,
        createdAt: Date.now(),
      });
      navigate(url.href);
      return never();
    },

    async handleRedirect(url = location.href) {
      await restore();
      const callback = new URL(url);
      if (!isCallbackUrl(url)) {
        // Back from logout: the `state` sent to end_session returns alone. It is used once.
        const state = callback.searchParams.get('state');
        if (state && state === (await storage().getItem(logoutKey))) {
          await storage().removeItem(logoutKey);
          tidy(url);
        }
        return null;
      }
      tidy(url);
      const tx = await transactions.take(callback.searchParams.get('state') ?? '');
      if (!tx) {
        throw new ValidationError('invalid_state', 'No pending login matches this callback (already used, expired, or begun elsewhere)');
      }
      // The callback page needs no discovery round trip: the transaction carries the metadata.
      const md = tx.metadata;
      metadata ??= Promise.resolve(md);
      const code = parseCallback(callback, {
        state: tx.state,
        issuer,
        issRequired: md.authorization_response_iss_parameter_supported === true,
      });
      const exchange = exchangeCode({
        ...http,
        tokenEndpoint: md.token_endpoint,
        clientId,
        redirectUri: tx.redirectUri,
        code,
        codeVerifier: tx.codeVerifier,
        resource,
      });
      const jwks = openid ? getKeys(md) : undefined;
      // The keys are fetched alongside the token request, not after it: one round trip saved.
      if (jwks && !jwks.fresh) jwks.reload().catch(() => undefined);
      const tokens = await exchange;
      let user: IdTokenClaims | undefined;
      if (jwks) {
        if (!tokens.id_token) {
          throw new ValidationError('invalid_response', 'Token response: "id_token" is missing although "openid" was asked for');
        }
        user = await validateIdToken(tokens.id_token, {
          issuer,
          clientId,
          jwks,
          nonce: tx.nonce,
          maxAge: tx.maxAge,
          clockTolerance: config.clockTolerance,
        });
      }
      await save(tokens, user);
      emit('signed-in', { user });
      return { returnTo: tx.returnTo, user };
    },

    isAuthenticated: () => !!session,

    get user() {
      return session?.claims;
    },

    getAccessToken,

    fetch: authorizedFetch,

    on(event, listener) {
      const set = (listeners[event] ??= new Set()) as Set<unknown>;
      set.add(listener);
      return () => void set.delete(listener);
    },

    async logout({ returnTo = '/' } = {}) {
      const target = sameOrigin(returnTo, 'returnTo');
      await restore();
      const current = session;
      const md = await getMetadata().catch(() => undefined);
      if (current?.refreshToken && md?.revocation_endpoint) {
        // Best effort: a server that cannot be reached must not keep the user signed in here.
        await revokeToken({
          ...http,
          revocationEndpoint: md.revocation_endpoint,
          clientId,
          token: current.refreshToken,
          tokenTypeHint: 'refresh_token',
        }).catch(() => undefined);
      }
      await end('logout');
      let destination = target.href;
      if (md?.end_session_endpoint) {
        const url = new URL(md.end_session_endpoint);
        if (current?.idToken) url.searchParams.set('id_token_hint', current.idToken);
        url.searchParams.set('client_id', clientId);
        url.searchParams.set('post_logout_redirect_uri', config.postLogoutRedirectUri ?? target.href);
        const state = randomToken();
        await storage().setItem(logoutKey, state);
        url.searchParams.set('state', state);
        destination = url.href;
      }
      navigate(destination);
      return never();
    },
  };
}
