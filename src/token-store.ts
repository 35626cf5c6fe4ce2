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
 * Opt-in persistence in `sessionStorage`, so a reload keeps this tab's session. Anything that
 * runs script on the origin can then read the tokens: choose it knowingly.
 *
 * Do not share a session between tabs through `localStorage`: browsers propagate it between
 * processes asynchronously, so a tab can still read a refresh token another tab has already
 * spent, and servers with reuse detection then revoke the whole session. Use
 * {@link indexedDbTokenStore} for that.
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

/**
 * Opt-in persistence in IndexedDB, shared by every tab of the origin: one session for all tabs,
 * kept across reloads. Writes resolve once committed, and IndexedDB is consistent across
 * processes, so a tab that takes the refresh lock after another tab refreshed reads the new
 * refresh token, never the spent one. Anything that runs script on the origin can read the
 * tokens: choose it knowingly.
 *
 * @param database - The IndexedDB database name; one per client is sensible.
 */
export function indexedDbTokenStore(database = 'pkce-spa'): TokenStore {
  let db: Promise<IDBDatabase> | undefined;
  const run = async <T>(mode: IDBTransactionMode, step: (tokens: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    db ??= new Promise((resolve, reject) => {
      const opening = indexedDB.open(database, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore('tokens');
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
    const transaction = (await db).transaction('tokens', mode);
    const request = step(transaction.objectStore('tokens'));
    // Resolved on commit, not on the request's success: the next tab must see the write.
    return new Promise<T>((resolve, reject) => {
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  };
  return {
    get: () => run('readonly', (tokens) => tokens.get('session') as IDBRequest<TokenSet | undefined>),
    set: (tokens) => run('readwrite', (store) => store.put(tokens, 'session')).then(() => undefined),
    clear: () => run('readwrite', (tokens) => tokens.delete('session')).then(() => undefined),
  };
}
