import { errors } from 'jose';

/**
 * A short, token-free `error_description` for why jose refused a token. Written here rather than
 * passed through, so the header only ever holds text this module chose.
 *
 * @internal
 */
export function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The access token expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `The access token has no ${error.claim} claim`;
    switch (error.claim) {
      case 'iss':
        return 'The access token was issued by another issuer';
      case 'aud':
        return 'The access token is not meant for this audience';
      case 'nbf':
        return 'The access token is not valid yet';
      case 'typ':
        return 'The access token is not of type at+jwt';
      default:
        return `The access token has an invalid ${error.claim} claim`;
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The access token is signed with an algorithm that is not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The access token signature is invalid';
  if (error instanceof errors.JWKSNoMatchingKey) return 'No key of the authorization server matches the access token';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'The access token is malformed';
  return 'The access token is invalid';
}
