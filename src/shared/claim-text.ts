// How a value from a token goes into an error message: both halves name claims in their refusals.

/**
 * `value` as JSON (so a newline in it cannot forge a log line), with what JSON leaves as it is (line
 * and paragraph separators, C1 controls, bidi overrides) escaped too, and at most 120 characters of
 * it (so a token stuffed with a huge claim cannot flood a log).
 */
export function claimText(value: unknown): string {
  const text = (JSON.stringify(value) ?? String(value)).replace(
    /[\u0080-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
