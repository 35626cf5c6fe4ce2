import { describe, expect, it } from 'vitest';
import { isPkceError as isBrowserPkceError } from '../../src/shared/errors.js';
import { isPkceError, NetworkError, TokenVerificationError, type TokenVerificationErrorCode } from '../../src/server/index.js';

describe('TokenVerificationError', () => {
  it.each([
    ['missing_token', 401],
    ['invalid_request', 400],
    ['invalid_token', 401],
    ['insufficient_scope', 403],
    ['invalid_dpop_proof', 401],
    ['use_dpop_nonce', 401],
  ] as [TokenVerificationErrorCode, number][])('%s answers %i', (code, status) => {
    expect(new TokenVerificationError(code, 'why').status).toBe(status);
  });

  it('carries the OAuth error and description, except for missing_token (RFC 6750 §3.1)', () => {
    expect(new TokenVerificationError('invalid_token', 'The access token expired')).toMatchObject({
      error: 'invalid_token',
      errorDescription: 'The access token expired',
      message: 'The access token expired',
    });
    const missing = new TokenVerificationError('missing_token', 'The request has no access token');
    expect([missing.error, missing.errorDescription, missing.wwwAuthenticate]).toEqual([undefined, undefined, 'Bearer']);
  });

  it('what a logger prints of it: its code, the OAuth error, the status and the header; scope and dpopNonce even when unset', () => {
    const error = new TokenVerificationError('invalid_token', 'The access token expired', { cause: new Error('jose') });
    expect(Object.entries(error)).toEqual([
      ['name', 'TokenVerificationError'],
      ['code', 'invalid_token'],
      ['error', 'invalid_token'],
      ['errorDescription', 'The access token expired'],
      ['status', 401],
      ['wwwAuthenticate', 'Bearer error="invalid_token", error_description="The access token expired"'],
      ['scope', undefined],
      ['dpopNonce', undefined],
    ]);
    expect(Object.keys(new TokenVerificationError('missing_token', 'x'))).toEqual(['name', 'code', 'status', 'wwwAuthenticate', 'scope', 'dpopNonce']);
  });

  it('keeps the scope and the DPoP nonce it was given', () => {
    const error = new TokenVerificationError('insufficient_scope', 'x', { scope: ['a', 'b'], dpopNonce: 'n' });
    expect([error.scope, error.dpopNonce]).toEqual([['a', 'b'], 'n']);
    expect(new TokenVerificationError('insufficient_scope', 'x', { scope: [] }).scope).toBeUndefined();
  });
});

describe('error codes of the two halves', () => {
  it('the server guard narrows server codes; the browser union does not hold them', () => {
    const error: unknown = new TokenVerificationError('invalid_dpop_proof', 'x');
    expect(isPkceError(error, 'invalid_dpop_proof')).toBe(true);
    expect(isBrowserPkceError(error)).toBe(true);
    // @ts-expect-error 'invalid_token' is a pkce-spa/server code, not one of the browser's PkceErrorCode
    expect(isBrowserPkceError(error, 'invalid_token')).toBe(false);
  });

  it('the server guard takes every code of either half', () => {
    expect(isPkceError(new NetworkError('timeout', 'x'), 'timeout')).toBe(true);
    expect(isPkceError(new Error('x'))).toBe(false);
  });
});
