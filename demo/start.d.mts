// Types for the TypeScript tests that import start.mjs.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;
/**
 * Takes a server's own handler and returns the one the server uses: a test sees what the server
 * received and answered, or answers a request itself, without routing the browser's requests
 * (which would let Playwright answer CORS preflights in the servers' place).
 */
export type WrapHandler = (handler: RequestHandler) => RequestHandler;

export interface DemoConfig {
  issuer: string;
  clientId: string;
  redirectUri: string;
  /** The lean page that hands silent and popup responses back to the page that asked. */
  silentRedirectUri: string;
  /** Whether the page asks for DPoP-bound tokens. */
  dpop: boolean;
  postLogoutRedirectUri: string;
  /** The scope string to request. */
  scope: string;
  /** The RFC 8707 resource indicator to send (the API's URL, also the access tokens' audience). */
  resource: string;
  apiUrl: string;
  apiScope: string;
  /** The second API: its URL (its resource indicator and its tokens' audience) and its scope. */
  billingUrl: string;
  billingScope: string;
  /** Access token lifetime in seconds. */
  accessTokenTtl: number;
}

export interface StartDemoOptions {
  /** Loopback name the servers listen on and appear under; default 'localhost'. */
  host?: 'localhost' | '127.0.0.1' | '::1';
  /** Loopback name of the page alone (another site than the servers when it differs); default `host`. */
  pageHost?: 'localhost' | '127.0.0.1' | '::1';
  /** Send `Cross-Origin-Opener-Policy: same-origin` from the authorization server. */
  coop?: boolean;
  /** The page uses DPoP-bound tokens (RFC 9449); default true. */
  dpop?: boolean;
  /** Require DPoP nonces at the authorization server's token endpoint and at the API; default: as `dpop`. */
  dpopNonces?: boolean;
  /** Ports; 0 (the default) picks a free one. */
  pagePort?: number;
  authPort?: number;
  apiPort?: number;
  billingPort?: number;
  /** Access token lifetime in seconds; default 60. */
  accessTokenTtl?: number;
  /** No console output (server errors are not printed). */
  quiet?: boolean;
  /**
   * Served at the page origin instead of the demo page: a built app, whose index.html answers '/',
   * '/callback' and every path without a file of its own; its pages may call any origin.
   */
  publicDir?: string;
  /**
   * Origins of a developer's own apps (a Vite dev server): their /callback and /silent-callback.html
   * are registered redirect URIs, their / the post-logout URI, and both servers allow them by CORS.
   */
  appOrigins?: string[];
  /** Seconds between two DPoP nonces of the API (default 60): a test of their life shortens it. */
  nonceRotation?: number;
  /** Wraps the page server's, the authorization server's, the API's or the billing API's handler. */
  wrap?: { page?: WrapHandler; auth?: WrapHandler; api?: WrapHandler; billing?: WrapHandler };
}

export interface RunningDemo {
  /** The demo page, e.g. http://localhost:5173/ */
  pageUrl: string;
  pageOrigin: string;
  issuer: string;
  apiUrl: string;
  /** The second API, whose tokens have their own audience. */
  billingUrl: string;
  clientId: string;
  scope: string;
  /** What the page server serves as /config.json. */
  config: DemoConfig;
  /** The `appOrigins` the servers accept besides the page's. */
  appOrigins: string[];
  /** oidc-provider's development notices, collected instead of printed. */
  notices: string[];
  close(): Promise<void>;
}

export interface StartDemoPageOptions {
  /** Loopback name the page listens on and appears under; default 'localhost'. */
  host?: 'localhost' | '127.0.0.1' | '::1';
  /** Port; 0 (the default) picks a free one. */
  port?: number;
  /** What /config.json answers, read on every request. */
  config: () => object;
  /** Wraps the page server's handler. */
  wrap?: WrapHandler;
}

export interface RunningDemoPage {
  /** The demo page, e.g. http://localhost:5173/ */
  pageUrl: string;
  pageOrigin: string;
  close(): Promise<void>;
}

export declare const DEFAULTS: Required<Omit<StartDemoOptions, 'quiet' | 'wrap'>>;
export declare function startDemo(options?: StartDemoOptions): Promise<RunningDemo>;
export declare function startDemoPage(options: StartDemoPageOptions): Promise<RunningDemoPage>;
