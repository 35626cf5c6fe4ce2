// The demo page in real Chromium, used as a person would: sign in through oidc-provider's own
// login and consent pages, call the API, watch the SDK refresh a short-lived access token with a
// rotated refresh token, and sign out. The authorization server and the API are checked from Node
// for what a user cannot see: the old refresh token and the revoked one are refused.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';

import {
  callApiFromNode,
  decodePart,
  expectSignedIn,
  newDemoPage,
  refreshFromNode,
  signInThroughProvider,
  startDemoEnv,
  textOf,
  type DemoEnv,
} from '../support/browser/demo';

// Short enough to watch a refresh, long enough for the sign-in pages. The SDK refreshes at half
// the lifetime when the token lives less than its 60 s leeway, so every ~5 s here.
const ACCESS_TOKEN_TTL = 10;
// Every run takes the screenshots; `npm run screenshots` writes them to docs/ for the README,
// other runs to the ignored test-results/, so running the tests leaves the tree clean.
const SHOTS = fileURLToPath(new URL(process.env.SCREENSHOTS_DIR === 'docs' ? '../../docs/' : '../../test-results/', import.meta.url));

let env: DemoEnv;

beforeAll(async () => {
  // Bearer tokens here, whose copies the tests replay from Node; DPoP's demo: test/e2e/dpop.test.ts.
  env = await startDemoEnv(ACCESS_TOKEN_TTL, { dpop: false });
});

afterAll(async () => {
  await env?.close();
});

const same = (a: unknown, b: unknown) => typeof a === 'string' && a === b;
const INVALID_TOKEN = /^Bearer (realm="[^"]*", )?error="invalid_token"/;

