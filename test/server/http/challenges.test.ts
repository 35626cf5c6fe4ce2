import { describe, expect, it } from 'vitest';
import { formatChallenges } from '../../../src/server/http/challenges.js';
import { createTokenVerifier } from '../../../src/server/index.js';
import { AUDIENCE, expectRejected, SECRET_256 } from '../fixtures.js';

// RFC 6750 §3 and RFC 9449 §7.1: what the WWW-Authenticate header says for each outcome.
const options = { issuer: 'https://auth.example.test', audience: AUDIENCE, secret: SECRET_256 };

describe('formatChallenges', () => {
  it('one challenge per scheme, the one with the error first; algs only on DPoP', () => {
    expect(
      formatChallenges({ schemes: ['Bearer', 'DPoP'], errorScheme: 'DPoP', realm: 'api', error: 'invalid_token', errorDescription: 'x', algs: 'ES256' }),
    ).toBe('DPoP realm="api", error="invalid_token", error_description="x", algs="ES256", Bearer realm="api"');
  });

  it('a scheme alone when it has no attributes', () => {
    expect(formatChallenges({ schemes: ['Bearer'] })).toBe('Bearer');
  });

  it('a header written before for the same description is given again only when every attribute matches', () => {
    const schemes: ('Bearer' | 'DPoP')[] = ['Bearer', 'DPoP'];
    const base = { schemes, errorScheme: 'Bearer', realm: 'api', error: 'invalid_token', errorDescription: 'same' } as const;
    expect(formatChallenges(base)).toBe('Bearer realm="api", error="invalid_token", error_description="same", DPoP realm="api"');
    expect(formatChallenges({ ...base, realm: 'other' })).toBe('Bearer realm="other", error="invalid_token", error_description="same", DPoP realm="other"');
    expect(formatChallenges({ ...base, errorScheme: 'DPoP', algs: 'ES256' })).toBe(
      'DPoP realm="api", error="invalid_token", error_description="same", algs="ES256", Bearer realm="api"',
    );
    expect(formatChallenges({ ...base, scope: 'read' })).toBe('Bearer realm="api", error="invalid_token", error_description="same", scope="read", DPoP realm="api", scope="read"');
    expect(formatChallenges(base)).toBe('Bearer realm="api", error="invalid_token", error_description="same", DPoP realm="api"');
    schemes.pop(); // the same array, changed since
    expect(formatChallenges(base)).toBe('Bearer realm="api", error="invalid_token", error_description="same"');
  });

  it('drops control and non-ASCII characters, so no value can split or end the header', () => {
    expect(formatChallenges({ schemes: ['Bearer'], realm: 'a\r\nSet-Cookie: x=1 é' })).toBe('Bearer realm="aSet-Cookie: x=1 "');
  });
});

describe('WWW-Authenticate, as RFC 6750 §3 describes it', () => {
  it('no token and no realm: just Bearer', async () => {
    const err = await expectRejected(createTokenVerifier(options).verify(undefined), 'missing_token');
    expect(err.wwwAuthenticate).toBe('Bearer');
  });

  it('no token, with required scopes: the realm and the scope', async () => {
    const v = createTokenVerifier({ ...options, realm: 'example', requiredScopes: ['read', 'write'] });
    const err = await expectRejected(v.verify(undefined), 'missing_token');
    expect(err.wwwAuthenticate).toBe('Bearer realm="example", scope="read write"');
  });

  it('an invalid token: 401 invalid_token with a description', async () => {
    const err = await expectRejected(createTokenVerifier({ ...options, realm: 'example' }).verify('Bearer abc.def.ghi'), 'invalid_token', 'abc.def.ghi');
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
