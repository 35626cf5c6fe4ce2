import { describe, expect, it } from 'vitest';
import { isPkceError, NetworkError, ValidationError, type FetchLike } from '../../../src/index.js';
import { discover, validateMetadata } from '../../../src/protocol.js';

const ISSUER = 'https://auth.example';

const metadataFor = (issuer: string, overrides: Record<string, unknown> = {}) => {
  const base = issuer.replace(/\/$/, '');
  const all: Record<string, unknown> = {
    issuer,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    jwks_uri: `${base}/jwks`,
    revocation_endpoint: `${base}/revoke`,
    end_session_endpoint: `${base}/logout`,
    userinfo_endpoint: `${base}/userinfo`,
    code_challenge_methods_supported: ['S256'],
    ...overrides,
  };
  for (const [name, value] of Object.entries(all)) if (value === undefined) delete all[name];
  return all;
};

/** A fetch serving `answer` for every URL, recording the requests. */
function server(answer: (url: string) => Response) {
  const calls: { url: string; init?: RequestInit }[] = [];
  const fetch: FetchLike = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    calls.push({ url, init });
    return answer(url);
  };
  return { fetch, calls };
}
const serving = (metadata: Record<string, unknown>) => server(() => Response.json(metadata));

async function refusal(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isPkceError(error, code as 'invalid_response'), String(error)).toBe(true);
  return error as Error;
}

