import type { TokenSet } from './token-set.js';

export type { TokenSet } from './token-set.js';
import { idbStore } from '../browser/idb.js';
import { TOKEN_DATABASE, TOKEN_STORAGE_KEY } from '../browser/names.js';

/**
 * Where the session's tokens live. Each method may be async. The default keeps them in
 * memory only; persisting them is an explicit opt-in (see {@link webStorageTokenStore}).
 */
export interface TokenStore {
  /**
   * The stored tokens, or `undefined`. Read again under the refresh lock, when the tab returns to
   * the foreground and when another tab reports a change: an empty store means the session ended.
   */
  get(): TokenSet | undefined | Promise<TokenSet | undefined>;
  /** Replaces the stored tokens as a whole. A failure is survived: see the README's session section. */
  set(tokens: TokenSet): void | Promise<void>;
  /** Forgets every token. */
  clear(): void | Promise<void>;
  /**
   * True when every tab holds its own copy that a duplicated tab inherits (`sessionStorage`). Such
   * a copy must never spend the original's refresh token, so a tab that finds the session already
   * held by another live tab starts signed out. Leave it unset for stores shared by all tabs.
   */
  readonly perTab?: boolean;
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
 * A tab opened by Duplicate Tab or `window.open` inherits a copy of `sessionStorage`. Two copies
 * of one rotating refresh token would spend it twice and the server would revoke the grant, so the
 * copy starts signed out (it holds the session only if no live tab does; see `perTab`).
 *
 * Do not share a session between tabs through `localStorage`: browsers propagate it between
 * processes asynchronously, so a tab can still read a refresh token another tab has already
 * spent, and servers with reuse detection then revoke the whole session. Use
 * {@link indexedDbTokenStore} for that.
 *
 * @param key - The storage key. Default: one per client (`issuer` and `clientId`), so apps sharing an
 *   origin never see each other's session; a key given here is used as it is.
 */
export function webStorageTokenStore(storage: Storage, key?: string): TokenStore {
  const store = webStorageRecord(storage, key ?? TOKEN_STORAGE_KEY);
  if (key === undefined) perClient.set(store, (record) => webStorageRecord(storage, `${TOKEN_STORAGE_KEY}:${record}`));
  return store;
}

/** True for this page's `sessionStorage`; false where the browser refuses even to name it. */
function isSessionStorage(storage: Storage): boolean {
  try {
    return typeof sessionStorage !== 'undefined' && storage === sessionStorage;
  } catch {
    return false;
  }
}

function webStorageRecord(storage: Storage, key: string): TokenStore {
  return {
    perTab: isSessionStorage(storage),
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
 * Each client (its `issuer` and `clientId`) keeps its own record, so apps sharing an origin never
 * see each other's session.
 *
 * @param database - The IndexedDB database name. Default `pkce-spa`.
 */
export function indexedDbTokenStore(database = TOKEN_DATABASE): TokenStore {
  const run = idbStore(database, 'tokens');
  const record = (key: string): TokenStore => ({
    get: () => run('readonly', (tokens) => tokens.get(key) as IDBRequest<TokenSet | undefined>),
    set: (tokens) => run('readwrite', (store) => store.put(tokens, key)).then(() => undefined),
    clear: () => run('readwrite', (tokens) => tokens.delete(key)).then(() => undefined),
  });
  const store = record('session');
  perClient.set(store, (owner) => record(`session:${owner}`));
  return store;
}

/**
 * The stores this module made, and how each keeps one client's session apart from another's: two
 * apps on one origin that pass the same store call never share a record. A store whose key the app
 * chose itself (or its own `TokenStore`) is used as it is; a session stored there by another client
 * is still never served (see session/store-access.ts).
 */
const perClient = new WeakMap<TokenStore, (owner: string) => TokenStore>();

/** @internal The store `createPkceClient` uses for the client named `owner`. */
export const bindTokenStore = (store: TokenStore, owner: string): TokenStore => perClient.get(store)?.(owner) ?? store;
