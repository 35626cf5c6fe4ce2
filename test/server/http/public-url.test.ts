import { describe, expect, it } from 'vitest';
import { joinUrl, publicRequestUrls } from '../../../src/server/http/public-url.js';

describe('joinUrl', () => {
  it('appends the path the server sees to the public URL, with one slash between', () => {
    expect(joinUrl('https://api.example.com', '/things?x=1')).toBe('https://api.example.com/things?x=1');
    expect(joinUrl('https://example.com/api/', '/things')).toBe('https://example.com/api/things');
    expect(joinUrl('https://example.com/api', 'things')).toBe('https://example.com/api/things');
  });
});

describe('publicRequestUrls', () => {
  it('one URL per public URL, none without a path', () => {
    expect(publicRequestUrls(['https://api.example.com', 'https://example.net/api'], '/things')).toEqual([
      'https://api.example.com/things',
      'https://example.net/api/things',
    ]);
    expect(publicRequestUrls(['https://api.example.com'], undefined)).toEqual([]);
  });
});
