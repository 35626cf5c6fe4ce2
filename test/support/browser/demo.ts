// Shared by the demo page's browser tests: the demo servers, a Chromium page kept on loopback,
// oidc-provider's sign-in pages answered as a person would, and logs of what the browser sends
// and of what the servers received. Token values are compared, never printed.
import { expect } from 'vitest';
import type { Browser, BrowserContext, Page, Request, Response } from 'playwright-core';

import { startDemo, type RunningDemo, type StartDemoOptions, type WrapHandler } from '../../../demo/start.mjs';
import { serveBareApp } from './bare-app';
import { launchChromium } from './chromium';

export interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  revocation_endpoint: string;
  pushed_authorization_request_endpoint: string;
  end_session_endpoint: string;
  [key: string]: unknown;
}

export type DemoServer = 'page' | 'auth' | 'api' | 'billing';

/** A request as one of the demo's servers received it, and what the server answered. */
export interface Received {
  server: DemoServer;
  method: string;
  /** The path and query. */
  url: string;
  origin?: string;
  /** A CORS preflight's Access-Control-Request-Method. */
  requestMethod?: string;
  /** A CORS preflight's Access-Control-Request-Headers, lower case. */
  requestHeaders: string[];
  /** The rest is filled in once the answer has been sent. */
  status?: number;
  allowOrigin?: string;
  allowMethods: string[];
  allowHeaders: string[];
}

const list = (value: unknown) =>
  String(value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);

/** Logs every request `server` receives, in the server itself: a CORS preflight is seen as the server answers it. */
const recordInto =
  (log: Received[], server: DemoServer): WrapHandler =>
  (handler) =>
  (req, res) => {
    const entry: Received = {
      server,
      method: req.method ?? '',
      url: req.url ?? '',
      origin: req.headers.origin,
      requestMethod: req.headers['access-control-request-method'],
      requestHeaders: list(req.headers['access-control-request-headers']),
      allowMethods: [],
      allowHeaders: [],
    };
    log.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
      const allowOrigin = res.getHeader('access-control-allow-origin');
      entry.allowOrigin = allowOrigin === undefined ? undefined : String(allowOrigin);
      entry.allowMethods = list(res.getHeader('access-control-allow-methods'));
      entry.allowHeaders = list(res.getHeader('access-control-allow-headers'));
    });
    return handler(req, res);
  };

export interface DemoEnv {
  demo: RunningDemo;
  browser: Browser;
  discovery: Discovery;
  /** Every request the page server, the authorization server and the API received, in order. */
  received: Received[];
  /**
   * Milliseconds the authorization server waits before it answers a token request (default 0): a
   * test about what runs alongside the token request gives it a fixed length instead of a race.
   */
  tokenDelay: number;
  close(): Promise<void>;
}

/** Holds token requests for `env.tokenDelay` ms before the server sees them. */
const delayingTokens =
  (delay: () => number): WrapHandler =>
  (handler) =>
  (req, res) => {
    const ms = delay();
    if (ms <= 0 || req.method !== 'POST' || !/\/token(\?|$)/.test(req.url ?? '')) return handler(req, res);
    setTimeout(() => void handler(req, res), ms);
  };

/**
 * The demo servers on free ports, their discovery document, and a headless Chromium. The page
 * server leaves out the demo's own app for a context that asked for a bare app (blockDemoApp()).
 */
