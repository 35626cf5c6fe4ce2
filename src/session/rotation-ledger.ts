/**
 * Copies of a per-tab session (`sessionStorage`: a duplicated tab, a window another page opened,
 * the same tab back after the user went elsewhere) need not be alive at the same time, so no lock
 * can tell them apart. This ledger, in IndexedDB (consistent across tabs), keeps per session the
 * SHA-256 of the refresh token that is current: a copy holding an older one learns that another
 * copy already spent it, and stops instead of spending it again (RFC 9700 §4.14.2).
 *
 * @internal
 * @packageDocumentation
 */
import { idbStore } from '../browser/idb.js';
import { ROTATION_DATABASE } from '../browser/names.js';
import { sha256Base64url } from '../shared/encoding.js';

/** @internal */
export interface RotationLedger {
  /** False when another copy of `sessionId` has moved on from `refreshToken`. */
  isCurrent(sessionId: string, refreshToken: string): Promise<boolean>;
  /** `refreshToken` is now the session's current one. */
  record(sessionId: string, refreshToken: string): Promise<void>;
}

/** @internal Without IndexedDB (or WebCrypto) it knows nothing and blocks nothing. */
export function createRotationLedger(): RotationLedger {
  if (typeof indexedDB === 'undefined' || !globalThis.crypto?.subtle) {
    return { isCurrent: async () => true, record: async () => undefined };
  }
  const run = idbStore(ROTATION_DATABASE, 'current');
  return {
    async isCurrent(sessionId, refreshToken) {
      try {
        const recorded = await run('readonly', (current) => current.get(sessionId) as IDBRequest<string | undefined>);
        return recorded === undefined || recorded === (await sha256Base64url(refreshToken));
      } catch {
        return true; // a ledger that cannot be read must not lock a session out
      }
    },
    async record(sessionId, refreshToken) {
      const hash = await sha256Base64url(refreshToken);
      await run('readwrite', (current) => current.put(hash, sessionId)).catch(() => undefined);
    },
  };
}
