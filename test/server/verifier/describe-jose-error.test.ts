import { errors } from 'jose';
import { describe, expect, it } from 'vitest';
import { describeJoseError } from '../../../src/server/verifier/describe-jose-error.js';

// The error_description of a refused token is text this module chose, never jose's message (which
// may quote the token's own claims).
describe('describeJoseError', () => {
  const claim = (name: string, reason = 'check_failed') => new errors.JWTClaimValidationFailed('jose says', {}, name, reason);

  it.each([
    ['an expired token', new errors.JWTExpired('jose says', {}), 'The access token expired'],
    ['a missing claim', claim('sub', 'missing'), 'The access token has no sub claim'],
    ['another issuer', claim('iss'), 'The access token was issued by another issuer'],
    ['another audience', claim('aud'), 'The access token is not meant for this audience'],
    ['nbf ahead', claim('nbf'), 'The access token is not valid yet'],
    ['another typ', claim('typ'), 'The access token is not of type at+jwt'],
    ['another claim', claim('client_id'), 'The access token has an invalid client_id claim'],
    ['a refused algorithm', new errors.JOSEAlgNotAllowed('jose says'), 'The access token is signed with an algorithm that is not allowed'],
    ['a bad signature', new errors.JWSSignatureVerificationFailed(), 'The access token signature is invalid'],
    ['no matching key', new errors.JWKSNoMatchingKey(), 'No key of the authorization server matches the access token'],
    ['a malformed JWS', new errors.JWSInvalid('jose says'), 'The access token is malformed'],
    ['a malformed JWT', new errors.JWTInvalid('jose says'), 'The access token is malformed'],
    ['anything else', new Error('eyJhbGciOiJub25lIn0.secret'), 'The access token is invalid'],
  ])('%s', (_, error, description) => {
    expect(describeJoseError(error)).toBe(description);
  });
});
