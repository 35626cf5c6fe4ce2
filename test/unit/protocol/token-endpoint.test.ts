import { describe, expect, it } from 'vitest';
import { isPkceError, NetworkError, OAuthError, ValidationError, type FetchLike } from '../../../src/index.js';
import { exchangeCode, parseCallback, processTokenResponse, refreshTokens, revokeToken } from '../../../src/protocol.js';

const TOKEN_ENDPOINT = 'https://auth.example/token';
const ACCESS_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.access-token-secret.sig';
const REFRESH_TOKEN = 'refresh-token-secret-8xLOxBtZp8';
const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.id-token-secret.sig';
const CODE = 'SplxlOBeZQQYbYS6WxSbIA-code';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const SECRETS = [ACCESS_TOKEN, REFRESH_TOKEN, ID_TOKEN, CODE, VERIFIER];

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const good = (extra: Record<string, unknown> = {}) => ({ access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600, ...extra });

/** The error a promise rejected with; fails when it resolved. Checks no secret leaked into it. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e as Error,
  );
  expect(isPkceError(error), String(error)).toBe(true);
  for (const secret of SECRETS) {
    expect(error.message).not.toContain(secret);
    expect(String(error)).not.toContain(secret);
  }
  return error;
}

/** A fetch that records what it was asked and answers with `answer`. */
function recorder(answer: () => Response | Promise<Response> = () => json(good())) {
  const calls: { url: string; init: RequestInit; request: Request }[] = [];
  const fetch: FetchLike = async (input, init = {}) => {
    calls.push({ url: String(input instanceof Request ? input.url : input), init, request: new Request(input, init) });
    return answer();
  };
  return { fetch, calls };
}

/** A code exchange with the usual values; `options` adds or overrides (fetch, resource, timeout). */
const exchange = (options: Partial<Parameters<typeof exchangeCode>[0]>) =>
  exchangeCode({
    tokenEndpoint: TOKEN_ENDPOINT,
    clientId: 'spa',
    redirectUri: 'https://app.example/callback',
    code: checkedCode(),
    codeVerifier: VERIFIER,
    ...options,
  });

const checkedCode = () =>
  parseCallback(`https://app.example/callback?code=${CODE}&state=s&iss=${encodeURIComponent('https://auth.example')}`, {
    state: 's',
    issuer: 'https://auth.example',
  });

// CORS-safelisted request headers (Fetch §2.2.2): a request with only these needs no preflight.
const safelisted = ['accept', 'accept-language', 'content-language', 'content-type'];