export async function startDemoEnv(
  accessTokenTtl: number,
  options: Omit<StartDemoOptions, 'accessTokenTtl' | 'wrap'> & { chromiumArgs?: string[] } = {},
): Promise<DemoEnv> {
  const { chromiumArgs, ...demoOptions } = options;
  const received: Received[] = [];
  // Filled in once the servers run; the token delay is read per request.
  const env = { tokenDelay: 0 } as DemoEnv;
  const demo = await startDemo({
    pagePort: 0,
    authPort: 0,
    apiPort: 0,
    accessTokenTtl,
    quiet: true,
    ...demoOptions,
    wrap: {
      page: (handler) => recordInto(received, 'page')(serveBareApp(handler)),
      auth: (handler) => recordInto(received, 'auth')(delayingTokens(() => env.tokenDelay)(handler)),
      api: recordInto(received, 'api'),
      billing: recordInto(received, 'billing'),
    },
  });
  try {
    const discovery = (await (await fetch(`${demo.issuer}/.well-known/openid-configuration`)).json()) as Discovery;
    const browser = await launchChromium(chromiumArgs);
    return Object.assign(env, {
      demo,
      browser,
      discovery,
      received,
      close: async () => {
        await browser.close();
        await demo.close();
      },
    });
  } catch (error) {
    await demo.close();
    throw error;
  }
}

/**
 * A fresh context (no cookies, no storage) and page. The browser stays on loopback by itself
 * (LOOPBACK_ONLY in chromium.ts). Uncaught page errors and anything the page's
 * Content-Security-Policy refused are collected: a test can assert none.
 */
export async function newDemoPage(env: DemoEnv, viewport = { width: 1280, height: 900 }) {
  const context: BrowserContext = await env.browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
  });
  const traffic = recordTraffic(page, env);
  return { context, page, pageErrors, traffic };
}

export interface TokenExchange {
  grantType: string;
  /** The form fields the browser sent. */
  form: URLSearchParams;
  status: number;
  body: Record<string, unknown>;
}

export interface Seen {
  seq: number;
  request: Request;
  url: URL;
  /** Date.now() when Playwright reported the request, and when it finished. */
  sentAt: number;
  finishedAt?: number;
}

/**
 * Everything the page sends, in order, plus the token endpoint's requests and answers parsed.
 * The browser's own timings are in `request.timing()`.
 */
export function recordTraffic(page: Page, env: DemoEnv) {
  const all: Seen[] = [];
  const exchanges: TokenExchange[] = [];
  const revocations: { form: URLSearchParams; status: number }[] = [];
  const tokenEndpoint = env.discovery.token_endpoint;
  let seq = 0;
  page.on('request', (request) => {
    all.push({ seq: seq++, request, url: new URL(request.url()), sentAt: Date.now() });
  });
  page.on('requestfinished', (request) => {
    const seen = all.find((s) => s.request === request);
    if (seen) seen.finishedAt = Date.now();
  });
  page.on('response', async (response: Response) => {
    const request = response.request();
    if (request.method() !== 'POST') return;
    const form = new URLSearchParams(request.postData() ?? '');
    try {
      if (request.url() === tokenEndpoint) {
        const body = (await response.json()) as Record<string, unknown>;
        exchanges.push({ grantType: form.get('grant_type') ?? '', form, status: response.status(), body });
      } else if (request.url() === env.discovery.revocation_endpoint) {
        revocations.push({ form, status: response.status() });
      }
    } catch {
      // the page navigated away before the body could be read; the request itself is still in `all`
    }
  });
  const toAuthServer = () => all.filter((s) => s.url.origin === env.demo.issuer);
  return {
    all,
    exchanges,
    revocations,
    toAuthServer,
    /** POSTs to the token endpoint with this grant type, as the browser sent them. */
    tokenRequests: (grantType?: string) =>
      all.filter(
        (s) =>
          s.request.method() === 'POST' &&
          s.request.url() === tokenEndpoint &&
          (!grantType || new URLSearchParams(s.request.postData() ?? '').get('grant_type') === grantType),
      ),
    /** The most recent successful token response (code exchange or refresh). */
    latestTokens: () => [...exchanges].reverse().find((e) => e.status === 200)?.body as TokenSet | undefined,
  };
}

export interface TokenSet {
  access_token: string;
  refresh_token: string;
  id_token: string;
  expires_in: number;
  [key: string]: unknown;
}

export type Prompt = 'login' | 'consent';

