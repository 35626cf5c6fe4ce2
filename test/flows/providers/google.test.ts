// docs/providers.md "Google": why a pure SPA cannot sign in, and what works instead, against the
// Google profile (test/support/providers/google.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildAuthorizationUrl, computeCodeChallenge, generateCodeVerifier, randomToken } from '../../../src/protocol.js';
import { BFF_REDIRECT_URI, GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, GOOGLE_ISSUER, google } from '../../support/providers/google.js';
import { reachCallback, spa, type Recipe } from '../../support/providers/harness.js';
import { resetPage } from '../../support/flow.js';

/** The closest a pure SPA can get: every setting right, and still no tokens. */
const attempt: Recipe = {
  issuer: 'https://accounts.google.com',
  clientId: GOOGLE_CLIENT_ID,
  scope: 'openid profile email', // Google refuses offline_access
  authorizationParams: { access_type: 'offline' }, // Google's way to a refresh token
};

beforeEach(resetPage);
afterEach(resetPage);

describe('Google', () => {
  it('a pure SPA cannot sign in: the token endpoint demands client_secret even with PKCE', async () => {
    expect(attempt.issuer).toBe(GOOGLE_ISSUER);
    const server = await google();
    const page = spa(server, attempt);
    const { authorizeUrl } = await reachCallback(server, page);
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    const error = await page.auth.handleRedirect().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'oauth_error', error: 'invalid_request', errorDescription: 'client_secret is missing.', status: 400 });
    expect(page.auth.isAuthenticated()).toBe(false);
    expect(server.tokenRequests('authorization_code')).toHaveLength(1);
  });

  it('instead, a backend-for-frontend redeems the code with the secret (RFC 10017 §6.1) and keeps the tokens', async () => {
    const server = await google();
    // The backend starts the sign-in with its own redirect URI and PKCE, then redeems the code.
    const verifier = generateCodeVerifier();
    const authorize = buildAuthorizationUrl('https://accounts.google.com/o/oauth2/v2/auth', {
      clientId: GOOGLE_CLIENT_ID,
      redirectUri: BFF_REDIRECT_URI,
      scope: 'openid profile email',
      state: randomToken(),
      nonce: randomToken(),
      codeChallenge: await computeCodeChallenge(verifier),
      params: { access_type: 'offline' },
    });
    const code = new URL(server.authorize(authorize.href)).searchParams.get('code')!;
    const response = await server.serverFetch('https://oauth2.googleapis.com/token', {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: BFF_REDIRECT_URI,
        client_id: GOOGLE_CLIENT_ID,
        client_secret: GOOGLE_CLIENT_SECRET,
      }),
    });
    expect(response.status).toBe(200);
    expect(Object.keys((await response.json()) as object).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
  });
});