/** Checks a recorded token request: POST, form-encoded body, no header that triggers a preflight. */
async function formOf(call: { url: string; init: RequestInit; request: Request }): Promise<URLSearchParams> {
  expect(call.request.method).toBe('POST');
  expect(call.request.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
  const names = [...new Headers(call.init.headers).keys()];
  for (const name of names) expect(safelisted, `header ${name}`).toContain(name.toLowerCase());
  expect(names.filter((n) => n.toLowerCase() !== 'accept' && n.toLowerCase() !== 'content-type')).toEqual([]);
  expect(call.request.headers.has('authorization')).toBe(false);
  expect(call.request.credentials).not.toBe('include');
  return new URLSearchParams(await call.request.text());
}

describe('processTokenResponse (RFC 6749 §5.1)', () => {
  it('returns the checked body', async () => {
    const body = good({ refresh_token: REFRESH_TOKEN, id_token: ID_TOKEN, scope: 'openid profile', extra: 1 });
    expect(await processTokenResponse(json(body))).toEqual(body);
  });

  it.each(['Bearer', 'bearer', 'bEARER', 'BEARER'])('accepts token_type %s (compared case-insensitively)', async (tokenType) => {
    expect((await processTokenResponse(json(good({ token_type: tokenType })))).access_token).toBe(ACCESS_TOKEN);
  });

  it.each([
    ['DPoP', 'DPoP'],
    ['MAC', 'mac'],
    ['missing', undefined],
    ['empty', ''],
    ['not a string', 1],
    ['Bearer with spaces', ' Bearer '],
  ])('refuses token_type %s with invalid_response', async (_, tokenType) => {
    const error = await rejection(processTokenResponse(json(good({ token_type: tokenType }))));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'invalid_response' });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['a number', 42],
    ['null', null],
  ])('refuses an access_token that is %s', async (_, accessToken) => {
    expect(await rejection(processTokenResponse(json(good({ access_token: accessToken }))))).toMatchObject({
      code: 'invalid_response',
    });
  });

  it('accepts a response without expires_in, and 0', async () => {
    const { expires_in: _, ...body } = good();
    expect((await processTokenResponse(json(body))).expires_in).toBeUndefined();
    expect((await processTokenResponse(json(good({ expires_in: 0 })))).expires_in).toBe(0);
  });

  it('reads expires_in sent as a string of digits, as Azure AD B2C and v1 do ("3599")', async () => {
    const response = new Response(`{"access_token":"${ACCESS_TOKEN}","token_type":"Bearer","expires_in":"3599"}`, {
      headers: { 'content-type': 'application/json' },
    });
    expect((await processTokenResponse(response)).expires_in).toBe(3599);
  });

  it.each([
    ['a string with a unit "3600s"', '"3600s"'],
    ['a string with a sign "-1"', '"-1"'],
    ['a string in exponent form "1e3"', '"1e3"'],
    ['a string with spaces " 3600"', '" 3600"'],
    ['an empty string', '""'],
    ['negative', '-1'],
    ['Infinity (1e400)', '1e400'],
    ['null', 'null'],
    ['the string "NaN"', '"NaN"'],
    ['an object', '{}'],
    ['a boolean', 'true'],
  ])('refuses expires_in that is %s', async (_, raw) => {
    const response = new Response(`{"access_token":"${ACCESS_TOKEN}","token_type":"Bearer","expires_in":${raw}}`, {
      headers: { 'content-type': 'application/json' },
    });
    expect(await rejection(processTokenResponse(response))).toMatchObject({ code: 'invalid_response' });
  });

  it.each(['refresh_token', 'id_token', 'scope'])('refuses a %s that is not a string', async (name) => {
    for (const value of [1, null, ['a'], { a: 1 }, true]) {
      expect(await rejection(processTokenResponse(json(good({ [name]: value }))))).toMatchObject({ code: 'invalid_response' });
    }
  });

  it('refuses a 200 that is not JSON (an HTML page)', async () => {
    const response = new Response(`<html>${ACCESS_TOKEN}</html>`, { headers: { 'content-type': 'text/html' } });
    expect(await rejection(processTokenResponse(response))).toMatchObject({ code: 'invalid_response' });
  });

  it('refuses a 200 with JSON in it but no JSON content-type', async () => {
    const response = new Response(JSON.stringify(good()), { headers: { 'content-type': 'text/plain' } });
    expect(await rejection(processTokenResponse(response))).toMatchObject({ code: 'invalid_response' });
  });

  it('refuses malformed JSON', async () => {
    const response = new Response(`{"access_token":"${ACCESS_TOKEN}",`, { headers: { 'content-type': 'application/json' } });
    const error = await rejection(processTokenResponse(response));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'invalid_response' });
  });

  it.each([
    ['an array', '[1,2]'],
    ['a string', '"token"'],
    ['null', 'null'],
  ])('refuses a JSON body that is %s', async (_, raw) => {
    const response = new Response(raw, { headers: { 'content-type': 'application/json' } });
    expect(await rejection(processTokenResponse(response))).toMatchObject({ code: 'invalid_response' });
  });

  it('turns a 400 error body into an OAuthError with its fields and status (RFC 6749 §5.2)', async () => {
    const error = await rejection(
      processTokenResponse(
        json(
          { error: 'invalid_grant', error_description: 'The code was already used', error_uri: 'https://auth.example/errors#grant' },
          400,
        ),
      ),
    );
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({
      code: 'oauth_error',
      error: 'invalid_grant',
      errorDescription: 'The code was already used',
      errorUri: 'https://auth.example/errors#grant',
      status: 400,
    });
  });

  it('turns a 401 invalid_client into an OAuthError with status 401', async () => {
    const error = await rejection(processTokenResponse(json({ error: 'invalid_client' }, 401, { 'www-authenticate': 'Basic' })));
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'oauth_error', error: 'invalid_client', status: 401 });
    expect((error as OAuthError).errorDescription).toBeUndefined();
  });

  it('refuses a 500 that is not JSON with invalid_response', async () => {
    const error = await rejection(processTokenResponse(new Response('<h1>Internal error</h1>', { status: 500, headers: { 'content-type': 'text/html' } })));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'invalid_response' });
  });

  it('refuses a non-2xx JSON body without error with invalid_response', async () => {
    expect(await rejection(processTokenResponse(json({ message: 'nope' }, 502)))).toMatchObject({ code: 'invalid_response' });
  });

  it('refuses a 4xx with malformed JSON with invalid_response', async () => {
    const response = new Response('{"error":', { status: 400, headers: { 'content-type': 'application/json' } });
    expect(await rejection(processTokenResponse(response))).toMatchObject({ code: 'invalid_response' });
  });
});

