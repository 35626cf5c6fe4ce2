// @vitest-environment node
// Server-side rendering imports the SDK where there is no window, location or storage:
// importing it, and creating a client, must not touch any of them.
import { describe, expect, it } from 'vitest';

describe('src/index.ts', () => {
  it('imports and creates a client with no browser globals and without any request', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    expect(typeof (globalThis as { location?: unknown }).location).toBe('undefined');
    const sdk = await import('../../src/index.js');
    const requests: unknown[] = [];
    const auth = sdk.createPkceClient({
      issuer: 'https://auth.example',
      clientId: 'spa',
      redirectUri: 'https://app.example/callback',
      fetch: async (...args) => {
        requests.push(args);
        return new Response(null, { status: 500 });
      },
    });
    expect(auth.isAuthenticated()).toBe(false);
    expect(requests).toHaveLength(0);
  });

  it('exports the protocol functions, the client and the error classes', async () => {
    const sdk = await import('../../src/index.js');
    for (const name of [
      'createPkceClient',
      'generateCodeVerifier',
      'computeCodeChallenge',
      'randomToken',
      'buildAuthorizationUrl',
      'parseCallback',
      'isCallbackUrl',
      'exchangeCode',
      'refreshTokens',
      'revokeToken',
      'processTokenResponse',
      'validateIdToken',
      'checkRefreshedIdToken',
      'discover',
      'validateMetadata',
      'fetchUserInfo',
      'memoryTokenStore',
      'webStorageTokenStore',
      'PkceError',
      'ConfigError',
      'OAuthError',
      'ValidationError',
      'NetworkError',
      'LoginRequiredError',
      'isPkceError',
    ]) {
      expect(typeof (sdk as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});
