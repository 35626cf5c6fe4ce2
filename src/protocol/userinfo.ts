import { OAuthError, ValidationError } from '../shared/errors.js';
import { readJson, sendWithProof, type HttpOptions } from './http.js';

/** What {@link fetchUserInfo} needs. */
export interface UserInfoRequest extends HttpOptions {
  /** The metadata's `userinfo_endpoint`. */
  userinfoEndpoint: string;
  /** An access token the server accepts at its UserInfo endpoint. */
  accessToken: string;
  /** The `sub` of the validated ID token: the answer must be about that user. */
  subject: string;
}

/**
 * Fetches the UserInfo claims and checks they belong to the signed-in user (OIDC Core §5.3.2:
 * the `sub` must equal the ID token's, or the answer could be substituted).
 *
 * @throws {@link ValidationError} `invalid_userinfo` for another `sub`, `invalid_response` for a
 *   non-JSON answer;
 *   {@link OAuthError} when the token is refused (`error` from `WWW-Authenticate`);
 *   {@link NetworkError}.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfoResponse
 * @example
 * ```ts
 * const profile = await fetchUserInfo({ userinfoEndpoint, accessToken, subject: auth.user.sub })
 * ```
 */
export async function fetchUserInfo(request: UserInfoRequest): Promise<{
  /** Equal to `request.subject`: an answer about anyone else is refused. */
  sub: string;
  /** The other claims the server returns (`name`, `email`, …). */
  [claim: string]: unknown;
}> {
  const scheme = request.dpop ? 'DPoP' : 'Bearer';
  const response = await sendWithProof(
    request.userinfoEndpoint,
    { headers: { authorization: `${scheme} ${request.accessToken}`, accept: 'application/json' } },
    request,
    request.accessToken,
  );
  const challenge = /error="([^"]+)"/.exec(response.headers.get('www-authenticate') ?? '');
  if (challenge) throw new OAuthError({ error: challenge[1]!, status: response.status });
  if (!response.ok) throw new ValidationError('invalid_response', `UserInfo answered HTTP ${response.status}`);
  const claims = await readJson(response, 'UserInfo');
  if (claims.sub !== request.subject) {
    throw new ValidationError('invalid_userinfo', 'UserInfo "sub" is not the signed-in user');
  }
  return claims as { sub: string };
}
