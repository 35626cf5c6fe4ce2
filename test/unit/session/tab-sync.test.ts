import { afterEach, describe, expect, it } from 'vitest';
import { withLock } from '../../../src/session/tab-sync.js';
import { deferred } from '../../support/deferred.js';

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
