import { describe, expect, it } from 'vitest';
import { parseAuthorization } from '../../../src/server/http/authorization-header.js';
import { createTokenVerifier } from '../../../src/server/index.js';
import { AUDIENCE, expectRejected, SECRET_256 } from '../fixtures.js';

// RFC 6750 §2.1 and RFC 9449 §7.1: the Authorization header, and what each way of getting it wrong
// answers (RFC 6750 §3.1: no error attribute when the client sent no credentials of ours).
const verifier = createTokenVerifier({ issuer: 'https://auth.example.test', audience: AUDIENCE, secret: SECRET_256, realm: 'example' });

describe('parseAuthorization', () => {
  const both = ['Bearer', 'DPoP'] as const;

  it('reads the scheme, case-insensitively, and the token after one or more spaces (RFC 9110 §11.4: 1*SP)', () => {
    expect(parseAuthorization('Bearer abc.def', false, both)).toEqual({ scheme: 'Bearer', token: 'abc.def' });
    expect(parseAuthorization('dpop  abc', false, both)).toEqual({ scheme: 'DPoP', token: 'abc' });
    expect(parseAuthorization('bearer\tabc', false, both)).toMatchObject({ problem: 'invalid_request' });
  });

  it('takes a bare token as Bearer only when asked to', () => {
    expect(parseAuthorization('abc.def', true, both)).toEqual({ scheme: 'Bearer', token: 'abc.def' });
    expect(parseAuthorization('abc.def', false, both)).toMatchObject({ problem: 'missing_token' });
  });

  it('a scheme the API does not accept is no credentials', () => {
    expect(parseAuthorization('DPoP abc', false, ['Bearer'])).toEqual({
      problem: 'missing_token',
      description: 'The request does not use the Bearer scheme',
    });
  });

  it('two headers are a malformed request', () => {
    expect(parseAuthorization(['Bearer a', 'Bearer b'], false, both)).toEqual({
      problem: 'invalid_request',
      description: 'The request has more than one Authorization header',
    });
    expect(parseAuthorization(['Bearer a'], false, both)).toEqual({ scheme: 'Bearer', token: 'a' });
  });
});

describe('each way of sending no usable token, through a verifier', () => {
  it('no token at all: 401, Bearer and the realm only, no error attribute', async () => {
    for (const header of [undefined, null, '', '   ']) {
      const err = await expectRejected(verifier.verify(header), 'missing_token');
      expect(err.wwwAuthenticate).toBe('Bearer realm="example"');
      expect(err.error).toBeUndefined();
    }
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
});
