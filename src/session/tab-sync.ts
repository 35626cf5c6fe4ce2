
/** Why a session ended; carried by the `session-ended` event and between tabs. */
export type SessionEndReason = 'logout' | 'invalid_grant' | 'expired' | 'invalid_response';

/**
 * @internal What the tabs of one client tell each other. Tokens never travel: a tab that hears of
 * a change reads the shared store itself.
 */
export type TabMessage =
  | { type: 'ended'; sessionId?: string; reason: SessionEndReason }
  | { type: 'started'; sessionId: string };

/** @internal */
export interface TabChannel {
  /** Starts receiving (idempotent); nothing is opened before the first call. */
  listen(): void;
  post(message: TabMessage): void;
}

const reasons = new Set<string>(['logout', 'invalid_grant', 'expired', 'invalid_response']);

function isTabMessage(data: unknown): data is TabMessage {
  const m = data as Partial<Record<string, unknown>> | null;
  if (typeof m !== 'object' || m === null) return false;
  if (m.type === 'started') return typeof m.sessionId === 'string';
  return m.type === 'ended' && reasons.has(m.reason as string) && (m.sessionId === undefined || typeof m.sessionId === 'string');
}

/**
 * @internal A BroadcastChannel between the tabs of one origin, opened lazily. Where there is none
 * (old browsers, Node), tabs still learn of changes from the store, only later.
 */
export function createTabChannel(name: string, receive: (message: TabMessage) => void): TabChannel {
  let channel: BroadcastChannel | undefined;
  const open = () => {
    if (!channel && typeof BroadcastChannel === 'function') {
      channel = new BroadcastChannel(name);
      channel.onmessage = (event) => isTabMessage(event.data) && receive(event.data);
    }
    return channel;
  };
  return {
    listen: () => void open(),
    post: (message) => open()?.postMessage(message),
  };
}

/**
 * @internal Runs steps holding the named Web Lock, one tab at a time. Re-entrant within this tab:
 * a step that already holds it (a refresh ending the session) is not made to wait for itself.
 * In-tab interleaving is caught by the session's generation checks, not by the lock.
 */
export function createSessionLock(name: string): <T>(task: () => Promise<T>) => Promise<T> {
  let holding = false;
  return (task) =>
    holding
      ? task()
      : withLock(name, async () => {
          holding = true;
          try {
            return await task();
          } finally {
            holding = false;
          }
        });
}

/**
 * @internal Holds the Web Lock `name` until `release()` or until the page goes away. Resolves to
 * `undefined` when another live page keeps holding it for `waitMs` milliseconds (a page being
 * unloaded by a reload lets go within that time). Without Web Locks nothing can be told, and the
 * claim succeeds.
 */
export async function holdLock(name: string, waitMs: number): Promise<(() => void) | undefined> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return () => undefined;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const granted = await new Promise<boolean>((resolve) => {
    locks.request(name, { signal: AbortSignal.timeout(waitMs) }, () => {
      resolve(true);
      return held;
    }).catch(() => resolve(false));
  });
  return granted ? release : undefined;
}

/**
 * Runs `task` holding the named Web Lock, so tabs sharing a token store refresh one at a
 * time; where Web Locks are missing, in-tab single-flight is all there is.
 */
export function withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return locks ? (locks.request(name, task) as Promise<T>) : task();
}

/**
 * @internal Waits until no tab holds the Web Lock `name`, at most `waitMs` milliseconds (a logout
 * whose navigation the app cancelled must not block a sign-in for ever). At once without Web Locks.
 */
export async function waitForLock(name: string, waitMs: number): Promise<void> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return;
  await locks.request(name, { signal: AbortSignal.timeout(waitMs) }, () => undefined).catch(() => undefined);
}

/** @internal See {@link createLogoutWatch}. */
export interface LogoutWatch {
  /**
   * Looks whether another tab holds the logout lock now: at start-up, off the click's path, once the
   * tab channel listens (so no logout falls between the look and the listening); again when the page
   * comes back from the back/forward cache or from being frozen, where it heard nothing.
   */
  look(): void;
  /** Another tab's logout was heard of on the tab channel. */
  heard(): void;
  /** Waits as {@link waitForLock} does, unless this page knows no other tab's logout is under way. */
  wait(waitMs: number): Promise<void>;
}

/**
 * @internal What a sign-in knows of other tabs' logouts without asking the browser's lock manager
 * on the click, a round trip that costs the click about 6 ms in Chromium. A logout holds the logout
 * lock before it tells the other tabs, and until its page is gone, however long its revocation
 * takes. So a page that looked at start-up, saw no such lock and has heard of no logout since knows
 * none is under way, and its click need not ask; once it has seen or heard of one, every click asks
 * and waits, as before. A page that has not looked (or cannot: no lock query, no BroadcastChannel)
 * always asks.
 */
export function createLogoutWatch(lockName: string): LogoutWatch {
  // Looks begun; an answer counts only while its look is the latest (one made before the page went
  // into the back/forward cache may be answered after it came back).
  let looks = 0;
  let looked = false;
  let seen = false;
  const look = (again: boolean) => {
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    if ((looks > 0 && !again) || typeof locks?.query !== 'function' || typeof BroadcastChannel !== 'function') return;
    if (looks === 0) {
      addEventListener('pageshow', (event) => event.persisted && look(true));
      document.addEventListener('resume', () => look(true));
    }
    const mine = ++looks;
    looked = false;
    locks.query().then(
      ({ held = [], pending = [] }) => {
        if (mine !== looks) return;
        if ([...held, ...pending].some((lock) => lock.name === lockName)) seen = true;
        looked = true;
      },
      () => undefined,
    );
  };
  return {
    look: () => look(false),
    heard() {
      seen = true;
    },
    wait(waitMs) {
      return looked && !seen ? Promise.resolve() : waitForLock(lockName, waitMs);
    },
  };
}
