import type { StorageLike } from '../browser/storage.js';
import type { AuthorizationServerMetadata } from '../protocol/discovery.js';

/**
 * What a login must remember across the trip to the authorization server. It holds the
 * code verifier, so it never leaves this browser and is used once.
 */
export interface LoginTransaction {
  state: string;
  /** Absent when `openid` was not asked for. */
  nonce?: string;
  codeVerifier: string;
  redirectUri: string;
  /** Same-origin path to return to after sign-in; never taken from the callback URL. */
  returnTo: string;
  /** The app's own value, JSON-serializable, handed back after sign-in. */
  appState?: unknown;
  /** `max_age` sent, so `auth_time` can be checked (OIDC Core §3.1.3.7). */
  maxAge?: number;
  /** The metadata of the issuer the request went to, so the callback needs no discovery. */
  metadata: AuthorizationServerMetadata;
  /** Epoch milliseconds. */
  createdAt: number;
}


/** Single-use storage of login transactions, keyed by `state`. */
export interface TransactionStore {
  save(transaction: LoginTransaction): Promise<void>;
  /** Reads and deletes in one step; `undefined` when unknown, used or expired. */
  take(state: string): Promise<LoginTransaction | undefined>;
  /** Deletes expired transactions, so an abandoned login's verifier and nonce do not linger. */
  sweep(): Promise<void>;
  /**
   * True when this browser already completed the login of `state` (its transaction was taken here):
   * Back after a sign-in makes the server answer that request again, with a new code and the used
   * `state`.
   */
  completed(state: string): Promise<boolean>;
}

// How long, and how many, used states are remembered: Back to an authorization request works while
// the server's session lasts, and each entry is one short string in this tab's storage.
const COMPLETED_MS = 86_400_000;
const COMPLETED_MAX = 20;

/**
 * Keeps every pending login of one client under one key, as a map from `state`, so that
 * logins started in parallel (two tabs sharing a storage) each complete. Expired entries
 * are dropped on every write.
 */
// One queue per storage key for the whole page, not per store: two clients (or two copies of
// the app's code) over the same storage must not both take the same transaction.
const queues = new Map<string, Promise<unknown>>();

export function createTransactionStore(
  storage: () => StorageLike,
  key: string,
  lifetimeMs = 600_000,
  now: () => number = Date.now,
): TransactionStore {
  // Reads and writes are serialised so two calls in this page (a double-mounted component,
  // a double click) can never both take the same transaction, even with an async storage.
  const serial = <T>(step: () => Promise<T>): Promise<T> => {
    const run = (queues.get(key) ?? Promise.resolve()).then(step, step);
    queues.set(key, run.catch(() => undefined));
    return run;
  };
  const load = async (): Promise<Record<string, LoginTransaction>> => {
    const raw = await storage().getItem(key);
    let stored: unknown;
    try {
      stored = JSON.parse(raw ?? '{}');
    } catch {
      // Unreadable contents are treated as empty: they cannot hold a usable transaction.
    }
    const all: Record<string, LoginTransaction> = {};
    if (stored && typeof stored === 'object' && !Array.isArray(stored)) {
      for (const [state, tx] of Object.entries(stored as Record<string, LoginTransaction | null>)) {
        if (tx && typeof tx === 'object' && now() - tx.createdAt < lifetimeMs) all[state] = tx;
      }
    }
    return all;
  };
  const completedKey = `${key}:done`;
  /** The states of logins completed here, with when: epoch milliseconds. */
  const loadCompleted = async (): Promise<Record<string, number>> => {
    const raw = await storage().getItem(completedKey);
    const done: Record<string, number> = {};
    try {
      for (const [state, at] of Object.entries(JSON.parse(raw ?? '{}') as Record<string, unknown>)) {
        if (typeof at === 'number' && now() - at < COMPLETED_MS) done[state] = at;
      }
    } catch {
      // Unreadable contents remember nothing.
    }
    return done;
  };
  const store = async (all: Record<string, LoginTransaction>): Promise<void> => {
    if (Object.keys(all).length) await storage().setItem(key, JSON.stringify(all));
    else await storage().removeItem(key);
  };
  return {
    save: (transaction) =>
      serial(async () => {
        const all = await load();
        all[transaction.state] = transaction;
        await store(all);
      }),
    sweep: () =>
      serial(async () => {
        const raw = await storage().getItem(key);
        const all = await load();
        if (raw !== null && JSON.stringify(all) !== raw) await store(all);
      }),
    take: (state) =>
      serial(async () => {
        const all = await load();
        const found = Object.hasOwn(all, state) ? all[state] : undefined;
        delete all[state];
        await store(all);
        if (found) {
          const done = await loadCompleted();
          done[state] = now();
          const newest = Object.entries(done).sort(([, a], [, b]) => b - a).slice(0, COMPLETED_MAX);
          await storage().setItem(completedKey, JSON.stringify(Object.fromEntries(newest)));
        }
        return found;
      }),
    completed: (state) => serial(async () => Object.hasOwn(await loadCompleted(), state)),
  };
}
