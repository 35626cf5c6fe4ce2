// A page using pkce-spa and an API using pkce-spa/server, both wired to one provider profile.
import { vi } from 'vitest';
import { createPkceClient, type PkceClientEvents, type PkceClientOptions } from '../../../src/index.js';
import { createTokenVerifier, isPkceError, type JwksTokenVerifierOptions } from '../../../src/server/index.js';
import { API_ORIGIN, REDIRECT_URI, type Landing, type ProviderServer } from './provider-server.js';
import { NAVIGATION_WAIT } from '../flow.js';

/** The client options a recipe gives; the harness adds the redirect URI, fetch and navigation. */
export type Recipe = Omit<PkceClientOptions, 'fetch' | 'navigate' | 'redirectUri'> & { redirectUri?: string };

/** A page on `APP_ORIGIN` running pkce-spa with the recipe, recording where it sends the browser. */
export function spa(server: ProviderServer, recipe: Recipe) {
  const navigations: string[] = [];
  const auth = createPkceClient({
    redirectUri: REDIRECT_URI,
    ...recipe,
    fetch: server.browserFetch,
    navigate: (url) => void navigations.push(url),
  });
  const revocationFailures: PkceClientEvents['revocation-failed'][] = [];
  auth.on('revocation-failed', (event) => revocationFailures.push(event));
  return { auth, navigations, revocationFailures };
}
export type Page = ReturnType<typeof spa>;

async function nextNavigation(page: Page, start: () => Promise<unknown>): Promise<URL> {
  const before = page.navigations.length;
  let failure: unknown;
  start().catch((error: unknown) => (failure = error));
  await vi.waitFor(() => {
    if (failure) throw failure;
    if (page.navigations.length === before) throw new Error('no navigation yet');
  }, NAVIGATION_WAIT);
  return new URL(page.navigations.at(-1)!);
}

/** login() → the provider's login page (the user signs in) → back on the callback. */
export async function reachCallback(server: ProviderServer, page: Page, user?: { sub?: string }) {
  const authorizeUrl = await nextNavigation(page, () => page.auth.login({ returnTo: '/orders' }));
  const callback = new URL(server.authorize(authorizeUrl.href, user));
  history.replaceState(null, '', callback.href);
  return { authorizeUrl, callback };
}

/** A whole sign-in: what the authorization request and the callback were, and what it came to. */
export async function signIn(server: ProviderServer, page: Page, user?: { sub?: string }) {
  const steps = await reachCallback(server, page, user);
  return { ...steps, result: await page.auth.handleRedirect() };
}

/** logout() → the URL the browser is sent to, and where the provider's page leaves it. */
export async function signOut(server: ProviderServer, page: Page, returnTo?: string): Promise<{ url: URL; landing: Landing }> {
  const url = await nextNavigation(page, () => page.auth.logout(returnTo ? { returnTo } : undefined));
  return { url, landing: server.visit(url.href) };
}

/**
 * The API on `origin` (default `API_ORIGIN`), verifying with `createTokenVerifier` and these
 * options; its discovery and JWKS requests go to the provider server to server. Answers `{ sub }` or
 * the verifier's 401 (403 for a missing scope).
 */
export function plugApi(server: ProviderServer, options: JwksTokenVerifierOptions, origin = API_ORIGIN) {
  const verifier = createTokenVerifier({ ...options, fetch: server.serverFetch });
  server.apis[origin] = async (request) => {
    const { claims, response } = await verifier.verifyRequest(request);
    return response ?? new Response(JSON.stringify({ sub: claims.sub }), { headers: { 'content-type': 'application/json' } });
  };
  return verifier;
}

/** The access tokens the API on `origin` (plugged in already) receives from here on, in order. */
export function tokensSeenBy(server: ProviderServer, origin: string): string[] {
  const seen: string[] = [];
  const plugged = server.apis[origin]!;
  server.apis[origin] = (request) => {
    seen.push(request.headers.get('authorization')?.replace(/^\S+ /, '') ?? '');
    return plugged(request);
  };
  return seen;
}

/** The page calls an API (default `API_ORIGIN`'s) through `auth.fetch`: status, body and the challenge on a refusal. */
export async function callApi(page: Page, url = `${API_ORIGIN}/orders`) {
  const response = await page.auth.fetch(url);
  return { status: response.status, body: await response.text(), challenge: response.headers.get('www-authenticate') };
}

/**
 * The status the API answers with the recipe's verifier options minus `profile: 'plain-jwt'`, that is
 * with RFC 9068's default (`typ: at+jwt`), which a provider's plain JWT access tokens do not meet.
 */
export async function statusWithDefaultProfile(server: ProviderServer, page: Page, options: JwksTokenVerifierOptions) {
  plugApi(server, { ...options, profile: undefined });
  const { status } = await callApi(page);
  plugApi(server, options);
  return status;
}

/**
 * What the API's code gets (and logs) when the verifier with `options` refuses the page's access
 * token: the error's `message` (with the hint), and the `error_description` the caller sees.
 */
export async function apiRefusal(server: ProviderServer, page: Page, options: JwksTokenVerifierOptions) {
  const verifier = createTokenVerifier({ ...options, fetch: server.serverFetch });
  const error = await verifier.verify(await page.auth.getAccessToken()).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPkceError(error)) throw new Error(`the verifier did not refuse the token: ${String(error)}`);
  return { code: error.code, message: error.message, errorDescription: error.errorDescription };
}

/** Refreshes now, as a due access token would. */
export const refresh = (page: Page) => page.auth.getAccessToken({ forceRefresh: true });

/** Each value at most once: the proof that a spent refresh token was never sent again. */
export function sentRefreshTokens(server: ProviderServer): string[] {
  return server.tokenRequests('refresh_token').map((r) => r.form!.get('refresh_token')!);
}

/**
 * What each refresh request asked for besides the refresh token itself (`scope`, `resource`,
 * `audience`, …), in order: the dialect the SDK spoke. A parameter sent twice comes as a list.
 */
export function refreshParams(server: ProviderServer): Record<string, string | string[]>[] {
  return server.tokenRequests('refresh_token').map(({ form }) => {
    const asked: Record<string, string | string[]> = {};
    for (const name of new Set(form!.keys())) {
      if (['grant_type', 'client_id', 'refresh_token'].includes(name)) continue;
      const values = form!.getAll(name);
      asked[name] = values.length === 1 ? values[0]! : values;
    }
    return asked;
  });
}
