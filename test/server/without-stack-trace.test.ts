import { afterEach, describe, expect, it } from 'vitest';
import { withoutStackTrace } from '../../src/server/without-stack-trace.js';

// Refusals are built without a stack trace; Error.stackTraceLimit is touched for that one call only.

const ErrorClass = Error as ErrorConstructor & { stackTraceLimit: number };
const original = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')!;
afterEach(() => Object.defineProperty(Error, 'stackTraceLimit', original));

describe('withoutStackTrace', () => {
  it('builds the error with its first line as its whole stack, and its class, message and cause', () => {
    const cause = new Error('inner');
    const error = withoutStackTrace(() => new RangeError('refused', { cause }));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.stack).toBe('RangeError: refused');
    expect(error.cause).toBe(cause);
  });

  it('puts Error.stackTraceLimit back as it was, also when the build throws', () => {
    ErrorClass.stackTraceLimit = 7;
    withoutStackTrace(() => new Error('x'));
    expect(ErrorClass.stackTraceLimit).toBe(7);
    expect(() =>
      withoutStackTrace(() => {
        throw new TypeError('the build failed');
      }),
    ).toThrow('the build failed');
    expect(ErrorClass.stackTraceLimit).toBe(7);
    expect(new Error('after').stack!.split('\n').length).toBeGreaterThan(1);
  });

  it('builds the error as usual, stack and all, where the limit cannot be written (frozen intrinsics)', () => {
    Object.defineProperty(Error, 'stackTraceLimit', { ...original, writable: false });
    const error = withoutStackTrace(() => new Error('frozen'));
    expect(error.message).toBe('frozen');
    expect(error.stack!.split('\n').length).toBeGreaterThan(1);
  });
});
