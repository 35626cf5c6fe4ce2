import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/server/index.js';
import {
  checkUrl,
  milliseconds,
  nonNegative,
  oneOf,
  resolveAsymmetric,
  resolveFetch,
  resolveScopes,
  stringList,
} from '../../../src/server/options/validators.js';

/** The ConfigError message `run` throws. */
const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  return expect.fail('no ConfigError');
};

describe('checkUrl: https, or plain http on loopback only', () => {
  it.each(['http://localhost:8080/jwks', 'http://127.0.0.1/jwks', 'http://127.1.2.3:9000/jwks', 'http://[::1]:9000/jwks', 'https://auth.example.test/jwks'])(
    'accepts %s',
    (url) => {
      expect(checkUrl('jwksUri', url).href).toBe(url);
      expect(checkUrl('jwksUri', new URL(url)).href).toBe(url);
    },
  );

  it('refuses plain http elsewhere, a relative URL and a non-string, naming the field', () => {
    expect(refusal(() => checkUrl('jwksUri', 'http://auth.example.test/jwks'))).toBe(
      '"jwksUri" must be an https: URL (plain http: is allowed only for localhost)',
    );
    expect(refusal(() => checkUrl('jwksUri', '/jwks'))).toBe('"jwksUri" must be an absolute URL');
    expect(refusal(() => checkUrl('jwksUri', 42))).toBe('"jwksUri" must be a string or a URL');
  });
});

describe('resolveScopes: RFC 6749 §3.3 scope tokens', () => {
  it('keeps printable ASCII scope tokens', () => {
    expect(resolveScopes('requiredScopes', ['read', 'orders:write', 'https://api.example/x'])).toEqual(['read', 'orders:write', 'https://api.example/x']);
    expect(resolveScopes('requiredScopes', undefined)).toEqual([]);
  });

  it.each([['a space', 'read write'], ['a quote', 'a"b'], ['a backslash', 'a\\b'], ['non-ASCII', 'lesen✓']])('refuses %s', (_, scope) => {
    expect(refusal(() => resolveScopes('requiredScopes', [scope]))).toContain('"requiredScopes" holds a value that is not a scope token');
  });

  it('refuses an empty scope', () => {
    expect(refusal(() => resolveScopes('requiredScopes', ['']))).toBe('"requiredScopes" must be an array of non-empty strings');
  });
});

describe('resolveAsymmetric: asymmetric algorithms only', () => {
  it('defaults to every asymmetric algorithm, and drops repeats', () => {
    expect(resolveAsymmetric('algorithms', undefined, '"algorithms"')).toContain('EdDSA');
    expect(resolveAsymmetric('algorithms', ['ES256', 'ES256'], '"algorithms"')).toEqual(['ES256']);
  });

  it('refuses none, HS256 and an empty list', () => {
    expect(refusal(() => resolveAsymmetric('algorithms', ['NONE'], '"algorithms"'))).toBe('"algorithms" must not contain "none"');
    expect(refusal(() => resolveAsymmetric('algorithms', ['HS256'], '"algorithms" with a JWKS'))).toMatch(/^"algorithms" with a JWKS accepts only asymmetric algorithms \(RS256, .*\); got HS256$/);
    expect(refusal(() => resolveAsymmetric('algorithms', [], '"algorithms"'))).toBe('"algorithms" must be a non-empty array');
  });
});

describe('numbers, choices and lists', () => {
  it('nonNegative: a number ≥ 0, Infinity only when allowed, the fallback when unset', () => {
    expect(nonNegative('cacheMaxAge', undefined, 600_000)).toBe(600_000);
    expect(nonNegative('cacheMaxAge', Infinity, 1, true)).toBe(Infinity);
    for (const value of [-1, Number.NaN, Infinity, '5']) {
      expect(refusal(() => nonNegative('clockTolerance', value, 5))).toBe('"clockTolerance" must be a non-negative number');
    }
  });

  it('milliseconds: a non-negative integer', () => {
    expect(milliseconds('timeout', 2_000, 5_000)).toBe(2_000);
    expect(refusal(() => milliseconds('timeout', 1.5, 5_000))).toBe('"timeout" must be a non-negative integer');
  });

  it('oneOf: one of the values listed', () => {
    expect(oneOf('scopeClaim', undefined, ['scope', 'scp'] as const, 'scope')).toBe('scope');
    expect(refusal(() => oneOf('scopeClaim', 'scopes', ['scope', 'scp'] as const, 'scope'))).toBe('"scopeClaim" must be "scope" or "scp"');
  });

  it('stringList: non-empty strings, copied', () => {
    const input = ['sub'];
    const output = stringList('requiredClaims', input);
    expect(output).toEqual(['sub']);
    expect(output).not.toBe(input);
    expect(refusal(() => stringList('requiredClaims', 'sub'))).toBe('"requiredClaims" must be an array of non-empty strings');
  });

  it('resolveFetch: a function or nothing', () => {
    expect(resolveFetch(undefined)).toBeUndefined();
    expect(refusal(() => resolveFetch('fetch'))).toBe('"fetch" must be a function');
  });
});
