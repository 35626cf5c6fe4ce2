/**
 * The session of one client in one tab, as a state machine. Every token change goes through
 * here, so that no async step can commit a result for a session that ended or changed while it ran.
 *
 * | state         | tokens | entered by                                   | left by                                   |
 * | ------------- | ------ | -------------------------------------------- | ----------------------------------------- |
 * | `signed-out`  | none   | start of page, `end()`, an end in another tab | `start()`, adopting another tab's session |
 * | `signing-in`  | none   | a callback's code exchange (`track`)          | `start()`, or its failure                 |
 * | `signed-in`   | yes    | `start()`, `replace()`, adopting from store   | a refresh, `end()`, `logout()`           |
 * | `refreshing`  | yes    | a refresh's token request (`track`)          | `replace()`, or `end()` when it fails     |
 * | `signing-out` | none   | `logout()`                                  | only by leaving the page (or a bfcache    |
 * |               |        |                                              | restore)                                  |
 *
 * Rules every step keeps:
 * - A step takes a `ticket()` before its first await and commits through `replace(ticket, …)`, which
 *   refuses when the generation moved (a sign-in, an end, a sign-out, another tab's session adopted).
 *   A refused result that carries a refresh token has it revoked (RFC 7009): nobody holds it.
 * - The store is the truth for tabs that share it: it is read again under the cross-tab lock before a
 *   refresh, when the tab returns to the foreground, and when another tab reports a change. An empty
 *   store means the session ended elsewhere; another `sessionId` means another sign-in replaced it.
 * - Stores are cleared only under the lock and only while they still hold the session that ended,
 *   so a late message can never erase a newer sign-in. A store that cannot be written is emptied
 *   (it must never hold a spent refresh token) and the session goes on in this tab's memory.
 * - While signing out, nothing starts: no sign-in commits, no navigation of the client overtakes the
 *   one to the end-session endpoint.
 *
 * @internal
 * @packageDocumentation
 */
import type { Emitter } from './emitter.js';
import { LoginRequiredError, ValidationError, type PkceError } from '../shared/errors.js';
import type { PkceClientEvents, SessionSource } from './events.js';
import type { SessionEndReason, TabChannel, TabMessage } from './tab-sync.js';
import type { TokenStore } from './token-store.js';
import type { TokenSet } from './token-set.js';
import { createStoreAccess } from './store-access.js';

/** @internal */
export type SessionStatus = 'signed-out' | 'signing-in' | 'signed-in' | 'refreshing' | 'signing-out';


/** @internal */
export interface SessionOptions {
  store: TokenStore;
  events: Emitter<PkceClientEvents>;
  /** Runs a step under the cross-tab session lock (re-entrant within the tab). */
  locked: <T>(task: () => Promise<T>) => Promise<T>;
  /** The channel to the other tabs; messages it receives must be passed to `receive`. */
  channel: TabChannel;
  /** The client this session belongs to: a stored session of another is never served. */
  owner: { issuer: string; clientId: string };
  /** Names the Web Lock a tab holds while it holds a per-tab copy of a session. */
  holderLock: (sessionId: string) => string;
  /** Revokes a refresh token of session `sessionId`, best effort; never rejects. */
  revoke: (refreshToken: string, sessionId: string) => Promise<void>;
  /** A session ended or was replaced here: what belongs to it alone (a DPoP key) may go. */
  released?: (sessionId: string) => void;
  /** Another tab signed in, not taken over from the store; `ticket`: the login ticket when heard. */
  startedElsewhere?: (ticket: number) => void;
}

/** @internal How a session ends: the typed error to report, and a refresh token to revoke. */
export interface EndOptions {
  error?: PkceError;
  revoke?: string;
  elsewhere?: boolean;
}

/** @internal */
export type Session = ReturnType<typeof createSession>;