describe('exchangeCode (RFC 6749 §4.1.3, RFC 7636 §4.5)', () => {
  it('POSTs the code, the verifier, the redirect URI and the client id as a form, CORS-simple', async () => {
    const { fetch, calls } = recorder();
    const tokens = await exchange({ fetch });
    expect(tokens.access_token).toBe(ACCESS_TOKEN);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(TOKEN_ENDPOINT);
    const form = await formOf(calls[0]!);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'authorization_code',
      code: CODE,
      code_verifier: VERIFIER,
      redirect_uri: 'https://app.example/callback',
      client_id: 'spa',
    });
    expect(form.has('client_secret')).toBe(false);
  });

  it('repeats resource for each API (RFC 8707)', async () => {
    const { fetch, calls } = recorder();
    await exchange({ resource: ['https://api.example', 'https://files.example'], fetch });
    expect((await formOf(calls[0]!)).getAll('resource')).toEqual(['https://api.example', 'https://files.example']);
  });

  it('keeps secrets out of the error when the server refuses the code', async () => {
    const { fetch } = recorder(() => json({ error: 'invalid_grant', error_description: 'PKCE verification failed' }, 400));
    const error = await rejection(
      exchange({ fetch }),
    );
    expect(error).toMatchObject({ code: 'oauth_error', error: 'invalid_grant', status: 400 });
  });
});

