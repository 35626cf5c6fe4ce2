import { describe, expect, it } from 'vitest';
import { ConfigError, isPkceError, OAuthError, ValidationError, type FetchLike } from '../../../src/index.js';
import { exchangeCode, isCallbackUrl, parseCallback, type AuthorizationCode } from '../../../src/protocol.js';

const ISSUER = 'https://auth.example';
const STATE = 'the-state-123';
const CODE = 'SplxlOBeZQQYbYS6WxSbIA-the-code';
const expected = { state: STATE, issuer: ISSUER };
const callback = (query: Record<string, string>) =>
  `https://app.example/callback?${new URLSearchParams(query).toString()}`;

/** What parseCallback threw; fails the test when it returned. */
function refusal(url: string, against = expected): Error {
  try {
    parseCallback(url, against);
  } catch (error) {
    expect(isPkceError(error), String(error)).toBe(true);
    // An authorization code never appears in an error.
    expect((error as Error).message).not.toContain(CODE);
    expect(String(error)).not.toContain(CODE);
    return error as Error;
  }
  throw new Error(`parseCallback accepted ${url}`);
}

describe('isCallbackUrl', () => {
  it.each([
    ['code and state', '?code=abc&state=xyz', true],
    ['error and state', '?error=access_denied&state=xyz', true],
    ['code, state and iss', '?code=abc&state=xyz&iss=https%3A%2F%2Fauth.example', true],
    ['code alone', '?code=abc', false],
    ['state alone', '?state=xyz', false],
    ['error alone', '?error=access_denied', false],
    ['no parameter', '', false],
    ['other parameters', '?page=2&sort=asc', false],
    ['code and state in the fragment only', '#code=abc&state=xyz', false],
  ])('%s → %s', (_, suffix, result) => {
    expect(isCallbackUrl(`https://app.example/callback${suffix}`)).toBe(result);
    expect(isCallbackUrl(new URL(`https://app.example/callback${suffix}`))).toBe(result);
  });
});

describe('parseCallback: state (RFC 9700 §2.1)', () => {
  it('returns the code when state and iss match', () => {
    expect(parseCallback(callback({ code: CODE, state: STATE, iss: ISSUER }), expected)).toEqual({ code: CODE });
    expect(parseCallback(new URL(callback({ code: CODE, state: STATE, iss: ISSUER })), expected).code).toBe(CODE);
  });

  it('refuses a missing state with invalid_state', () => {
    const error = refusal(callback({ code: CODE, iss: ISSUER }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'invalid_state' });
  });

  it('refuses a different state with invalid_state', () => {
    expect(refusal(callback({ code: CODE, state: 'forged', iss: ISSUER }))).toMatchObject({ code: 'invalid_state' });
    expect(refusal(callback({ code: CODE, state: '', iss: ISSUER }))).toMatchObject({ code: 'invalid_state' });
    expect(refusal(callback({ code: CODE, state: STATE.toUpperCase(), iss: ISSUER }))).toMatchObject({ code: 'invalid_state' });
  });

  it('checks state before anything else, even on an error response', () => {
    expect(refusal(callback({ error: 'access_denied', state: 'forged', iss: ISSUER }))).toMatchObject({ code: 'invalid_state' });
    expect(refusal(callback({ code: CODE, state: 'forged', iss: 'https://evil.example' }))).toMatchObject({ code: 'invalid_state' });
  });
});