describe('demo page: a whole session in Chromium', () => {
  it('signs in through the login and consent pages, calls the API, and refreshes with a rotated refresh token', async () => {
    const { page, traffic, pageErrors } = await newDemoPage(env);
    await page.goto(env.demo.pageUrl);
    await expect.poll(() => textOf(page, '#status')).toBe('Signed out');
    expect(await page.locator('#sign-in').isVisible()).toBe(true);

    const { prompts, callbackUrl } = await signInThroughProvider(page, env, { username: 'alice' });
    expect(prompts).toEqual(['login', 'consent']);
    expect(callbackUrl).toMatch(/[?&]code=.+&state=.+&iss=/);
    await expectSignedIn(page, 'alice');
    // The code, state and iss are gone from the address bar; the page is back at returnTo.
    expect(page.url()).toBe(env.demo.pageUrl);
    expect(await textOf(page, '#user')).toContain('alice@example.com');

    // PKCE made visible: the page recomputed S256(code_verifier) and it equals the challenge sent.
    // The authorization parameters were pushed first (RFC 9126: oidc-provider advertises PAR), the
    // sign-in's own to the redirect URI, pushed by the signed-out page ahead of the click.
    const pushed = traffic.all
      .filter((s) => s.request.method() === 'POST' && s.url.href === env.discovery.pushed_authorization_request_endpoint)
      .map((s) => new URLSearchParams(s.request.postData() ?? ''));
    const signIn = pushed.find((form) => form.get('redirect_uri') === env.demo.config.redirectUri);
    const authorize = { url: new URL(`https://pushed.invalid/?${signIn ?? ''}`) };
    const exchange = traffic.exchanges.find((e) => e.grantType === 'authorization_code');
    expect(exchange?.status).toBe(200);
    const verifier = exchange!.form.get('code_verifier') ?? '';
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    expect(same(authorize?.url.searchParams.get('code_challenge'), challenge)).toBe(true);
    expect(authorize?.url.searchParams.get('code_challenge_method')).toBe('S256');
    await expect.poll(() => page.locator('[data-step="token"]').getAttribute('data-state')).toBe('done');
    expect(await textOf(page, '[data-step="token"]')).toContain('✓ equals the code_challenge of step 1');
    expect(await textOf(page, '[data-step="token"]')).toContain(challenge);
    await expect.poll(() => page.locator('[data-step="jwks"]').getAttribute('data-state')).toBe('done');

    // The API answers with the signed-in user.
    await page.locator('#call-api').click();
    await expect.poll(() => textOf(page, '#api-result')).toContain('HTTP 200');
    expect(await textOf(page, '#api-result')).toContain('"sub": "alice"');
    await expect.poll(() => page.locator('[data-step="api"]').getAttribute('data-state')).toBe('done');

    // The SDK refreshes before the access token expires: new access token, rotated refresh token.
    const first = exchange!.body as { access_token: string; refresh_token: string };
    const firstExp = decodePart(first.access_token.split('.')[1]!).exp as number;
    await expect
      .poll(() => traffic.exchanges.filter((e) => e.grantType === 'refresh_token').length, { timeout: ACCESS_TOKEN_TTL * 1000 })
      .toBeGreaterThan(0);
    const refresh = traffic.exchanges.find((e) => e.grantType === 'refresh_token')!;
    expect(refresh.status).toBe(200);
    expect(same(refresh.form.get('refresh_token'), first.refresh_token)).toBe(true); // it used the one it had
    expect(refresh.form.get('resource')).toBe(env.demo.config.resource);
    const second = refresh.body as { access_token: string; refresh_token: string };
    expect(typeof second.refresh_token === 'string' && second.refresh_token !== first.refresh_token).toBe(true);
    expect(typeof second.access_token === 'string' && second.access_token !== first.access_token).toBe(true);
    await expect.poll(() => textOf(page, '#token-refreshes')).toMatch(/refreshed [1-9]\d*×/);
    await expect.poll(() => page.locator('[data-step="refresh"]').getAttribute('data-state')).toBe('done');
    expect(await textOf(page, '[data-step="refresh"]')).toContain('✓ rotated');

    // Once the first access token has expired (plus the API's few seconds of clock tolerance), the
    // API refuses it; the page's calls still work.
    await page.waitForTimeout(Math.max(firstExp * 1000 - Date.now(), 0));
    await expect
      .poll(async () => (await callApiFromNode(env, first.access_token)).status, { timeout: 15_000, interval: 500 })
      .toBe(401);
    expect((await callApiFromNode(env, first.access_token)).wwwAuthenticate).toMatch(INVALID_TOKEN);
    expect(await textOf(page, '#countdown')).toMatch(/^Expires in \d+ s/); // the page shows a live token

    const apiRequest = page.waitForRequest((r) => r.url() === `${env.demo.apiUrl}/api/me` && r.method() === 'GET');
    await page.locator('#call-api').click();
    const sent = (await apiRequest).headers().authorization ?? '';
    const issued = () => traffic.exchanges.filter((e) => e.status === 200).map((e) => `Bearer ${String(e.body.access_token)}`);
    await expect.poll(() => issued().indexOf(sent)).toBeGreaterThan(0); // a refreshed token, not the first one
    await expect.poll(() => textOf(page, '#api-result')).toContain('HTTP 200');

    // Last, because oidc-provider treats reuse as theft and revokes the whole grant: the old
    // refresh token is refused…
    const reused = await refreshFromNode(env, first.refresh_token);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    // …and the page notices at its next refresh: the session ends with a readable message.
    await expect
      .poll(() => textOf(page, '#error'), { timeout: ACCESS_TOKEN_TTL * 1000 })
      .toContain('Your session has ended: the server refused the refresh token.');
    expect(await page.locator('#sign-in').isVisible()).toBe(true);
    expect(await textOf(page, '#status')).toBe('Signed out');
    expect(pageErrors).toEqual([]);
  });

  it('signs out: the refresh token is revoked, the provider session ends, the next sign-in asks for credentials', async () => {
    const { page, traffic, pageErrors } = await newDemoPage(env);
    await page.goto(env.demo.pageUrl);
    await signInThroughProvider(page, env, { username: 'bob' });
    await expectSignedIn(page, 'bob');

    const revocation = page.waitForResponse((r) => r.url() === env.discovery.revocation_endpoint);
    await page.locator('#sign-out').click();
    const revoked = await revocation;
    expect(revoked.status()).toBe(200);
    const latest = traffic.latestTokens()!; // the refresh token the page held when signing out
    const sentForm = new URLSearchParams(revoked.request().postData() ?? '');
    expect(same(sentForm.get('token'), latest.refresh_token)).toBe(true);
    expect(sentForm.get('token_type_hint')).toBe('refresh_token');

    // Through the end-session endpoint and back to the demo, signed out, with a clean address bar.
    await page.waitForURL(env.demo.pageUrl);
    await expect.poll(() => textOf(page, '#signed-out-text')).toContain('You signed out');
    expect(await textOf(page, '#status')).toBe('Signed out');
    expect(await page.locator('#signed-in').isVisible()).toBe(false);
    await expect.poll(() => page.locator('[data-step="signout"]').getAttribute('data-state')).toBe('done');
    expect(traffic.all.some((s) => s.url.href.startsWith(env.discovery.end_session_endpoint))).toBe(true);
    // The load panel says why no silent sign-in was tried, and that the steps are the ended session's.
    expect(await textOf(page, '#page-load')).toContain('You signed out in this browser: the steps below are the session that ended');

    const after = await refreshFromNode(env, latest.refresh_token);
    expect(after.status).toBe(400);
    expect(after.body.error).toBe('invalid_grant');

    // The provider session is over too: signing in again shows the login page, not an instant redirect.
    await page.locator('#sign-in').click();
    await page.waitForURL((url) => url.origin === env.demo.issuer);
    await expect(page.locator('input[name="login"]').isVisible()).resolves.toBe(true);
    expect(await page.locator('input[name="prompt"]').getAttribute('value')).toBe('login');
    expect(pageErrors).toEqual([]);
  });

  it('critical path on the callback page: the token request goes first, the JWKS is fetched alongside it', async () => {
    // The token endpoint answers after 500 ms: "alongside" is then a fact, not a race with a local
    // server that answers in 10 ms, about the time the page takes to load the ID token verifier.
    env.tokenDelay = 500;
    onTestFinished(() => void (env.tokenDelay = 0));
    const { page, traffic } = await newDemoPage(env);
    await page.goto(env.demo.pageUrl);
    await signInThroughProvider(page, env, { username: 'carol' });
    await expectSignedIn(page, 'carol');

    const landing = traffic.all.find((s) => s.request.isNavigationRequest() && s.url.pathname === '/callback');
    expect(landing).toBeDefined();
    // The exchange: with the demo's DPoP nonces, a use_dpop_nonce answer, then the same code again.
    const exchange = traffic.tokenRequests('authorization_code');
    const token = exchange.at(-1)!;
    // What the browser asked of the authorization server between landing on the callback and
    // having a usable token (the token response, then the ID token check with the JWKS).
    const window = traffic.toAuthServer().filter((s) => s.seq > landing!.seq);
    const names = window.map((s) => `${s.request.method()} ${s.url.pathname}`);
    expect(names.some((n) => n.includes('/.well-known/'))).toBe(false); // no discovery round trip
    expect(names[0]).toBe(`POST ${new URL(env.discovery.token_endpoint).pathname}`);
    const jwks = window.find((s) => s.url.href === env.discovery.jwks_uri);
    expect(jwks, `requests after the callback: ${names.join(', ')}`).toBeDefined();
    // Nothing but the exchange goes before the keys.
    const beforeKeys = names.slice(0, names.indexOf(`GET ${new URL(env.discovery.jwks_uri).pathname}`));
    expect(beforeKeys.length).toBeGreaterThan(0);
    expect(new Set(beforeKeys)).toEqual(new Set([`POST ${new URL(env.discovery.token_endpoint).pathname}`]));

    // Browser timings: the JWKS request starts before the exchange's last token response has finished.
    const t = token.request.timing();
    const k = jwks!.request.timing();
    const tokenDone = t.startTime + t.responseEnd;
    expect(k.startTime, `JWKS started ${(k.startTime - t.startTime).toFixed(1)} ms after the token request, which took ${t.responseEnd.toFixed(1)} ms`).toBeLessThan(tokenDone);
    // The same, from the page's own view.
    expect(await textOf(page, '[data-testid="jwks-timing"]')).toContain('fetched alongside it, not after it.');
  });

  it('signed out, the steps already say how long access tokens live here, and how the restore ended', async () => {
    const { page, pageErrors } = await newDemoPage(env);
    await page.goto(env.demo.pageUrl);
    await expect.poll(() => textOf(page, '#status')).toBe('Signed out');
    expect(await textOf(page, '[data-step="refresh"]')).toContain(`Access tokens here live ${ACCESS_TOKEN_TTL} s.`);
    expect(await textOf(page, '[data-step="refresh"]')).not.toContain('?');
    // A new visitor: nothing was asked of the server, and the panel says why.
    const restore = page.locator('[data-testid="restore"]');
    expect(await restore.getAttribute('data-via')).toBe('none');
    expect(await restore.getAttribute('data-reason')).toBe('skipped');
    expect(await textOf(page, '[data-testid="restore"]')).toContain('has not signed in here before');
    expect(await page.locator('[data-step="authorize"]').getAttribute('data-state')).toBe('pending');
    expect(pageErrors).toEqual([]);
  });

  it('keeps no code verifier after the sign-in: shortened on screen, nowhere in storage', async () => {
    const { page, traffic, pageErrors } = await newDemoPage(env);
    await page.goto(env.demo.pageUrl);
    await signInThroughProvider(page, env, { username: 'dora' });
    await expectSignedIn(page, 'dora');
    await expect.poll(() => page.locator('[data-step="token"]').getAttribute('data-state')).toBe('done');
    const verifier = traffic.exchanges.find((e) => e.grantType === 'authorization_code')!.form.get('code_verifier')!;
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // On screen: its first and last characters only, beside the hash that proves it.
    const shown = await textOf(page, '[data-step="token"]');
    expect(shown).toContain(`${verifier.slice(0, 4)}…${verifier.slice(-4)}`);
    expect(shown).toContain(createHash('sha256').update(verifier).digest('base64url'));
    const everything = await page.evaluate(() => document.documentElement.outerHTML);
    expect(everything.includes(verifier)).toBe(false);
    expect(everything.includes(verifier.slice(0, 12))).toBe(false);
    // In storage: neither whole nor its longer parts, in any storage the page has.
    const stored = await page.evaluate(() => JSON.stringify([{ ...sessionStorage }, { ...localStorage }]));
    expect(stored.includes(verifier)).toBe(false);
    expect(stored.includes(verifier.slice(0, 12))).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it('looks right on a desktop and on a phone (screenshots)', async () => {
    const { page, pageErrors } = await newDemoPage(env, { width: 1280, height: 900 });
    await page.goto(env.demo.pageUrl);
    await signInThroughProvider(page, env, { username: 'alice' });
    await expectSignedIn(page, 'alice');
    await page.locator('#call-api').click();
    await expect.poll(() => textOf(page, '#api-result')).toContain('"sub": "alice"');
    await expect.poll(() => page.locator('[data-step="api"]').getAttribute('data-state')).toBe('done');

    mkdirSync(SHOTS, { recursive: true });
    await page.mouse.move(1, 1); // no hover or focus ring in the picture
    await page.evaluate(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      window.scrollTo(0, 0);
    });
    // The API's answer is on the first screen.
    expect(await page.locator('#api-result').boundingBox().then((b) => b && b.y + b.height)).toBeLessThan(900);
    await page.screenshot({ path: `${SHOTS}demo-signed-in.png` });

    await page.setViewportSize({ width: 390, height: 844 });
    // One column, nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const session = await page.locator('#sign-out').boundingBox();
    const steps = await page.locator('#steps').boundingBox();
    expect(steps!.y).toBeGreaterThan(session!.y); // the steps come below the app, not beside it
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}demo-phone.png` });
    expect(pageErrors).toEqual([]);
  });
});
