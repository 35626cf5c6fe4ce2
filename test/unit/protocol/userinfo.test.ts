import { describe, expect, it } from 'vitest';
import { fetchUserInfo } from '../../../src/protocol.js';

const endpoint = 'https://auth.example/userinfo';
function serve(answer: () => Response) {
  const calls: Request[] = [];
  const fetch = async (input: Request | string | URL, init?: RequestInit) => {
    calls.push(new Request(input, init));
    return answer();
  };
  return { calls, fetch };
}

describe('fetchUserInfo', () => {
  it('returns the claims of the signed-in user, sending the token in the Authorization header', async () => {
    const server = serve(() => Response.json({ sub: 'alice', email: 'alice@example.com' }));
    const claims = await fetchUserInfo({ userinfoEndpoint: endpoint, accessToken: 'at-123', subject: 'alice', fetch: server.fetch });
    expect(claims).toEqual({ sub: 'alice', email: 'alice@example.com' });
    expect(server.calls[0]!.headers.get('authorization')).toBe('Bearer at-123');
    expect(server.calls[0]!.url).toBe(endpoint);
  });

  it('refuses claims about another user (OIDC Core §5.3.2)', async () => {
    const server = serve(() => Response.json({ sub: 'mallory', email: 'mallory@example.com' }));
    const error = await fetchUserInfo({ userinfoEndpoint: endpoint, accessToken: 'at-123', subject: 'alice', fetch: server.fetch }).catch((e) => e);
    expect(error).toMatchObject({ name: 'ValidationError', code: 'invalid_userinfo' });
    expect(String(error)).not.toContain('at-123');
  });

  it('refuses a response without sub', async () => {
    const server = serve(() => Response.json({ email: 'x@example.com' }));
    await expect(fetchUserInfo({ userinfoEndpoint: endpoint, accessToken: 't', subject: 'alice', fetch: server.fetch })).rejects.toMatchObject({ code: 'invalid_userinfo' });
  });

  it('turns a refused token into an OAuthError with the challenge’s error', async () => {
    const server = serve(() => new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } }));
    await expect(fetchUserInfo({ userinfoEndpoint: endpoint, accessToken: 't', subject: 'alice', fetch: server.fetch })).rejects.toMatchObject({
      code: 'oauth_error',
      error: 'invalid_token',
      status: 401,
    });
  });

  it('refuses a non-JSON answer', async () => {
    const server = serve(() => new Response('<html>', { headers: { 'content-type': 'text/html' } }));
    await expect(fetchUserInfo({ userinfoEndpoint: endpoint, accessToken: 't', subject: 'alice', fetch: server.fetch })).rejects.toMatchObject({ code: 'invalid_response' });
  });
});
