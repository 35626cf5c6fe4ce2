import { describe, expect, it } from 'vitest';
import { errorResponseParts } from '../../../src/server/http/error-response.js';
import { TokenVerificationError } from '../../../src/server/index.js';

describe('errorResponseParts', () => {
  it('the status, the challenge, no-store and a JSON body with the OAuth error', () => {
    const error = new TokenVerificationError('invalid_token', 'The access token expired', { realm: 'api' });
    expect(errorResponseParts(error)).toEqual({
      status: 401,
      headers: {
        'WWW-Authenticate': 'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
      },
      body: '{"error":"invalid_token","error_description":"The access token expired"}',
    });
  });

  it('a DPoP-Nonce header when the error carries a nonce', () => {
    const error = new TokenVerificationError('use_dpop_nonce', 'Use the nonce', { schemes: ['DPoP'], dpopNonce: 'n-1' });
    expect(errorResponseParts(error).headers['DPoP-Nonce']).toBe('n-1');
  });
});
