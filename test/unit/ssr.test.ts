// @vitest-environment node
// In Node (server-side rendering, a script), the calls that need a page fail with a typed error
// that says so, not with a ReferenceError on `location` (issue 10 item 4). Creating the client and
// reading its state need no page.
import { describe, expect, it } from 'vitest';
import { createPkceClient, isPkceError } from '../../src/index.js';

const auth = () => createPkceClient({ issuer: 'https://auth.example', clientId: 'spa', redirectUri: 'https://app.example/callback' });

describe('outside a browser', () => {
  it('creating a client and reading its state work', () => {
    const client = auth();
    expect(client.isAuthenticated()).toBe(false);
    expect(client.user).toBeUndefined();
    expect(client.hadSession()).toBe(false);
  });

  for (const call of ['handleRedirect', 'login', 'logout', 'restoreSession', 'loginWithPopup'] as const) {
    it(`${call}() rejects with a ConfigError that names the call and the reason`, async () => {
      const error = await (auth()[call] as () => Promise<unknown>)().catch((e: unknown) => e);
      expect(isPkceError(error, 'invalid_config')).toBe(true);
      expect((error as Error).message).toContain(`${call}()`);
      expect((error as Error).message).toContain('browser');
    });
  }
});
