// RFC 9126 pushed authorization requests, as the protocol function makes them.
import { describe, expect, it } from 'vitest';
import { buildAuthorizationUrl, pushAuthorizationRequest } from '../../../src/protocol.js';

const endpoint = 'https://auth.example/par';
const authorizationEndpoint = 'https://auth.example/authorize?p=signin_policy';
const request = buildAuthorizationUrl(authorizationEndpoint, {
  clientId: 'spa',
  redirectUri: 'https://app.example/callback',
  scope: 'openid',
  state: 'state-1',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
});

function server(answer: () => Response) {
  const pushed: URLSearchParams[] = [];
  return {
    pushed,
    fetch: async (input: Request | string | URL, init?: RequestInit) => {
      pushed.push(new URLSearchParams(await new Request(input, init).text()));
      return answer();
    },
  };
}

describe('pushAuthorizationRequest', () => {
  it('pushes the parameters and sends the browser with client_id and request_uri, the endpoint’s own query kept', async () => {
    const as = server(() => Response.json({ request_uri: 'urn:ietf:params:oauth:request_uri:abc', expires_in: 60 }, { status: 201 }));
    const { url, request_uri, expires_in } = await pushAuthorizationRequest({ endpoint, authorizationUrl: request, authorizationEndpoint, fetch: as.fetch });
    expect(request_uri).toBe('urn:ietf:params:oauth:request_uri:abc');
    expect(expires_in).toBe(60);
    expect(url.href).toBe('https://auth.example/authorize?p=signin_policy&client_id=spa&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc');
    expect(Object.fromEntries(as.pushed[0]!)).toMatchObject({ response_type: 'code', client_id: 'spa', state: 'state-1', code_challenge_method: 'S256' });
    expect(as.pushed[0]!.has('p')).toBe(false);
  });

  it('reads expires_in sent as a string of digits, and leaves out one it cannot use', async () => {
    const push = (expires_in: unknown) =>
      pushAuthorizationRequest({ endpoint, authorizationUrl: request, fetch: server(() => Response.json({ request_uri: 'urn:x', expires_in }, { status: 201 })).fetch });
    expect((await push('90')).expires_in).toBe(90);
    for (const unusable of [undefined, 0, -5, 'soon', '1e3', null]) expect((await push(unusable)).expires_in).toBeUndefined();
  });

  it('turns a refusal into an OAuthError with the server’s error and status', async () => {
    const as = server(() => Response.json({ error: 'invalid_request', error_description: 'bad scope' }, { status: 400 }));
    await expect(pushAuthorizationRequest({ endpoint, authorizationUrl: request, fetch: as.fetch })).rejects.toMatchObject({
      code: 'oauth_error',
      error: 'invalid_request',
      status: 400,
    });
  });

  it('refuses an answer without a request_uri', async () => {
    const as = server(() => Response.json({ expires_in: 60 }, { status: 201 }));
    await expect(pushAuthorizationRequest({ endpoint, authorizationUrl: request, fetch: as.fetch })).rejects.toMatchObject({ code: 'invalid_response' });
  });
});