describe('parseCallback: iss (RFC 9207 §2.4)', () => {
  it('refuses an iss that is not the issuer with invalid_issuer', () => {
    for (const iss of ['https://evil.example', `${ISSUER}/`, 'https://AUTH.example', `${ISSUER}/x`, '']) {
      const error = refusal(callback({ code: CODE, state: STATE, iss }));
      expect(error, iss).toBeInstanceOf(ValidationError);
      expect(error, iss).toMatchObject({ code: 'invalid_issuer' });
    }
  });

  it('URL-decodes iss and compares it exactly', () => {
    const issuer = 'https://auth.example/realms/my realm';
    const url = `https://app.example/callback?code=${CODE}&state=${STATE}&iss=${encodeURIComponent(issuer)}`;
    expect(url).toContain('iss=https%3A%2F%2Fauth.example%2Frealms%2Fmy%20realm');
    expect(parseCallback(url, { state: STATE, issuer }).code).toBe(CODE);
    // Still encoded is not the same string.
    expect(refusal(url, { state: STATE, issuer: encodeURIComponent(issuer) })).toMatchObject({ code: 'invalid_issuer' });
  });

  it('refuses a missing iss when the server sends it in every response', () => {
    expect(refusal(callback({ code: CODE, state: STATE }), { ...expected, issRequired: true } as typeof expected)).toMatchObject({
      code: 'invalid_issuer',
    });
  });

  it('accepts a missing iss from a server that does not promise it', () => {
    expect(parseCallback(callback({ code: CODE, state: STATE }), expected).code).toBe(CODE);
    expect(parseCallback(callback({ code: CODE, state: STATE }), { ...expected, issRequired: false }).code).toBe(CODE);
  });

  it('checks iss on an error response before reporting the error', () => {
    const error = refusal(callback({ error: 'access_denied', state: STATE, iss: 'https://evil.example' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'invalid_issuer' });
    expect(error).not.toBeInstanceOf(OAuthError);
  });
});

describe('parseCallback: repeated parameters (RFC 6749 §3.1)', () => {
  // "Request and response parameters MUST NOT be included more than once": reading only the
  // first of two iss (or state) values would let a second, attacker-chosen one go unnoticed.
  it.each([
    ['iss', `code=${CODE}&state=${STATE}&iss=${encodeURIComponent(ISSUER)}&iss=https%3A%2F%2Fevil.example`],
    ['state', `code=${CODE}&state=${STATE}&state=other&iss=${encodeURIComponent(ISSUER)}`],
    ['code', `code=${CODE}&code=other&state=${STATE}&iss=${encodeURIComponent(ISSUER)}`],
  ])('refuses a response with %s twice', (_, query) => {
    const error = refusal(`https://app.example/callback?${query}`);
    expect(error).toBeInstanceOf(ValidationError);
  });
});

describe('parseCallback: error responses (RFC 6749 §4.1.2.1)', () => {
  it('turns an error response into an OAuthError keeping error, error_description and error_uri', () => {
    const error = refusal(
      callback({
        error: 'access_denied',
        error_description: 'The user cancelled',
        error_uri: 'https://auth.example/help/denied',
        state: STATE,
        iss: ISSUER,
      }),
    );
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({
      code: 'oauth_error',
      error: 'access_denied',
      errorDescription: 'The user cancelled',
      errorUri: 'https://auth.example/help/denied',
    });
    expect((error as OAuthError).status).toBeUndefined();
  });

  it('keeps an error without description', () => {
    const error = refusal(callback({ error: 'login_required', state: STATE, iss: ISSUER }));
    expect(error).toMatchObject({ code: 'oauth_error', error: 'login_required' });
    expect((error as OAuthError).errorDescription).toBeUndefined();
    expect((error as OAuthError).errorUri).toBeUndefined();
  });

  it('reports the error even when a code came along', () => {
    expect(refusal(callback({ error: 'server_error', code: CODE, state: STATE, iss: ISSUER }))).toMatchObject({
      code: 'oauth_error',
      error: 'server_error',
    });
  });
});

describe('parseCallback: the code', () => {
  it('refuses a response without code with invalid_response', () => {
    expect(refusal(callback({ state: STATE, iss: ISSUER }))).toMatchObject({ code: 'invalid_response' });
    expect(refusal(callback({ code: '', state: STATE, iss: ISSUER }))).toMatchObject({ code: 'invalid_response' });
  });

  it('puts neither code nor state in any error message', () => {
    for (const url of [
      callback({ code: CODE, state: 'forged' }),
      callback({ code: CODE, state: STATE, iss: 'https://evil.example' }),
      callback({ code: CODE, state: STATE }),
    ]) {
      const error = refusal(url, { ...expected, issRequired: true } as typeof expected);
      expect(String(error)).not.toContain(STATE);
    }
  });
});

describe('exchangeCode accepts only codes that went through parseCallback', () => {
  const requests: unknown[] = [];
  const recordingFetch: FetchLike = async (...args) => {
    requests.push(args);
    return Response.json({ access_token: 'at', token_type: 'Bearer' });
  };
  const options = (code: AuthorizationCode) => ({
    tokenEndpoint: 'https://auth.example/token',
    clientId: 'spa',
    redirectUri: 'https://app.example/callback',
    codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    code,
    fetch: recordingFetch,
  });
  /** The refusal, whether it is thrown at once or as a rejected promise. */
  const outcome = async (run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it.each([
    ['a hand-made object', () => ({ code: CODE })],
    ['a copy of a checked code', () => ({ ...parseCallback(callback({ code: CODE, state: STATE, iss: ISSUER }), expected) })],
    ['a frozen look-alike', () => Object.freeze({ code: CODE })],
  ])('refuses %s with ConfigError and sends no request', async (_, make) => {
    requests.length = 0;
    const error = await outcome(() => exchangeCode(options(make())));
    expect(error).toBeInstanceOf(ConfigError);
    expect(isPkceError(error, 'invalid_config')).toBe(true);
    expect((error as Error).message).toContain('code');
    expect(String(error)).not.toContain(CODE);
    expect(requests).toHaveLength(0);
  });

  it('reports the refusal as a rejected promise, like every other failure of exchangeCode', async () => {
    requests.length = 0;
    let result: Promise<unknown> | undefined;
    expect(() => {
      result = exchangeCode(options({ code: CODE }));
    }).not.toThrow();
    await expect(result).rejects.toBeInstanceOf(ConfigError);
    expect(requests).toHaveLength(0);
  });

  it('accepts the object parseCallback returned', async () => {
    requests.length = 0;
    const code = parseCallback(callback({ code: CODE, state: STATE, iss: ISSUER }), expected);
    await expect(exchangeCode(options(code))).resolves.toMatchObject({ access_token: 'at' });
    expect(requests).toHaveLength(1);
  });
});