describe('discover (OpenID Connect Discovery 1.0 §4)', () => {
  it('fetches {issuer}/.well-known/openid-configuration and returns the metadata', async () => {
    const { fetch, calls } = serving(metadataFor(ISSUER));
    const metadata = await discover(ISSUER, { fetch });
    expect(metadata).toMatchObject({ issuer: ISSUER, token_endpoint: `${ISSUER}/token` });
    expect(calls.map((c) => c.url)).toEqual([`${ISSUER}/.well-known/openid-configuration`]);
    expect(calls[0]!.init?.method ?? 'GET').toBe('GET');
    const headers = [...new Headers(calls[0]!.init?.headers).keys()];
    expect(headers.every((name) => name.toLowerCase() === 'accept')).toBe(true);
  });

  it('appends the well-known path after the issuer path', async () => {
    const issuer = 'https://auth.example/realms/acme';
    const { fetch, calls } = serving(metadataFor(issuer));
    await discover(issuer, { fetch });
    expect(calls[0]!.url).toBe('https://auth.example/realms/acme/.well-known/openid-configuration');
  });

  it('removes the trailing slash of the issuer before appending', async () => {
    const issuer = 'https://auth.example/tenant/';
    const { fetch, calls } = serving(metadataFor(issuer));
    expect((await discover(issuer, { fetch })).issuer).toBe(issuer);
    expect(calls[0]!.url).toBe('https://auth.example/tenant/.well-known/openid-configuration');
  });

  it('refuses a document for another issuer with invalid_issuer', async () => {
    const { fetch, calls } = serving(metadataFor('https://evil.example'));
    const error = await refusal(discover(ISSUER, { fetch }), 'invalid_issuer');
    expect(error).toBeInstanceOf(ValidationError);
    expect(calls).toHaveLength(1);
  });

  it.each([
    ['a trailing slash the configuration lacks', ISSUER, `${ISSUER}/`],
    ['no trailing slash where the configuration has one', `${ISSUER}/`, ISSUER],
    ['another case', ISSUER, 'https://Auth.example'],
    ['another path', `${ISSUER}/a`, `${ISSUER}/b`],
    ['no issuer at all', ISSUER, undefined],
  ])('refuses an issuer that differs by %s', async (_, configured, served) => {
    const { fetch } = serving({ ...metadataFor(configured), issuer: served });
    await refusal(discover(configured, { fetch }), 'invalid_issuer');
  });

  // userinfo_endpoint included: fetchUserInfo sends the access token there.
  it.each(['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'revocation_endpoint', 'end_session_endpoint', 'userinfo_endpoint'])(
    'refuses an http: %s on a non-loopback host with invalid_response',
    async (name) => {
      const { fetch } = serving(metadataFor(ISSUER, { [name]: `http://auth.example/${name}` }));
      await refusal(discover(ISSUER, { fetch }), 'invalid_response');
    },
  );

  it.each(['http://localhost:8080', 'http://127.0.0.1:8080', 'http://[::1]:8080', 'http://localhost'])(
    'accepts http: endpoints on loopback (%s)',
    async (issuer) => {
      const { fetch, calls } = serving(metadataFor(issuer));
      expect((await discover(issuer, { fetch })).token_endpoint).toBe(`${issuer}/token`);
      expect(calls[0]!.url).toBe(`${issuer}/.well-known/openid-configuration`);
    },
  );

  it.each(['http://localhost.evil.example', 'http://127.0.0.1.evil.example', 'http://10.0.0.1', 'ftp://auth.example', 'javascript:alert(1)'])(
    'refuses endpoints at %s',
    async (origin) => {
      const { fetch } = serving(metadataFor(ISSUER, { token_endpoint: `${origin}/token` }));
      await refusal(discover(ISSUER, { fetch }), 'invalid_response');
    },
  );

  it.each(['authorization_endpoint', 'token_endpoint'])('refuses a document without %s', async (name) => {
    const { fetch } = serving(metadataFor(ISSUER, { [name]: undefined }));
    await refusal(discover(ISSUER, { fetch }), 'invalid_response');
  });

  it('refuses an endpoint that is not a URL', async () => {
    const { fetch } = serving(metadataFor(ISSUER, { token_endpoint: '/token' }));
    await refusal(discover(ISSUER, { fetch }), 'invalid_response');
    const other = serving(metadataFor(ISSUER, { token_endpoint: 42 }));
    await refusal(discover(ISSUER, { fetch: other.fetch }), 'invalid_response');
  });

  it('accepts a document without the optional endpoints', async () => {
    const { fetch } = serving(
      metadataFor(ISSUER, { jwks_uri: undefined, revocation_endpoint: undefined, end_session_endpoint: undefined, userinfo_endpoint: undefined }),
    );
    expect((await discover(ISSUER, { fetch })).jwks_uri).toBeUndefined();
  });

  it('refuses code_challenge_methods_supported without S256', async () => {
    for (const methods of [['plain'], [], ['s256']]) {
      const { fetch } = serving(metadataFor(ISSUER, { code_challenge_methods_supported: methods }));
      await refusal(discover(ISSUER, { fetch }), 'invalid_response');
    }
  });

  it('accepts a document without code_challenge_methods_supported', async () => {
    const { fetch } = serving(metadataFor(ISSUER, { code_challenge_methods_supported: undefined }));
    expect((await discover(ISSUER, { fetch })).issuer).toBe(ISSUER);
  });

  it('refuses a 200 that is not JSON', async () => {
    const { fetch } = server(() => new Response('<html>login</html>', { headers: { 'content-type': 'text/html' } }));
    await refusal(discover(ISSUER, { fetch }), 'invalid_response');
  });

  it('refuses malformed JSON and a JSON array', async () => {
    const malformed = server(() => new Response('{"issuer":', { headers: { 'content-type': 'application/json' } }));
    await refusal(discover(ISSUER, { fetch: malformed.fetch }), 'invalid_response');
    const array = server(() => Response.json([metadataFor(ISSUER)]));
    await refusal(discover(ISSUER, { fetch: array.fetch }), 'invalid_response');
  });

  it.each([404, 500, 302])('refuses HTTP %i with invalid_response', async (status) => {
    const { fetch } = server(() => Response.json(metadataFor(ISSUER), { status }));
    await refusal(discover(ISSUER, { fetch }), 'invalid_response');
  });

  it('turns a network failure into NetworkError', async () => {
    const fetch: FetchLike = () => Promise.reject(new TypeError('Failed to fetch'));
    const error = await refusal(discover(ISSUER, { fetch }), 'network_error');
    expect(error).toBeInstanceOf(NetworkError);
  });
});

describe('validateMetadata', () => {
  it('returns metadata that passes', () => {
    const metadata = metadataFor(ISSUER, { authorization_response_iss_parameter_supported: true });
    expect(validateMetadata(ISSUER, metadata)).toEqual(metadata);
  });

  it('refuses an issuer mismatch synchronously', () => {
    expect(() => validateMetadata(ISSUER, metadataFor(`${ISSUER}/`))).toThrow(ValidationError);
  });
});
