/**
 * Wraps `task` so that concurrent callers share one run: however many wait, one request.
 * The first caller's arguments start the run; the next call after it settles starts anew.
 */
export function singleFlight<A extends unknown[], T>(task: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  let running: Promise<T> | undefined;
  return (...args) => (running ??= task(...args).finally(() => (running = undefined)));
}
