import { describe, expect, it } from 'vitest';
import { refuseClaims } from '../../../src/server/verifier/token-claims.js';

const now = 1_800_000_000;

describe('refuseClaims', () => {
  const rules = { clientIds: undefined, clockTolerance: 5 };

  it('iat: up to clockTolerance ahead, absent, or past passes; further ahead is refused', () => {
    for (const iat of [undefined, now - 3600, now, now + 5]) expect(refuseClaims({ iat }, rules, now)).toBeUndefined();
    expect(refuseClaims({ iat: now + 6 }, rules, now)).toBe('The access token is issued in the future (iat)');
    expect(refuseClaims({ iat: now + 365 * 86_400 }, rules, now)).toBe('The access token is issued in the future (iat)');
  });

  it('clientId: a client_id among those accepted, and no aud', () => {
    const cognito = { clientIds: ['app-1', 'app-2'], clockTolerance: 5 };
    expect(refuseClaims({ client_id: 'app-2' }, cognito, now)).toBeUndefined();
    expect(refuseClaims({ client_id: 'app-3' }, cognito, now)).toBe('The access token was issued to another client');
    expect(refuseClaims({ client_id: 7 }, cognito, now)).toBe('The access token was issued to another client');
    expect(refuseClaims({}, cognito, now)).toBe('The access token has no client_id claim');
    expect(refuseClaims({ client_id: 'app-1', aud: 'app-1' }, cognito, now)).toBe(
      'The access token has an aud claim: it is meant for an audience, not checked by client_id',
    );
  });
});
