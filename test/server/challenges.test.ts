import { describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../src/server/index.js';
import { AUDIENCE, expectRejected, SECRET_256 } from './fixtures.js';

// RFC 6750 §3 and §3.1: what the WWW-Authenticate header says for each outcome.
const options = { issuer: 'https://auth.example.test', audience: AUDIENCE, secret: SECRET_256 };
const verifier = createTokenVerifier({ ...options, realm: 'example' });

describe('WWW-Authenticate, as RFC 6750 §3 describes it', () => {
  it('no token at all: 401, Bearer and the realm only, no error attribute', async () => {
    for (const header of [undefined, null, '', '   ']) {
      const err = await expectRejected(verifier.verify(header), 'missing_token');
      expect(err.wwwAuthenticate).toBe('Bearer realm="example"');
      expect(err.error).toBeUndefined();
    }
  });

  it('no token and no realm: just Bearer', async () => {
    const err = await expectRejected(createTokenVerifier(options).verify(undefined), 'missing_token');
    expect(err.wwwAuthenticate).toBe('Bearer');
  });

  it('no token, with required scopes: the realm and the scope', async () => {
    const v = createTokenVerifier({ ...options, realm: 'example', requiredScopes: ['read', 'write'] });
    const err = await expectRejected(v.verify(undefined), 'missing_token');
    expect(err.wwwAuthenticate).toBe('Bearer realm="example", scope="read write"');
  });

  it('another scheme (Basic) counts as no token', async () => {
    const err = await expectRejected(verifier.verify('Basic dXNlcjpwYXNz'), 'missing_token');
    expect(err.wwwAuthenticate).toBe('Bearer realm="example"');
  });

  it('a malformed Bearer header: 400 invalid_request', async () => {
    for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a,b', 'Bearer "abc"']) {
      const err = await expectRejected(verifier.verify(header), 'invalid_request');
      expect(err.wwwAuthenticate).toMatch(/^Bearer realm="example", error="invalid_request", error_description="[^"]+"$/);
    }
    const err = await expectRejected(verifier.verify('Bearer a b'), 'invalid_request');
    expect(err.wwwAuthenticate).toBe(
      'Bearer realm="example", error="invalid_request", error_description="The Authorization header is not of the form: Bearer token"',
    );
  });

  it('the scheme name is case-insensitive', async () => {
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      await expectRejected(verifier.verify(`${scheme} abc.def.ghi`), 'invalid_token', 'abc.def.ghi');
    }
  });

  it('an invalid token: 401 invalid_token with a description', async () => {
    const err = await expectRejected(verifier.verify('Bearer abc.def.ghi'), 'invalid_token', 'abc.def.ghi');
    expect(err.wwwAuthenticate).toBe(
      'Bearer realm="example", error="invalid_token", error_description="The access token is malformed"',
    );
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('escapes quotes and backslashes in the realm', async () => {
    const v = createTokenVerifier({ ...options, realm: 'say "hi" \\o/' });
    const err = await expectRejected(v.verify(undefined), 'missing_token');
    expect(err.wwwAuthenticate).toBe('Bearer realm="say \\"hi\\" \\\\o/"');
  });
});
