/**
 * DPoP (RFC 9449): sender-constrained tokens for the browser. Loaded only by clients made with
 * `dpop: true`, so no other app downloads any of it.
 *
 * One ES256 key pair per session, made by WebCrypto with a private key that cannot be exported
 * (`extractable: false`): a token copied out of the page is useless without it. The key of a login
 * waits in IndexedDB across the redirect under the login's `state`; once signed in it is the
 * session's, kept in IndexedDB when the session is persisted (so a restored session stays bound to
 * it) or in memory otherwise, and discarded a minute after the session ends (its revocations are
 * signed with it meanwhile); leftovers of pages that closed sooner, and of abandoned logins, are
 * swept when the next page starts.
 *
 * @internal
 * @packageDocumentation
 */
import type { JWK } from 'jose';
import { asksForNonce, jwkThumbprint, publicJwk, signDpopProof } from '../protocol/dpop-proof.js';
import type { DpopSigner } from '../protocol/http.js';
import { ConfigError } from '../shared/errors.js';
import { idbStore } from '../browser/idb.js';
import { DPOP_KEY_DATABASE } from '../browser/names.js';

interface KeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

interface StoredKey {
  pair: KeyPair;
  /** Epoch milliseconds. */
  createdAt: number;
  /** When its session ended, epoch milliseconds. */
  endedAt?: number;
}

// The key of a redirect sign-in must outlive the page; without IndexedDB it cannot, and the callback
// would find no key to redeem the code with. Refused before the user leaves.
const NO_KEY_STORE =
  '"dpop" needs IndexedDB to keep the DPoP key across the redirect to sign in, and this browser refused it (a private mode, Lockdown Mode or blocked site data): use loginWithPopup(), which keeps the key in this page, or set dpop: false';

// A login's key waits at most as long as its transaction; an ended session's as long as its revocations.
const LOGIN_KEY_MS = 600_000;
const ENDED_KEY_MS = 60_000;

/** Where key pairs outlive the page: IndexedDB, whose structured clone keeps a CryptoKey unexportable. */
function keyDatabase() {
  const run = idbStore(DPOP_KEY_DATABASE, 'keys');
  return {
    get: (id: string) => run('readonly', (keys) => keys.get(id) as IDBRequest<StoredKey | undefined>),
    put: (id: string, key: StoredKey) => run('readwrite', (keys) => keys.put(key, id)).then(() => undefined),
    delete: (id: string) => run('readwrite', (keys) => keys.delete(id)).then(() => undefined),
    /** Deletes what `stale` says is left over, in one pass. */
    sweep: (stale: (id: string, key: StoredKey) => boolean) =>
      run('readwrite', (keys) => {
        const cursor = keys.openCursor();
        cursor.onsuccess = () => {
          const at = cursor.result;
          if (!at) return;
          if (stale(String(at.key), at.value as StoredKey)) at.delete();
          at.continue();
        };
        return cursor;
      }).then(() => undefined),
  };
}

/** The runtime of one client: its keys, the nonces servers sent, the proofs. @internal */
export type DpopRuntime = ReturnType<typeof createDpopRuntime>;


