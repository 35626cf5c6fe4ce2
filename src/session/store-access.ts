// How the session reads and writes its store: a value that is no session reads as none, a store that
// refuses a write is emptied (it must never hold a spent refresh token), a clear never erases a newer
// sign-in, a per-tab copy is held by one live tab only, and a session of another client (another app
// on this origin) is neither served nor cleared.
import type { RotationLedger } from './rotation-ledger.js';
import { holdLock } from './tab-sync.js';
import type { TokenStore } from './token-store.js';
import { belongsTo, usable, type TokenSet } from './token-set.js';

/** @internal The store of one session, under the rules above. */
export function createStoreAccess(
  store: TokenStore,
  locked: <T>(task: () => Promise<T>) => Promise<T>,
  holderLock: (sessionId: string) => string,
  owner: { issuer: string; clientId: string },
) {
  // The store could not be written and was emptied: this tab's memory is the only copy.
  let detached = false;
  let releaseHolder: (() => void) | undefined;

  // The last read threw (IndexedDB refused, storage blocked): the store said nothing, which is not
  // "empty", so no one may take it for a sign-out in another tab.
  let unreadable = false;
  const read = async (): Promise<TokenSet | undefined> => {
    try {
      const stored = await store.get();
      unreadable = false;
      return usable(stored) && belongsTo(stored, owner.issuer, owner.clientId) ? stored : undefined;
    } catch {
      unreadable = true;
      return undefined;
    }
  };

  // Per-tab stores can be copied into windows that are not alive at the same time: see rotation-ledger.ts.
  let ledger: Promise<RotationLedger> | undefined;
  const rotations = () =>
    store.perTab ? (ledger ??= import('./rotation-ledger.js').then(({ createRotationLedger }) => createRotationLedger())) : undefined;

  // Each hold is a claim; one that comes back after a newer claim or a release lets go at once.
  let claims = 0;
  // The claim a reload made without waiting for it (see holdAtLoad).
  let pending: Promise<boolean> | undefined;
  const release = () => {
    claims++;
    pending = undefined;
    releaseHolder?.();
    releaseHolder = undefined;
  };
  const claim = (sessionId: string): Promise<boolean> => {
    release();
    const mine = ++claims;
    return holdLock(holderLock(sessionId), 1_000).then((held) => {
      if (mine !== claims) held?.();
      else releaseHolder = held;
      return mine === claims && held !== undefined;
    });
  };

  return {
    get detached(): boolean {
      return detached;
    },
    /** True when the last read threw: the store's contents are unknown. */
    get unreadable(): boolean {
      return unreadable;
    },
    read,
    release,

    /** Notes `next`'s refresh token as its session's current one, for the copies of a per-tab session. */
    async recordRotation(next: TokenSet): Promise<void> {
      if (next.refreshToken) await (await rotations())?.record(next.sessionId, next.refreshToken);
    },

    /**
     * True when another copy of this per-tab session (a duplicated tab, this tab before Back) has
     * already spent `current`'s refresh token. Ask it holding the session lock, before refreshing.
     */
    async spentElsewhere(current: TokenSet): Promise<boolean> {
      // A copy served before its claim came through is not this tab's until it does.
      if (pending && !(await pending)) return true;
      const known = rotations();
      return !!known && !!current.refreshToken && !(await (await known).isCurrent(current.sessionId, current.refreshToken));
    },

    /** Takes the page's Web Lock for a per-tab copy of `sessionId`; false when another live tab holds it. */
    async hold(sessionId: string): Promise<boolean> {
      if (!store.perTab) return (release(), true);
      return claim(sessionId);
    },

    /**
     * `hold` for the copy found when the page loads. After a reload the lock is still this tab's
     * previous page's until it is gone (tens of milliseconds): the copy is served at once, and the
     * claim goes on; no refresh token is spent until it came through (`spentElsewhere`), so a copy
     * that another live tab holds (a duplicated tab reloaded) ends at its first refresh.
     */
    async holdAtLoad(sessionId: string): Promise<boolean> {
      const navigation = globalThis.performance?.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined;
      if (!store.perTab || navigation?.type !== 'reload') return this.hold(sessionId);
      pending = claim(sessionId);
      return true;
    },

    /** Clears the store if it still holds `sessionId`, so a newer sign-in is never erased. */
    clearIfHolding: (sessionId: string): Promise<void> =>
      locked(async () => {
        if ((await read())?.sessionId !== sessionId) return;
        try {
          await store.clear();
        } catch {
          // Nothing more can be done; a tab that reads it later refreshes under the lock and learns.
        }
      }),

    /** Writes `next`; a store that refuses is emptied instead. False when even that failed. */
    async write(next: TokenSet): Promise<boolean> {
      try {
        await store.set({ ...next, issuer: owner.issuer, clientId: owner.clientId });
        detached = false;
        return true;
      } catch {
        try {
          await store.clear();
          detached = true;
          return true;
        } catch {
          // Neither written nor emptied: safe to go on in memory only if no one can read what it
          // holds either (IndexedDB refusing to open at all), so no spent refresh token is reachable.
          await read();
          detached = unreadable;
          return unreadable;
        }
      }
    },
  };
}