/**
 * From the demo page: presses "Sign in" (`signInButton`, a selector), then answers oidc-provider's
 * pages as a person would (any username, any password; "Continue" on the consent page) until the
 * browser is back on the demo page. `stopAt` leaves the browser on that page instead of answering
 * it. Returns the pages shown and the callback URL the browser was sent to.
 */
export async function signInThroughProvider(
  page: Page,
  env: DemoEnv,
  { username = 'alice', stopAt, signInButton = '#sign-in' }: { username?: string; stopAt?: Prompt; signInButton?: string } = {},
) {
  const callbacks: string[] = [];
  const onRequest = (request: Request) => {
    if (request.isNavigationRequest() && request.url().startsWith(`${env.demo.config.redirectUri}?`)) {
      callbacks.push(request.url());
    }
  };
  page.on('request', onRequest);
  try {
    await page.locator(signInButton).click();
    const prompts = await answerProviderPages(page, env, { username, stopAt });
    return { prompts, callbackUrl: stopAt && prompts.at(-1) === stopAt ? undefined : callbacks.at(-1) };
  } finally {
    page.off('request', onRequest);
  }
}

/**
 * Answers oidc-provider's login and consent pages in `page` (a tab or a popup) as a person would,
 * until the page leaves the authorization server or closes. Returns the prompts shown.
 */
export async function answerProviderPages(
  page: Page,
  env: DemoEnv,
  { username = 'alice', stopAt }: { username?: string; stopAt?: Prompt } = {},
): Promise<Prompt[]> {
  await page.waitForURL((url) => url.origin === env.demo.issuer);
  const prompts: Prompt[] = [];
  while (!page.isClosed() && new URL(page.url()).origin === env.demo.issuer) {
    if (prompts.length > 3) throw new Error(`stuck at the authorization server: ${page.url()}`);
    const before = page.url();
    const prompt = (await page.locator('input[name="prompt"]').getAttribute('value')) as Prompt | null;
    if (prompt !== 'login' && prompt !== 'consent') throw new Error(`unexpected page at the authorization server: ${await page.title()}`);
    prompts.push(prompt);
    if (prompt === stopAt) return prompts;
    if (prompt === 'login') {
      await page.locator('input[name="login"]').fill(username);
      await page.locator('input[name="password"]').fill('any password');
    }
    const left = page.waitForURL((url) => url.href !== before).catch(() => undefined); // a popup may close instead
    await Promise.all([left, page.locator('button[type="submit"]').click()]);
  }
  return prompts;
}

/** Waits until the demo shows a signed-in user. */
export async function expectSignedIn(page: Page, name: string) {
  await expect.poll(() => page.locator('#user').textContent()).toContain(name);
  await expect.poll(() => page.locator('#status').textContent()).toBe(`Signed in as ${name}`);
}

/** A form POST from Node, the way the page would send it (public client: client_id, no secret). */
export async function postForm(endpoint: string, params: Record<string, string>, origin: string) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
    body: new URLSearchParams(params),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/** Uses a refresh token from Node exactly as the SDK does: client_id and resource (default the sign-in's) included. */
export const refreshFromNode = (env: DemoEnv, refreshToken: string, resource = env.demo.config.resource) =>
  postForm(
    env.discovery.token_endpoint,
    { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: env.demo.clientId, resource },
    env.demo.pageOrigin,
  );

/** Calls the demo API from Node with a bearer token. */
export async function callApiFromNode(env: DemoEnv, token: string, apiUrl = env.demo.apiUrl) {
  const response = await fetch(`${apiUrl}/api/me`, {
    headers: { Origin: env.demo.pageOrigin, Authorization: `Bearer ${token}` },
  });
  return { status: response.status, wwwAuthenticate: response.headers.get('www-authenticate'), body: await response.json() };
}

export const decodePart = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

/** The visible text of an element, with runs of whitespace collapsed. */
export const textOf = async (page: Page, selector: string) =>
  ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();
