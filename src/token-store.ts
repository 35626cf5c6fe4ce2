import type { IdTokenClaims } from './id-token.js';

/** The tokens of a signed-in session, as pkce-spa keeps them. */
export interface TokenSet {
  /** The current access token. */
  accessToken: string;
  /** Epoch milliseconds when the access token expires; absent when the server did not say. */
  expiresAt?: number;
  /** Epoch milliseconds after which the token is refreshed ahead of its expiry. */
  refreshAt?: number;
  /** The newest refresh token. */
  refreshToken?: string;
  /** The raw ID token, kept as `id_token_hint` for logout. */
  idToken?: string;
  /** The validated claims of the ID token. */
  claims?: IdTokenClaims;
  /** The granted scopes, when the server said. */
  scope?: string;
}

/**
 * Where the session's tokens live. Each method may be async. The default keeps them in
 * memory only; persisting them is an explicit opt-in (see {@link webStorageTokenStore}).
 */
export interface TokenStore {
  /** The stored tokens, or `undefined`. Read again after waiting for the refresh lock. */
  get(): TokenSet | undefined | Promise<TokenSet | undefined>;
  /** Replaces the stored tokens as a whole. */
  set(tokens: TokenSet): void | Promise<void>;
  /** Forgets every token. */
  clear(): void | Promise<void>;
}

/** The default store: tokens in this page's memory, gone on reload (RFC 9700 §4.14, BBA §8). */
export function memoryTokenStore(): TokenStore {
  let tokens: TokenSet | undefined;
  return {
    get: () => tokens,
    set: (next) => {
      tokens = next;
    },
    clear: () => {
      tokens = undefined;
    },
  };
}

/**
 * Opt-in persistence in `sessionStorage` or `localStorage`, so a reload keeps the session.
 * Anything that runs script on the origin can then read the tokens: choose it knowingly.
 * With `localStorage` the tabs share one session, and refreshes are coordinated across them.
 */
export function webStorageTokenStore(storage: Storage, key = 'pkce-spa:tokens'): TokenStore {
  return {
    get: () => {
      try {
        return JSON.parse(storage.getItem(key) ?? 'null') ?? undefined;
      } catch {
        return undefined;
      }
    },
    set: (tokens) => storage.setItem(key, JSON.stringify(tokens)),
    clear: () => storage.removeItem(key),
  };
}
