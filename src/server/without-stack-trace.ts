/**
 * Building the errors of a refusal without a stack trace.
 *
 * @internal
 * @packageDocumentation
 */

/** `Error` with the V8 and JavaScriptCore property the DOM and ES typings do not declare. */
const ErrorClass = Error as ErrorConstructor & { stackTraceLimit?: unknown };

/**
 * Runs `build` (an error's constructor) with no stack frames captured: the error keeps its class,
 * code, message and `cause`, and its `stack` is its first line only.
 *
 * For the errors of a refusal, built on every bad request. A refused token is the client's fault and
 * an expected answer (a 401), not a fault of this process to trace; yet capturing a stack costs
 * 5–10 µs on V8 (jose's errors capture it twice), which made refusing a token cost more than
 * accepting one, and a flood of forged tokens the cheapest way to load the API.
 *
 * V8 (Node, Deno, Workers) and JavaScriptCore (Bun) read `Error.stackTraceLimit` when an error is
 * built; it is 0 for this one synchronous call, then put back. Where it is not a number, or cannot
 * be written (frozen intrinsics), the error is built as usual, stack and all.
 *
 * @internal
 */
export function withoutStackTrace<T>(build: () => T): T {
  const limit = ErrorClass.stackTraceLimit;
  if (typeof limit !== 'number') return build();
  try {
    ErrorClass.stackTraceLimit = 0;
  } catch {
    return build();
  }
  try {
    return build();
  } finally {
    ErrorClass.stackTraceLimit = limit;
  }
}
