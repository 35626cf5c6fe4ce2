/**
 * Wraps `task` so that concurrent callers share one run: however many wait, one request.
 * The first caller's arguments start the run; the next call after it settles starts anew.
 */
export function singleFlight<A extends unknown[], T>(task: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  let running: Promise<T> | undefined;
  return (...args) => (running ??= task(...args).finally(() => (running = undefined)));
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
 * When to refresh a token issued now for `expiresIn` seconds: `leeway` seconds before it
 * expires, but never earlier than half its lifetime, so a short-lived token does not loop.
 */
export const refreshTime = (now: number, expiresIn: number, leeway: number): number =>
  now + Math.max(expiresIn - leeway, expiresIn / 2) * 1000;
