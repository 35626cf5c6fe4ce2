import { describe, expect, it } from 'vitest';
import { serverClockOffset } from '../../../src/protocol/server-time.js';

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: object) => `${part({ alg: 'RS256' })}.${part(claims)}.c2ln`;
const receivedAt = 1_800_000_000_000;

describe('serverClockOffset', () => {
  it("reads the server's clock from the ID token's iat, else the JWT access token's", () => {
    expect(serverClockOffset({ id_token: jwt({ iat: 1_800_000_300 }), access_token: jwt({ iat: 1 }) }, receivedAt)).toBe(300_000);
    expect(serverClockOffset({ access_token: jwt({ iat: 1_799_999_700 }) }, receivedAt)).toBe(-300_000);
  });

  it('says 0 within 5 s (the rounding of iat and the round trip), undefined when no token has an iat', () => {
    expect(serverClockOffset({ access_token: jwt({ iat: 1_799_999_996 }) }, receivedAt)).toBe(0);
    expect(serverClockOffset({ access_token: 'opaque-2YotnFZFEjr1zCsicMWpAA' }, receivedAt)).toBeUndefined();
    expect(serverClockOffset({ access_token: jwt({ iat: '1800000000' }) }, receivedAt)).toBeUndefined();
    expect(serverClockOffset({ access_token: 'a.%%%.c' }, receivedAt)).toBeUndefined();
  });
});
