// Back after a completed sign-in (reported against AxaFrance/oidc-client and oidc-client-ts): the
// browser goes back to the authorization request, the server (its session still on) answers it again
// with a new code and the used state. In real Chromium against oidc-provider, with the request in the
// URL (par: false): a pushed request_uri is single-use, so the server would show an error instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockDemoApp, openBareApp, outcome } from '../support/browser/bare-app';
import { newDemoPage, signInThroughProvider, startDemoEnv, type DemoEnv } from '../support/browser/demo';

let env: DemoEnv;
beforeAll(async () => {
  env = await startDemoEnv(300);
});
afterAll(() => env?.close());

describe('Back to the authorization request after sign-in', () => {
  it('resolves null, cleans the address bar, keeps the session, and redeems no code', async () => {
    const { context, page } = await newDemoPage(env);
    await blockDemoApp(context, env);
    const authorizeRequests: string[] = [];
    const codeExchanges: string[] = [];
    context.on('request', (request) => {
      if (request.isNavigationRequest() && request.url().startsWith(env.discovery.authorization_endpoint)) authorizeRequests.push(request.url());
      const form = new URLSearchParams(request.postData() ?? '');
      if (request.url() === env.discovery.token_endpoint && form.get('grant_type') === 'authorization_code') codeExchanges.push(form.get('code')!);
    });
    const options = { store: 'sessionStorage', par: false } as const;
    await page.goto(env.demo.pageUrl);
    await openBareApp(page, options);
    await signInThroughProvider(page, env);
    expect(await openBareApp(page, options)).toBe(true);
    expect(codeExchanges).toHaveLength(1);

    // Back: the authorization request again. oidc-provider answers at once with a new code and the
    // state this tab already used.
    const callbacks: URL[] = [];
    page.on('framenavigated', (frame) => frame === page.mainFrame() && callbacks.push(new URL(frame.url())));
    await page.goto(authorizeRequests[0]!);
    await page.waitForURL((url) => url.origin === new URL(env.demo.pageUrl).origin);
    const answer = callbacks.find((url) => url.searchParams.has('code'))!;
    expect(answer.searchParams.get('state')).toBe(new URL(authorizeRequests[0]!).searchParams.get('state'));
    expect(answer.searchParams.get('code')).not.toBe(codeExchanges[0]);

    expect(await openBareApp(page, options)).toBe(true); // handleRedirect() resolved null: the session as it was
    expect(new URL(page.url()).search).toBe('');
    expect(codeExchanges).toHaveLength(1);
    expect(await outcome(page, 'auth.getAccessToken()')).toBe('ok');

    // A state this browser never issued stays a refusal.
    const forged = new URL(answer);
    forged.searchParams.set('state', 'never-issued-here');
    await page.goto(forged.href);
    await expect(openBareApp(page, options)).rejects.toThrow(/No pending login matches this callback/);
    expect(codeExchanges).toHaveLength(1);
    await context.close();
  });
});
