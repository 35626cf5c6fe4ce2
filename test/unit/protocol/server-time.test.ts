import { describe, expect, it } from 'vitest';
import { serverClockOffset } from '../../../src/protocol/server-time.js';

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: object) => `${part({ alg: 'RS256' })}.${part(claims)}.c2ln`;
const receivedAt = 1_800_000_000_000;

describe('serverClockOffset', () => {
  it("reads the server's clock from the JWT access token's iat (new with every response), else the ID token's", () => {
    expect(serverClockOffset({ id_token: jwt({ iat: 1 }), access_token: jwt({ iat: 1_800_000_300 }) }, receivedAt)).toBe(300_000);
    expect(serverClockOffset({ id_token: jwt({ iat: 1_799_999_700 }), access_token: 'opaque-2YotnFZFEjr1zCsicMWpAA' }, receivedAt)).toBe(-300_000);
  });

  it("ignores an ID token no newer than the session's (a server that hands the sign-in's back on refresh)", () => {
    const cached = { id_token: jwt({ iat: 1_799_998_200 }), access_token: 'opaque' };
    expect(serverClockOffset(cached, receivedAt, 1_799_998_200)).toBeUndefined();
    expect(serverClockOffset(cached, receivedAt, 1_799_998_000)).toBe(-1_800_000);
  });

  it('ignores an iat more than 2 hours away: more likely wrong than the device', () => {
    expect(serverClockOffset({ access_token: jwt({ iat: 1_800_000_000 - 86_400 }) }, receivedAt)).toBeUndefined();
    expect(serverClockOffset({ access_token: jwt({ iat: 1_800_000_000 + 7_000 }) }, receivedAt)).toBe(7_000_000);
  });

  it('says 0 within 5 s (the rounding of iat and the round trip), undefined when no token has an iat', () => {
    expect(serverClockOffset({ access_token: jwt({ iat: 1_799_999_996 }) }, receivedAt)).toBe(0);
    expect(serverClockOffset({ access_token: 'opaque-2YotnFZFEjr1zCsicMWpAA' }, receivedAt)).toBeUndefined();
    expect(serverClockOffset({ access_token: jwt({ iat: '1800000000' }) }, receivedAt)).toBeUndefined();
    expect(serverClockOffset({ access_token: 'a.%%%.c' }, receivedAt)).toBeUndefined();
  });
});
