// Generic checks of option values: each returns the checked value (or a default) and throws a
// ConfigError naming the field. None knows which option it checks.
import { ASYMMETRIC_ALGORITHMS as ASYMMETRIC } from '../../shared/algorithms.js';
import { ConfigError } from '../../shared/errors.js';
import type { FetchLike } from '../../shared/fetch-like.js';
import { isSecureUrl } from '../../shared/secure-url.js';

/**
 * Checks scope values (RFC 6749 §3.3 `scope-token`: printable ASCII except space, `"` and `\`).
 *
 * @internal
 */
export function resolveScopes(field: string, value: unknown): string[] {
  const scopes = stringList(field, value);
  for (const scope of scopes) {
    if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)) {
      throw new ConfigError(`"${field}" holds a value that is not a scope token (no spaces, quotes or backslashes)`);
    }
  }
  return scopes;
}

/**
 * Parses a URL option and refuses plain `http:` unless the host is a loopback address.
 *
 * @internal
 */
export function checkUrl(field: string, value: unknown): URL {
  if (typeof value !== 'string' && !(value instanceof URL)) throw new ConfigError(`"${field}" must be a string or a URL`);
  let url: URL;
  try {
    url = new URL(value instanceof URL ? value.href : value);
  } catch {
    throw new ConfigError(`"${field}" must be an absolute URL`);
  }
  if (isSecureUrl(url)) return url;
  throw new ConfigError(`"${field}" must be an https: URL (plain http: is allowed only for localhost)`);
}

/**
 * A non-empty list of allowed asymmetric JWS algorithms, or all of them; `none` and HS* are refused.
 *
 * @param label - how the message names the option, e.g. `"algorithms" with a JWKS`.
 * @internal
 */
export function resolveAsymmetric(field: string, value: unknown, label: string): string[] {
  if (value === undefined) return [...ASYMMETRIC];
  if (!Array.isArray(value) || value.length === 0) throw new ConfigError(`"${field}" must be a non-empty array`);
  for (const alg of value) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') throw new ConfigError(`"${field}" must not contain "none"`);
    if (typeof alg !== 'string' || !(ASYMMETRIC as readonly string[]).includes(alg)) {
      throw new ConfigError(`${label} accepts only asymmetric algorithms (${ASYMMETRIC.join(', ')}); got ${String(alg)}`);
    }
  }
  return [...new Set(value as string[])];
}

/** An injected `fetch`, or `undefined` for the global one. @internal */
export function resolveFetch(value: unknown): FetchLike | undefined {
  if (value === undefined || typeof value === 'function') return value as FetchLike | undefined;
  throw new ConfigError('"fetch" must be a function');
}

/** One of `allowed`, or `fallback` when unset. @internal */
export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`"${field}" must be ${allowed.map((v) => JSON.stringify(v)).join(' or ')}`);
  }
  return value as T;
}

/** A non-negative number (`Infinity` only when `allowInfinity`), or `fallback` when unset. @internal */
export function nonNegative(field: string, value: unknown, fallback: number, allowInfinity = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (value === Infinity && !allowInfinity)) {
    throw new ConfigError(`"${field}" must be a non-negative number`);
  }
  return value;
}

/** A whole number of milliseconds, as `AbortSignal.timeout` wants, or `fallback` when unset. @internal */
export function milliseconds(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new ConfigError(`"${field}" must be a non-negative integer`);
  return value as number;
}

/** A list of non-empty strings, copied; `[]` when unset. @internal */
export function stringList(field: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw new ConfigError(`"${field}" must be an array of non-empty strings`);
  }
  return [...(value as string[])];
}
