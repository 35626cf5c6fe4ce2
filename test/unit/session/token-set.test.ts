import { afterEach, describe, expect, it } from 'vitest';
import { refreshTime } from '../../../src/session/token-set.js';

describe('refreshTime', () => {
  const now = 1_700_000_000_000;

  it('is leeway seconds before expiry', () => {
    expect(refreshTime(now, 3600, 60)).toBe(now + 3540_000);
    expect(refreshTime(now, 300, 60)).toBe(now + 240_000);
  });

  it('is never earlier than half the lifetime', () => {
    expect(refreshTime(now, 100, 60)).toBe(now + 50_000);
    expect(refreshTime(now, 60, 60)).toBe(now + 30_000);
    expect(refreshTime(now, 30, 60)).toBe(now + 15_000);
    expect(refreshTime(now, 10, 0)).toBe(now + 10_000);
  });

  it('is now for a token that is already expired', () => {
    expect(refreshTime(now, 0, 60)).toBe(now);
  });

  it('is never after expiry', () => {
    for (const [expiresIn, leeway] of [
      [1, 0],
      [1, 600],
      [86400, 60],
      [120, 119],
    ] as const) {
      const at = refreshTime(now, expiresIn, leeway);
      expect(at).toBeLessThanOrEqual(now + expiresIn * 1000);
      expect(at).toBeGreaterThanOrEqual(now + (expiresIn * 1000) / 2);
    }
  });
});