/** @internal */
export function createSession(options: SessionOptions) {
  const { store, events, locked, channel } = options;
  const access = createStoreAccess(store, locked, options.holderLock, options.owner);
  const { read, write, hold, release, clearIfHolding } = access;
  let tokens: TokenSet | undefined;
  let via: SessionSource | undefined;
  let generation = 0;
  let signingOut = false;
  // Counts sign-outs seen, here or in another tab: a sign-in that began before one is not committed.
  let signOuts = 0;
  let loaded: Promise<void> | undefined;
  const busy = { refreshing: 0, signingIn: 0 };
  const watchers = new Set<() => void>();

  const notify = () => {
    for (const watcher of watchers) watcher();
  };
  // The session's identity moved on: steps that began before may no longer commit.
  const changed = () => {
    generation++;
    notify();
  };
  const revokeLater = (refreshToken: string | undefined, sessionId: string) => {
    if (refreshToken) void options.revoke(refreshToken, sessionId);
  };
  const ended = (what: string) => new LoginRequiredError(`The session ended while ${what}`);

  /** Ends the session in memory at once: other tabs are told, listeners hear of it. */
  function forget(reason: SessionEndReason, { error, revoke, elsewhere = false }: EndOptions): TokenSet | undefined {
    const had = tokens;
    if (!had) return undefined;
    tokens = undefined;
    release();
    changed();
    if (!elsewhere) channel.post({ type: 'ended', sessionId: had.sessionId, reason });
    events.emit('session-ended', error ? { reason, error, elsewhere } : { reason, elsewhere });
    revokeLater(revoke, had.sessionId);
    options.released?.(had.sessionId);
    return had;
  }

  async function end(reason: SessionEndReason, options: EndOptions = {}): Promise<void> {
    const had = forget(reason, options);
    if (had) await clearIfHolding(had.sessionId);
  }

  /** Makes what the store holds this tab's session: another tab refreshed, signed in or out. */
  async function sync(): Promise<void> {
    if (access.detached || signingOut) return;
    const before = generation;
    const stored = await read();
    if (before !== generation || signingOut) return; // something newer happened meanwhile
    if (stored?.sessionId === tokens?.sessionId) {
      // Another tab refreshed: the sign-in's token, or a named API's (which rotates the refresh token too).
      if (stored && tokens && JSON.stringify([stored.accessToken, stored.refreshToken, stored.apiTokens]) !== JSON.stringify([tokens.accessToken, tokens.refreshToken, tokens.apiTokens])) {
        tokens = stored;
        notify();
      }
      return;
    }
    // A store that cannot be read says nothing of other tabs: the session goes on in this tab's memory.
    if (!stored) return access.unreadable ? undefined : end('logout', { elsewhere: true });
    if (!(await hold(stored.sessionId)) || before !== generation) return;
    tokens = stored;
    via = 'other-tab';
    changed();
    events.emit('signed-in', { user: stored.claims, via, elsewhere: true });
  }

  async function receive(message: TabMessage): Promise<void> {
    if (message.type === 'started') {
      const ticket = signOuts; // a sign-out heard while the store is read is newer: nothing to follow
      await sync();
      if (!tokens && !signingOut && ticket === signOuts) options.startedElsewhere?.(ticket);
      return;
    }
    // Sign-out everywhere reaches sign-ins still under way here too.
    if (message.reason === 'logout') signOuts++;
    if (!tokens) return;
    const same = tokens.sessionId === message.sessionId;
    // Sign-out everywhere: a logout in another tab ends this tab's own session too.
    if (same || message.reason === 'logout') {
      await end(message.reason, { elsewhere: true, revoke: same ? undefined : tokens.refreshToken });
    }
  }


  return {
    get status(): SessionStatus {
      if (signingOut) return 'signing-out';
      if (!tokens) return busy.signingIn ? 'signing-in' : 'signed-out';
      return busy.refreshing ? 'refreshing' : 'signed-in';
    },
    get tokens(): TokenSet | undefined {
      return tokens;
    },
    get via(): SessionSource | undefined {
      return tokens ? via : undefined;
    },
    get signingOut(): boolean {
      return signingOut;
    },
    ticket: (): number => generation,
    /** Taken when a sign-in begins here; `start()` refuses it after a sign-out here or elsewhere. */
    loginTicket: (): number => signOuts,
    isCurrent: (ticket: number): boolean => ticket === generation && !signingOut,
    /** Calls `watcher` whenever the tokens change; returns the function that stops it. */
    watch(watcher: () => void): () => void {
      watchers.add(watcher);
      return () => void watchers.delete(watcher);
    },
    /** Counts a step for `status` while it runs. */
    async track<T>(kind: keyof typeof busy, step: () => Promise<T>): Promise<T> {
      busy[kind]++;
      try {
        return await step();
      } finally {
        busy[kind]--;
      }
    },

    /** Reads the store once per page; a per-tab copy another live tab holds is dropped here. */
    load(): Promise<void> {
      return (loaded ??= (async () => {
        channel.listen();
        const stored = await read();
        if (!stored || tokens || signingOut) return;
        if (!(await access.holdAtLoad(stored.sessionId))) {
          // A duplicated tab's copy: spending it would spend the original's refresh token too.
          try {
            await store.clear();
          } catch {
            // this tab's copy only; nothing else to do
          }
          return;
        }
        if (tokens || signingOut) return;
        tokens = stored;
        via = 'store';
        changed();
        events.emit('signed-in', { user: stored.claims, via, elsewhere: false });
      })());
    },

    sync,
    receive,
    end,

    /**
     * Commits a completed sign-in, replacing any session this tab had (whose refresh token is then
     * revoked: nobody uses it any more).
     *
     * @throws {@link LoginRequiredError} when a sign-out began meanwhile; the new refresh token is revoked.
     */
    async start(
      next: TokenSet,
      source: Exclude<SessionSource, 'store' | 'other-tab'>,
      loginTicket: number,
      elsewhere = false,
    ): Promise<void> {
      const refuse = () => {
        revokeLater(next.refreshToken, next.sessionId);
        options.released?.(next.sessionId);
        return ended('the sign-in completed');
      };
      const stale = () => signingOut || loginTicket !== signOuts;
      if (stale()) throw refuse();
      await locked(async () => {
        await write(next);
        if (stale()) {
          await clearIfHolding(next.sessionId);
          throw refuse();
        }
        const previous = tokens;
        tokens = next;
        via = source;
        await hold(next.sessionId);
        await access.recordRotation(next);
        changed();
        if (previous && previous.sessionId !== next.sessionId) {
          revokeLater(previous.refreshToken, previous.sessionId);
          options.released?.(previous.sessionId);
        }
      });
      channel.post({ type: 'started', sessionId: next.sessionId });
      events.emit('signed-in', { user: next.claims, via: source, elsewhere });
    },

    /**
     * Commits refreshed tokens, when `ticket` is still current. Call it holding the session lock.
     *
     * @throws {@link LoginRequiredError} when the session ended meanwhile (the new refresh token is
     *   revoked); {@link ValidationError} `invalid_response` when the store can be neither written
     *   nor emptied (the session then ends and the new refresh token is revoked).
     */
    async replace(ticket: number, next: TokenSet): Promise<void> {
      const stale = () => {
        if (next.refreshToken !== tokens?.refreshToken) revokeLater(next.refreshToken, next.sessionId);
        return ended('it was refreshed');
      };
      if (ticket !== generation || signingOut) throw stale();
      if (!(await write(next))) {
        const error = new ValidationError('invalid_response', 'The token store could be neither written nor emptied after a refresh');
        await end('invalid_response', { error, revoke: next.refreshToken });
        throw error;
      }
      if (ticket !== generation || signingOut) {
        await clearIfHolding(next.sessionId);
        throw stale();
      }
      tokens = next;
      await access.recordRotation(next);
      notify();
    },

    /**
     * True when another copy of this per-tab session (a duplicated tab, this tab before Back) has
     * already spent `current`'s refresh token. Ask it holding the session lock, before refreshing.
     */
    spentElsewhere: access.spentElsewhere,

    /**
     * Ends the session for `logout()`: at once in memory, `session-ended` fires, other tabs are
     * told, and from then on nothing starts in this page. Under the lock the store is emptied.
     *
     * @returns the refresh tokens to revoke, with their sessions: this tab's and the store's newer one.
     */
    async logout(): Promise<{ refreshToken: string; sessionId: string }[]> {
      // Signing out before anyone hears of it: a listener's login() must find the client leaving.
      signingOut = true;
      signOuts++;
      const had = forget('logout', {});
      if (!had) channel.post({ type: 'ended', reason: 'logout' });
      changed();
      const revoke = new Map<string, string>();
      if (had?.refreshToken) revoke.set(had.refreshToken, had.sessionId);
      await locked(async () => {
        // Sign-out everywhere: whatever session the store holds ends too, with its newest refresh token.
        const stored = await read();
        if (!stored) return;
        if (stored.refreshToken) revoke.set(stored.refreshToken, stored.sessionId);
        try {
          await store.clear();
        } catch {
          // revoking the refresh token still ends the grant at the server
        }
      });
      return [...revoke].map(([refreshToken, sessionId]) => ({ refreshToken, sessionId }));
    },

    /** The page came back from the back/forward cache after a sign-out: it may sign in again. */
    resume(): void {
      signingOut = false;
      changed();
    },
  };
}
