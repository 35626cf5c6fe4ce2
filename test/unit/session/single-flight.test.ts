import { afterEach, describe, expect, it } from 'vitest';
import { singleFlight } from '../../../src/session/single-flight.js';
import { deferred } from '../../support/deferred.js';

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
