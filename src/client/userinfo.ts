import type { ClientContext } from './context.js';
import { ConfigError, LoginRequiredError, ValidationError, isPkceError } from '../shared/errors.js';
import type { UserInfo } from './types.js';
import { fetchUserInfo } from '../protocol/userinfo.js';

/**
 * @internal The signed-in user's UserInfo claims, with the access token `getAccessToken` gives. An
 * answer about another user means the token answered for someone else: the session ends and its
 * refresh token is revoked (fail closed). An answer for a session that ended meanwhile is dropped.
 */
export async function getUserInfo(ctx: ClientContext, accessToken: string): Promise<UserInfo> {
  const { session } = ctx;
  const ticket = session.ticket();
  const subject = session.tokens?.claims?.sub;
  if (!subject) throw new ConfigError('getUserInfo() needs the "openid" scope: the answer is checked against the ID token\'s "sub"');
  const md = await ctx.issuer.getMetadata();
  if (!md.userinfo_endpoint) throw new ValidationError('invalid_response', 'The metadata has no "userinfo_endpoint"');
  try {
    const current = session.tokens;
    const dpop = current?.tokenType === 'DPoP' ? await ctx.signer(current.sessionId) : undefined;
    const claims = await fetchUserInfo({ ...ctx.http, dpop, userinfoEndpoint: md.userinfo_endpoint, accessToken, subject });
    if (!session.isCurrent(ticket)) throw new LoginRequiredError('The session ended while UserInfo answered');
    return claims;
  } catch (error) {
    if (isPkceError(error, 'invalid_userinfo') && session.isCurrent(ticket)) {
      await session.end('invalid_response', { error, revoke: session.tokens?.refreshToken });
    }
    throw error;
  }
}