/** @internal */
export function createDpopRuntime() {
  if (typeof crypto === 'undefined' || !crypto.subtle) throw new ConfigError('"dpop" needs WebCrypto (a secure context: https or localhost)');
  const stored = typeof indexedDB === 'undefined' ? undefined : keyDatabase();
  const inMemory = new Map<string, KeyPair>();
  const publicJwks = new WeakMap<CryptoKey, Promise<JWK>>();
  // Nonces are per server (RFC 9449 §8.1): the authorization server and each API keep their own.
  const nonces = new Map<string, string>();
  const now = Date.now();
  void stored
    ?.sweep((id, key) => (key.endedAt !== undefined ? now - key.endedAt > ENDED_KEY_MS : id.startsWith('tx:') && now - key.createdAt > LOGIN_KEY_MS))
    .catch(() => undefined);

  const find = async (id: string): Promise<KeyPair> => {
    const pair = inMemory.get(id) ?? (await stored?.get(id).catch(() => undefined))?.pair;
    if (!pair) throw new ConfigError('The DPoP key of this session is gone (cleared site data?): sign in again');
    inMemory.set(id, pair);
    return pair;
  };
  const jwkOf = (publicKey: CryptoKey) => {
    let jwk = publicJwks.get(publicKey);
    if (!jwk) publicJwks.set(publicKey, (jwk = publicJwk(publicKey)));
    return jwk;
  };
  const drop = async (id: string) => {
    inMemory.delete(id);
    await stored?.delete(id).catch(() => undefined);
  };

  async function proof(id: string, htm: string, htu: string, now: () => number, accessToken?: string): Promise<string> {
    const { privateKey, publicKey } = await find(id);
    const iat = Math.floor(now() / 1000);
    return signDpopProof(privateKey, await jwkOf(publicKey), { htm, htu, nonce: nonces.get(new URL(htu).origin), accessToken, iat });
  }

  return {
    /**
     * A new key pair under `id` (kept in IndexedDB when `persist`, to survive a redirect or a
     * reload); resolves to its RFC 7638 thumbprint, the `dpop_jkt` of an authorization request.
     */
    async create(id: string, persist: boolean): Promise<string> {
      if (persist && !stored) throw new ConfigError(NO_KEY_STORE);
      const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as KeyPair;
      inMemory.set(id, pair);
      if (persist && stored) {
        await stored.put(id, { pair, createdAt: Date.now() }).catch((cause: unknown) => {
          inMemory.delete(id);
          throw new ConfigError(NO_KEY_STORE, { cause });
        });
      }
      return jwkThumbprint(await jwkOf(pair.publicKey));
    },

    /** Keeps the in-memory key `id` in IndexedDB too: a sign-in pushed ahead, leaving on a redirect now. */
    async keep(id: string): Promise<void> {
      if (!stored) throw new ConfigError(NO_KEY_STORE);
      const pair = await find(id);
      await stored.put(id, { pair, createdAt: Date.now() }).catch((cause: unknown) => {
        throw new ConfigError(NO_KEY_STORE, { cause });
      });
    },

    /** Makes an in-memory key under `id` unless there is one (a silent sign-in's, made when its code came). */
    async ensure(id: string): Promise<void> {
      if (!inMemory.has(id)) await this.create(id, false);
    },

    /** Hands the key of a login (`from`) to its session (`to`). */
    async move(from: string, to: string, persist: boolean): Promise<void> {
      const pair = await find(from);
      inMemory.set(to, pair);
      if (persist && stored) await stored.put(to, { pair, createdAt: Date.now() });
      await drop(from);
    },

    /** The session `id` ended: its key stays a minute for the revocations that need it, then goes. */
    async forget(id: string): Promise<void> {
      const pair = inMemory.get(id);
      if (pair && stored) await stored.put(id, { pair, createdAt: Date.now(), endedAt: Date.now() }).catch(() => undefined);
      const timer = setTimeout(() => void drop(id), ENDED_KEY_MS);
      (timer as { unref?: () => void }).unref?.(); // never what keeps a process (tests, SSR) alive
    },

    /**
     * A signer with the key `id`; see {@link DpopSigner}. `now` is the server's time in epoch
     * milliseconds, as the session learnt it: proofs are dated by it (RFC 9449 §11.1).
     */
    signer(id: string, now: () => number = Date.now): DpopSigner {
      return {
        async send(method, url, request, accessToken) {
          const { origin } = new URL(url);
          const attempt = async () => {
            const response = await request(await proof(id, method, url, now, accessToken));
            const nonce = response.headers.get('dpop-nonce');
            if (nonce) nonces.set(origin, nonce);
            return response;
          };
          const sentNonce = nonces.get(origin);
          const response = await attempt();
          // Exactly one retry, and only when the server named a nonce this proof did not carry.
          return (await asksForNonce(response)) && nonces.get(origin) !== sentNonce ? attempt() : response;
        },
      };
    },
  };
}
