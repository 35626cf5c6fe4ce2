// A device clock that is off (reported to Keycloak, whose maintainers ask clients to correct the
// offset): in real Chromium with the page's clock 5 minutes ahead or behind, against oidc-provider
// and the demo API both requiring DPoP nonces. Without the correction the ID token is "issued in the
// future" (clock behind) or the API refuses proofs dated 5 minutes ahead (clock ahead).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockDemoApp, openBareApp, outcome } from '../support/browser/bare-app';
import { newDemoPage, signInThroughProvider, startDemoEnv, type DemoEnv } from '../support/browser/demo';

let env: DemoEnv;
beforeAll(async () => {
  env = await startDemoEnv(300, { dpopNonces: true });
});
afterAll(() => env?.close());

const proofTimes = (headers: string[]) => headers.map((proof) => (JSON.parse(Buffer.from(proof.split('.')[1]!, 'base64url').toString()) as { iat: number }).iat);

describe.each([
  ['5 minutes ahead', 5 * 60_000],
  ['5 minutes behind', -5 * 60_000],
])('a device clock %s', (_, skew) => {
  it('signs in, calls the API, refreshes and calls it again, with proofs dated in the server time', async () => {
    const { context, page } = await newDemoPage(env);
    await blockDemoApp(context, env);
    await context.clock.install({ time: Date.now() + skew });
    const proofs: string[] = [];
    context.on('request', (request) => {
      const proof = request.headers()['dpop'];
      if (proof && request.url().startsWith(env.demo.apiUrl)) proofs.push(proof);
    });
    const options = { store: 'sessionStorage', dpop: true } as const;
    await page.goto(env.demo.pageUrl);
    expect(Math.abs((await page.evaluate(() => Date.now())) - Date.now() - skew)).toBeLessThan(60_000);
    await openBareApp(page, options);
    await signInThroughProvider(page, env);
    expect(await openBareApp(page, options)).toBe(true);

    const call = () => page.evaluate(async (api) => (await window.auth.fetch(`${api}/api/me`)).status, env.demo.apiUrl);
    expect(await call()).toBe(200);
    expect(await outcome(page, 'auth.getAccessToken({ forceRefresh: true })')).toBe('ok');
    expect(await call()).toBe(200);
    // A reload restores the session from the store, with what it learnt of the server's clock.
    await page.reload();
    expect(await openBareApp(page, options)).toBe(true);
    expect(await call()).toBe(200);
    for (const iat of proofTimes(proofs)) expect(Math.abs(iat - Date.now() / 1000)).toBeLessThan(10);
    await context.close();
  });
});
