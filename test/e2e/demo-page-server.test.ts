// The demo's page server over plain HTTP (no browser): the headers a page people copy should
// send, only its own paths answered, and a favicon. The browser tests check that the page works
// under this policy: they fail on anything it refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startDemo, type RunningDemo } from '../../demo/start.mjs';

let demo: RunningDemo;

beforeAll(async () => {
  demo = await startDemo({ quiet: true });
});

afterAll(async () => {
  await demo?.close();
});

const get = (path: string) => fetch(`${demo.pageOrigin}${path}`, { redirect: 'manual' });

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: string | null): Map<string, string[]> {
  const parsed = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) parsed.set(name.toLowerCase(), values);
  }
  return parsed;
}

describe('demo page server', () => {
  it('sends a Content-Security-Policy without inline scripts, and lets nobody frame the app (the redirect URI: only the app)', async () => {
    for (const path of ['/', '/callback?code=x&state=y', '/index.html']) {
      const response = await get(path);
      expect(response.status).toBe(200);
      const csp = directives(response.headers.get('content-security-policy'));
      expect(csp.get('script-src'), path).toEqual(["'self'"]);
      expect(csp.get('default-src')).toEqual(["'none'"]);
      // The redirect URI's page is the default silentRedirectUri: the app's own iframe may load it.
      const callback = path.startsWith('/callback');
      expect(csp.get('frame-ancestors'), path).toEqual([callback ? "'self'" : "'none'"]);
      expect(csp.get('base-uri')).toEqual(["'none'"]);
      // The page talks to itself, the authorization server and the two APIs, and nothing else.
      expect(csp.get('connect-src')?.sort()).toEqual(["'self'", demo.issuer, demo.apiUrl, demo.billingUrl].sort());
      expect(response.headers.get('x-frame-options')).toBe(callback ? 'SAMEORIGIN' : 'DENY');
    }
  });

  it('lets only the app itself frame the silent callback page, which has no inline script', async () => {
    const response = await get('/silent-callback.html');
    expect(response.status).toBe(200);
    const csp = directives(response.headers.get('content-security-policy'));
    expect(csp.get('frame-ancestors')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    const html = await response.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/[^"]+"/);
      expect(body!.trim()).toBe('');
    }
  });

  it('answers only its own paths: another host in the path is a 404, not the app', async () => {
    for (const path of ['//evil.example/', '//evil.example/callback', '//localhost/', '/nothing-here', '/callback/extra']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('<html');
    }
    for (const path of ['/', '/callback', '/app.js', '/style.css', '/config.json', '/dist/pkce-spa.iife.js']) {
      expect((await get(path)).status, path).toBe(200);
    }
  });

  it('serves a favicon: a small 32×32 ICO', async () => {
    const response = await get('/favicon.ico');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/x-icon');
    const ico = Buffer.from(await response.arrayBuffer());
    expect(ico.length).toBeLessThan(5_000);
    expect([...ico.subarray(0, 6)]).toEqual([0, 0, 1, 0, 1, 0]); // an icon file with one image
    expect([ico[6], ico[7]]).toEqual([32, 32]);
    expect(ico.readUInt32LE(14) + ico.readUInt32LE(18)).toBe(ico.length); // the image fills the file
  });
});