describe('refreshTokens (RFC 6749 §6)', () => {
  it('POSTs grant_type, refresh_token, client_id and the resources as a form', async () => {
    const { fetch, calls } = recorder(() => json(good({ refresh_token: 'rotated' })));
    const tokens = await refreshTokens({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'spa',
      refreshToken: REFRESH_TOKEN,
      resource: 'https://api.example',
      fetch,
    });
    expect(tokens.refresh_token).toBe('rotated');
    const form = await formOf(calls[0]!);
    expect(form.get('grant_type')).toBe('refresh_token');
    expect(form.get('refresh_token')).toBe(REFRESH_TOKEN);
    expect(form.get('client_id')).toBe('spa');
    expect(form.getAll('resource')).toEqual(['https://api.example']);
    expect(form.has('scope')).toBe(false);
  });

  it('sends scope only when given', async () => {
    const { fetch, calls } = recorder();
    await refreshTokens({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', refreshToken: REFRESH_TOKEN, scope: 'openid read', fetch });
    expect((await formOf(calls[0]!)).get('scope')).toBe('openid read');
  });

  it('reports invalid_grant as an OAuthError without the refresh token in it', async () => {
    const { fetch } = recorder(() => json({ error: 'invalid_grant', error_description: 'refresh token expired' }, 400));
    const error = await rejection(refreshTokens({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', refreshToken: REFRESH_TOKEN, fetch }));
    expect(error).toMatchObject({ code: 'oauth_error', error: 'invalid_grant', status: 400 });
  });
});

describe('revokeToken (RFC 7009 §2.1)', () => {
  it('POSTs token, token_type_hint and client_id as a form, CORS-simple', async () => {
    const { fetch, calls } = recorder(() => new Response(null, { status: 200 }));
    await revokeToken({
      revocationEndpoint: 'https://auth.example/revoke',
      clientId: 'spa',
      token: REFRESH_TOKEN,
      tokenTypeHint: 'refresh_token',
      fetch,
    });
    expect(calls[0]!.url).toBe('https://auth.example/revoke');
    expect(Object.fromEntries(await formOf(calls[0]!))).toEqual({
      token: REFRESH_TOKEN,
      token_type_hint: 'refresh_token',
      client_id: 'spa',
    });
  });

  it('leaves token_type_hint out when none is given', async () => {
    const { fetch, calls } = recorder(() => new Response(null, { status: 200 }));
    await revokeToken({ revocationEndpoint: 'https://auth.example/revoke', clientId: 'spa', token: ACCESS_TOKEN, fetch });
    expect((await formOf(calls[0]!)).has('token_type_hint')).toBe(false);
  });

  it('throws on a 503, without the token in the error', async () => {
    const { fetch } = recorder(() => new Response('Service Unavailable', { status: 503 }));
    const error = await rejection(revokeToken({ revocationEndpoint: 'https://auth.example/revoke', clientId: 'spa', token: REFRESH_TOKEN, fetch }));
    expect(error).toMatchObject({ code: 'invalid_response' });
  });

  it('throws an OAuthError for an OAuth error body', async () => {
    const { fetch } = recorder(() => json({ error: 'unsupported_token_type' }, 400));
    const error = await rejection(revokeToken({ revocationEndpoint: 'https://auth.example/revoke', clientId: 'spa', token: REFRESH_TOKEN, fetch }));
    expect(error).toMatchObject({ code: 'oauth_error', error: 'unsupported_token_type', status: 400 });
  });
});

describe('transport failures', () => {
  it('turns a network TypeError into NetworkError network_error, keeping the cause', async () => {
    const failure = new TypeError('Failed to fetch');
    const fetch: FetchLike = () => Promise.reject(failure);
    const error = await rejection(refreshTokens({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', refreshToken: REFRESH_TOKEN, fetch }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'network_error' });
    expect(error.cause).toBe(failure);
  });

  it('abandons a request after `timeout` ms with NetworkError timeout', async () => {
    let signal: AbortSignal | undefined;
    const fetch: FetchLike = (_, init) =>
      new Promise((_resolve, reject) => {
        signal = init?.signal ?? undefined;
        signal?.addEventListener('abort', () => reject(signal!.reason));
      });
    const started = Date.now();
    const error = await rejection(
      exchange({ fetch, timeout: 20 }),
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'timeout' });
    expect(signal?.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('times out revocation too', async () => {
    const fetch: FetchLike = (_, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const error = await rejection(
      revokeToken({ revocationEndpoint: 'https://auth.example/revoke', clientId: 'spa', token: REFRESH_TOKEN, fetch, timeout: 20 }),
    );
    expect(error).toMatchObject({ code: 'timeout' });
  });

  it('passes a signal on every request even without a timeout option', async () => {
    const { fetch, calls } = recorder();
    await refreshTokens({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', refreshToken: REFRESH_TOKEN, fetch });
    expect(calls[0]!.init.signal).toBeDefined();
    expect(calls[0]!.init.signal?.aborted).toBe(false);
  });
});
