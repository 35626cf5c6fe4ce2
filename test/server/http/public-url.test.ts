import { describe, expect, it } from 'vitest';
import { joinUrl } from '../../../src/server/http/public-url.js';

describe('joinUrl', () => {
  it('appends the path the server sees to the public URL, with one slash between', () => {
    expect(joinUrl('https://api.example.com', '/things?x=1')).toBe('https://api.example.com/things?x=1');
    expect(joinUrl('https://example.com/api/', '/things')).toBe('https://example.com/api/things');
    expect(joinUrl('https://example.com/api', 'things')).toBe('https://example.com/api/things');
  });
});
