// The browser side of the glewlwyd test: the demo page turned into a bare app with its own client
// options, glewlwyd's own pages answered as a person would, and what the browser sends to and
// receives from glewlwyd's token and revocation endpoints. Token values are compared, never printed.
import type { BrowserContext, Page, Request, Response } from 'playwright-core';

import type { RunningGlewlwyd } from './server';

declare global {
  interface Window {
    auth: import('../../../src/index.js').PkceClient;
    /** The client's events as the app saw them: the type, and for session-ended its reason and error code. */
    authEvents: { type: string; reason?: string; code?: string }[];
  }
}
declare const PkceSpa: typeof import('../../../src/index.js');

/**
 * Turns the demo's page (served with the SDK's real build, its app.js blocked) into a bare app
 * configured from /config.json, whose session lives in sessionStorage so that it survives the
 * trips to glewlwyd and back. Handles a callback if this is one. Returns what the app shows.
 */
export async function openApp(page: Page) {
  await page.waitForFunction(() => 'PkceSpa' in window);
  return page.evaluate(async () => {
    const c = await (await fetch('/config.json')).json();
    window.authEvents = [];
    window.auth = PkceSpa.createPkceClient({
      issuer: c.issuer,
      clientId: c.clientId,
      redirectUri: c.redirectUri,
      postLogoutRedirectUri: c.postLogoutRedirectUri,
      scope: c.scope,
      apiOrigins: [c.apiUrl],
      tokenStore: PkceSpa.webStorageTokenStore(sessionStorage),
    });
    for (const type of ['signed-in', 'refreshed', 'session-ended'] as const) {
      window.auth.on(type, (detail) => {
        const ended = detail as { reason?: string; error?: { code: string } };
        window.authEvents.push({ type, reason: ended.reason, code: ended.error?.code });
      });
    }
    const signIn = document.getElementById('sign-in')!;
    signIn.closest('[hidden]')?.removeAttribute('hidden');
    signIn.onclick = () => void window.auth.login({ returnTo: '/' });
    const result = await window.auth.handleRedirect();
    if (result) history.replaceState(null, '', result.returnTo);
    return { signedIn: window.auth.isAuthenticated(), name: window.auth.user?.name, sub: window.auth.user?.sub };
  });
}

export type GlewlwydStep = 'password' | 'consent' | 'continue';

/**
 * From the app: presses "Sign in", then answers glewlwyd's login page as the user would: the
 * password form, the consent form (every scope ticked) when glewlwyd asks, and "Continue".
 * Returns the pages answered, once the browser is back on the app.
 */
export async function signInAtGlewlwyd(page: Page, glewlwyd: RunningGlewlwyd, appOrigin: string): Promise<GlewlwydStep[]> {
  const steps: GlewlwydStep[] = [];
  await page.locator('#sign-in').click();
  await page.waitForURL((url) => url.origin === glewlwyd.origin);
  await page.locator('#password').waitFor();
  await page.locator('#username').fill(glewlwyd.user.username);
  await page.locator('#password').fill(glewlwyd.user.password);
  // The page decides between consent and "Continue" once it knows what the user granted before.
  const grantsRead = (r: Response) => r.request().method() === 'GET' && r.url().includes('/api/auth/grant/');
  await Promise.all([page.waitForResponse(grantsRead), page.locator('#loginbut').click()]);
  steps.push('password');

  const grant = page.getByRole('button', { name: 'Grant access' });
  const proceed = page.getByRole('button', { name: 'Continue' });
  await grant.or(proceed).first().waitFor();
  if (await grant.isVisible()) {
    for (const box of await page.locator('input[type="checkbox"]:not(:checked):not(:disabled)').all()) await box.check();
    const granted = (r: Response) => r.request().method() === 'PUT' && r.url().includes('/api/auth/grant/');
    await Promise.all([page.waitForResponse(granted), grant.click()]);
    steps.push('consent');
  }
  await proceed.click();
  steps.push('continue');
  await page.waitForURL((url) => url.origin === appOrigin);
  return steps;
}

export interface RefreshSeen {
  /** The refresh token the browser sent. */
  sent: string;
  status: number;
  /** The refresh token glewlwyd answered with, if any. */
  received?: string;
  body: Record<string, unknown>;
}

/** The token, revocation and end-session requests the browser makes to glewlwyd. */
export function recordGlewlwydTraffic(context: BrowserContext, discovery: { token_endpoint: string; revocation_endpoint: string; end_session_endpoint: string }) {
  const codeExchanges: { form: URLSearchParams; status: number; body: Record<string, unknown> }[] = [];
  const refreshes: RefreshSeen[] = [];
  const revocations: { token: string; status: number }[] = [];
  const authorizations: URL[] = [];
  const callbacks: URL[] = [];
  const endSessions: URL[] = [];
  let latestRefreshToken: string | undefined;

  context.on('request', (request: Request) => {
    if (!request.isNavigationRequest()) return;
    const url = new URL(request.url());
    if (url.pathname.endsWith('/api/oidc/auth')) authorizations.push(url);
    if (url.pathname === '/callback') callbacks.push(url);
    if (request.url().startsWith(discovery.end_session_endpoint)) endSessions.push(url);
  });
  context.on('response', async (response: Response) => {
    const request = response.request();
    if (request.method() !== 'POST') return;
    const form = new URLSearchParams(request.postData() ?? '');
    const text = await response.text().catch(() => '');
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    if (request.url() === discovery.token_endpoint && form.get('grant_type') === 'authorization_code') {
      codeExchanges.push({ form, status: response.status(), body });
      if (typeof body.refresh_token === 'string') latestRefreshToken = body.refresh_token;
    } else if (request.url() === discovery.token_endpoint && form.get('grant_type') === 'refresh_token') {
      const received = typeof body.refresh_token === 'string' ? body.refresh_token : undefined;
      refreshes.push({ sent: form.get('refresh_token') ?? '', status: response.status(), received, body });
      if (received) latestRefreshToken = received;
    } else if (request.url() === discovery.revocation_endpoint) {
      revocations.push({ token: form.get('token') ?? '', status: response.status() });
    }
  });

  return {
    codeExchanges,
    refreshes,
    revocations,
    authorizations,
    callbacks,
    endSessions,
    /** The newest refresh token glewlwyd gave the browser. */
    latestRefreshToken: () => latestRefreshToken,
  };
}
