import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  isPkceError,
  LoginRequiredError,
  NetworkError,
  OAuthError,
  PkceError,
  ValidationError,
  type PkceErrorCode,
} from '../../../src/index.js';
import { loadPart } from '../../../src/shared/errors.js';

const cause = new TypeError('Failed to fetch');
const samples: [string, PkceError, PkceErrorCode, string][] = [
  ['PkceError', new PkceError('invalid_config', 'base'), 'invalid_config', 'PkceError'],
  ['ConfigError', new ConfigError('"issuer" must be https'), 'invalid_config', 'ConfigError'],
  ['OAuthError', new OAuthError({ error: 'access_denied', errorDescription: 'The user cancelled' }), 'oauth_error', 'OAuthError'],
  ['ValidationError', new ValidationError('invalid_state', 'state mismatch'), 'invalid_state', 'ValidationError'],
  ['NetworkError', new NetworkError('timeout', 'took too long', cause), 'timeout', 'NetworkError'],
  ['LoginRequiredError', new LoginRequiredError('Not signed in'), 'login_required', 'LoginRequiredError'],
];

describe('error classes', () => {
  it.each(samples)('%s is an Error and a PkceError with its code and name', (_, error, code, name) => {
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(PkceError);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(String(error)).toMatch(new RegExp(`^${name}: `));
    expect(typeof error.stack).toBe('string');
  });

  it('keeps the subclasses apart', () => {
    const [, config, oauth, validation, network, login] = samples.map((s) => s[1]);
    expect(config).not.toBeInstanceOf(OAuthError);
    expect(oauth).not.toBeInstanceOf(ValidationError);
    expect(validation).not.toBeInstanceOf(NetworkError);
    expect(network).not.toBeInstanceOf(LoginRequiredError);
    expect(login).not.toBeInstanceOf(ConfigError);
  });

  it('keeps the cause', () => {
    expect(new NetworkError('network_error', 'offline', cause).cause).toBe(cause);
    expect(new ValidationError('invalid_id_token', 'bad', cause).cause).toBe(cause);
    expect(new LoginRequiredError('ended', { cause }).cause).toBe(cause);
  });

  it.each([
    ['ConfigError', new ConfigError('x')],
    ['ValidationError', new ValidationError('invalid_response', 'x')],
    ['NetworkError', new NetworkError('network_error', 'x')],
    ['LoginRequiredError', new LoginRequiredError('x')],
  ])('%s has no OAuth fields or cause when none were given', (_, error) => {
    for (const field of ['error', 'errorDescription', 'errorUri', 'status', 'cause']) {
      expect(Object.hasOwn(error, field), field).toBe(false);
      expect((error as unknown as Record<string, unknown>)[field], field).toBeUndefined();
    }
  });

  it('OAuthError keeps the wire fields and puts error and description in the message', () => {
    const error = new OAuthError({
      error: 'invalid_grant',
      errorDescription: 'The refresh token expired',
      errorUri: 'https://auth.example/errors/grant',
      status: 400,
    });
    expect(error).toMatchObject({
      code: 'oauth_error',
      error: 'invalid_grant',
      errorDescription: 'The refresh token expired',
      errorUri: 'https://auth.example/errors/grant',
      status: 400,
    });
    expect(error.message).toContain('invalid_grant');
    expect(error.message).toContain('The refresh token expired');
  });

  it('OAuthError without description or status has neither field', () => {
    const error = new OAuthError({ error: 'login_required' });
    expect(error.message).toContain('login_required');
    expect(error.error).toBe('login_required');
    for (const field of ['errorDescription', 'errorUri', 'status']) expect(Object.hasOwn(error, field), field).toBe(false);
  });

  it('LoginRequiredError can carry the OAuth error that ended the session', () => {
    const error = new LoginRequiredError('ended', { error: 'invalid_grant', errorDescription: 'revoked' });
    expect(error).toMatchObject({ code: 'login_required', error: 'invalid_grant', errorDescription: 'revoked' });
  });

  it('narrows with switch (err.code)', () => {
    const describe = (error: PkceError): string => {
      switch (error.code) {
        case 'oauth_error':
          return 'oauth';
        case 'timeout':
        case 'network_error':
          return 'network';
        default:
          return 'other';
      }
    };
    expect(samples.map((s) => describe(s[1]))).toEqual(['other', 'other', 'oauth', 'other', 'network', 'other']);
  });
});

describe('isPkceError', () => {
  it.each(samples)('is true for %s', (_, error) => {
    expect(isPkceError(error)).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('x')],
    ['a TypeError', new TypeError('x')],
    ['an object with a code', { code: 'invalid_state', message: 'x', name: 'ValidationError' }],
    ['an object copied from an error', { ...new ValidationError('invalid_state', 'x') }],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'invalid_state'],
    ['a number', 42],
  ])('is false for %s', (_, value) => {
    expect(isPkceError(value)).toBe(false);
    expect(isPkceError(value, 'invalid_state')).toBe(false);
  });

  it('filters by code', () => {
    const error = new ValidationError('invalid_issuer', 'x');
    expect(isPkceError(error, 'invalid_issuer')).toBe(true);
    expect(isPkceError(error, 'invalid_state')).toBe(false);
    expect(isPkceError(new LoginRequiredError('x'), 'login_required')).toBe(true);
    expect(isPkceError(new NetworkError('timeout', 'x'), 'network_error')).toBe(false);
  });

  it('recognises a subclass of PkceError, and not an Error merely named like one', () => {
    class AppError extends PkceError {}
    expect(isPkceError(new AppError('login_required', 'x'), 'login_required')).toBe(true);
    const impostor = Object.assign(new Error('x'), { name: 'ValidationError', code: 'invalid_state' });
    expect(isPkceError(impostor)).toBe(false);
  });

  it('narrows the type', () => {
    const value: unknown = new OAuthError({ error: 'access_denied' });
    if (isPkceError(value, 'oauth_error')) expect(value.error).toBe('access_denied');
    else expect.unreachable();
  });
});

describe('loadPart', () => {
  it('a part of the SDK the browser cannot fetch is a failed request naming it; the next call fetches again', async () => {
    // What Chromium rejects import() with when the chunk's request fails.
    const failed = new TypeError('Failed to fetch dynamically imported module: https://app.example/assets/exchange-1a2b.js');
    let attempts = 0;
    const load = () => (++attempts === 1 ? Promise.reject(failed) : Promise.resolve({ part: true }));
    const error = await loadPart(load, 'the sign-in completion').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'network_error', message: 'Could not load the sign-in completion (a script of this app)', cause: failed });
    expect(await loadPart(load, 'the sign-in completion')).toEqual({ part: true });
  });
});
