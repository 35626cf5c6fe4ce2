import { afterEach, describe, expect, it } from 'vitest';
import { refreshTime, singleFlight, withLock } from '../src/refresh.js';

/** A promise with its resolve and reject at hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('singleFlight', () => {
  it('shares one run among concurrent callers', async () => {
    const gate = deferred<string>();
    const runs: string[] = [];
    const task = singleFlight(async (arg: string) => {
      runs.push(arg);
      return gate.promise;
    });
    const callers = [task('first'), task('second'), task('third')];
    gate.resolve('token');
    expect(await Promise.all(callers)).toEqual(['token', 'token', 'token']);
    expect(runs).toEqual(['first']);
  });

  it('starts anew after the run settled', async () => {
    let runs = 0;
    const task = singleFlight(async () => ++runs);
    expect(await task()).toBe(1);
    expect(await task()).toBe(2);
    expect(await Promise.all([task(), task()])).toEqual([3, 3]);
  });

  it('shares a rejection, then starts anew', async () => {
    let runs = 0;
    const failure = new Error('refresh failed');
    const task = singleFlight(async () => {
      runs += 1;
      if (runs === 1) throw failure;
      return 'ok';
    });
    const outcomes = await Promise.allSettled([task(), task()]);
    expect(outcomes).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
    expect(await task()).toBe('ok');
    expect(runs).toBe(2);
  });

  it('does not start a new run while the shared one is still pending', async () => {
    const gate = deferred<void>();
    let runs = 0;
    const task = singleFlight(async () => {
      runs += 1;
      await gate.promise;
    });
    const first = task();
    await Promise.resolve();
    await Promise.resolve();
    const second = task();
    expect(runs).toBe(1);
    gate.resolve();
    await Promise.all([first, second]);
  });
});

describe('withLock', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  /** A stand-in for navigator.locks: records requests and queues holders per name. */
  function installLocks() {
    const requests: string[] = [];
    const queues = new Map<string, Promise<unknown>>();
    const locks = {
      request<T>(name: string, callback: () => Promise<T>): Promise<T> {
        requests.push(name);
        const run = (queues.get(name) ?? Promise.resolve()).then(callback, callback);
        queues.set(name, run.catch(() => undefined));
        return run;
      },
    };
    const previous = Object.getOwnPropertyDescriptor(navigator, 'locks');
    Object.defineProperty(navigator, 'locks', { value: locks, configurable: true });
    restore = () => {
      if (previous) Object.defineProperty(navigator, 'locks', previous);
      else delete (navigator as { locks?: unknown }).locks;
    };
    return requests;
  }

  it('runs the task directly where Web Locks are missing (happy-dom)', async () => {
    expect(navigator.locks ?? undefined).toBeUndefined();
    expect(await withLock('pkce-spa:spa:refresh', async () => 'done')).toBe('done');
    await expect(withLock('x', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
  });

  it('holds the named lock through navigator.locks.request when present', async () => {
    const requests = installLocks();
    expect(await withLock('pkce-spa:spa:refresh', async () => 'done')).toBe('done');
    expect(requests).toEqual(['pkce-spa:spa:refresh']);
  });

  it('runs tasks under the same name one at a time', async () => {
    installLocks();
    const order: string[] = [];
    const gate = deferred<void>();
    const first = withLock('lock', async () => {
      order.push('first:start');
      await gate.promise;
      order.push('first:end');
    });
    const second = withLock('lock', async () => {
      order.push('second');
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual(['first:start']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(['first:start', 'first:end', 'second']);
  });

  it('passes the task’s rejection through', async () => {
    installLocks();
    const failure = new Error('refused');
    await expect(withLock('lock', () => Promise.reject(failure))).rejects.toBe(failure);
  });
});

describe('refreshTime', () => {
  const now = 1_700_000_000_000;

  it('is leeway seconds before expiry', () => {
    expect(refreshTime(now, 3600, 60)).toBe(now + 3540_000);
    expect(refreshTime(now, 300, 60)).toBe(now + 240_000);
  });

  it('is never earlier than half the lifetime', () => {
    expect(refreshTime(now, 100, 60)).toBe(now + 50_000);
    expect(refreshTime(now, 60, 60)).toBe(now + 30_000);
    expect(refreshTime(now, 30, 60)).toBe(now + 15_000);
    expect(refreshTime(now, 10, 0)).toBe(now + 10_000);
  });

  it('is now for a token that is already expired', () => {
    expect(refreshTime(now, 0, 60)).toBe(now);
  });

  it('is never after expiry', () => {
    for (const [expiresIn, leeway] of [
      [1, 0],
      [1, 600],
      [86400, 60],
      [120, 119],
    ] as const) {
      const at = refreshTime(now, expiresIn, leeway);
      expect(at).toBeLessThanOrEqual(now + expiresIn * 1000);
      expect(at).toBeGreaterThanOrEqual(now + (expiresIn * 1000) / 2);
    }
  });
});
