import { vi } from 'vitest';
import { createPkceClient, type PkceClientOptions } from '../../src/index.js';
import { API_ORIGIN, CLIENT_ID, ISSUER, REDIRECT_URI, type TestServer } from './authorization-server.js';

/**
 * How long a test waits for login() to navigate: the first login() of a file loads (and Vitest
 * transforms) the sign-in modules, which a loaded machine took over Vitest's default second for.
 * A wait, not a timing assertion: a login() that navigates passes however long it took.
 */
export const NAVIGATION_WAIT = { timeout: 10_000, interval: 20 };

/** A client wired to the test server, recording where it sends the browser. */
export function createClient(server: TestServer, options: Partial<PkceClientOptions> = {}) {
  const navigations: string[] = [];
  const auth = createPkceClient({
    issuer: ISSUER,
    clientId: CLIENT_ID,
    redirectUri: REDIRECT_URI,
    resource: API_ORIGIN,
    apiOrigins: [API_ORIGIN],
    fetch: server.fetch,
    navigate: (url) => void navigations.push(url),
    ...options,
  });
  return { auth, navigations };
}

/** Starts login() (which never resolves) and returns the /authorize URL it navigated to. */
export async function startLogin(client: ReturnType<typeof createClient>, options?: Parameters<typeof client.auth.login>[0]) {
  const before = client.navigations.length;
  let failure: unknown;
  client.auth.login(options).catch((error) => (failure = error));
  await vi.waitFor(() => {
    if (failure) throw Object.assign(new Error('login failed'), { failure });
    if (client.navigations.length === before) throw new Error('no navigation yet');
  }, NAVIGATION_WAIT);
  return client.navigations.at(-1)!;
}

/** login → the server's /authorize → the browser lands on the callback URL. Returns that URL. */
export async function reachCallback(server: TestServer, client: ReturnType<typeof createClient>, answer?: Parameters<TestServer['authorize']>[1]) {
  const callback = await server.authorize(await startLogin(client, { returnTo: '/inbox?tab=2' }), answer);
  history.replaceState(null, '', callback);
  return callback;
}

/** A whole sign-in; resolves to handleRedirect()'s result. */
export async function signIn(server: TestServer, client = createClient(server)) {
  await reachCallback(server, client);
  return { client, result: await client.auth.handleRedirect() };
}

/** Resets the page between tests: address bar and storage. */
export function resetPage() {
  history.replaceState(null, '', '/');
  sessionStorage.clear();
  localStorage.clear();
}

/**
 * happy-dom has no Web Locks (`navigator.locks` is null). Tests of what two tabs do install
 * this stand-in: one holder per name at a time, the others queued, as the spec says; a request's
 * `signal` abandons it while it waits. With `query`, `query()` lists the names held and waited for
 * (a browser's lock manager does); without it, a page cannot look, as in a browser that lacks it.
 */
export function installWebLocks({ query = false }: { query?: boolean } = {}): () => void {
  const queues = new Map<string, Promise<unknown>>();
  const held = new Map<string, number>();
  const pending = new Map<string, number>();
  const count = (map: Map<string, number>, name: string, by: number) => map.set(name, (map.get(name) ?? 0) + by);
  const list = (map: Map<string, number>) => [...map].flatMap(([name, n]) => Array.from({ length: n }, () => ({ name, mode: 'exclusive' })));
  const locks = {
    request<T>(name: string, ...args: [() => Promise<T>] | [{ signal?: AbortSignal }, () => Promise<T>]): Promise<T> {
      const [options, callback] = args.length === 1 ? [{}, args[0]] : args;
      const previous = queues.get(name) ?? Promise.resolve();
      let granted = false;
      count(pending, name, 1);
      const run = previous.then(async () => {
        count(pending, name, -1);
        if (options.signal?.aborted) throw options.signal.reason;
        granted = true;
        count(held, name, 1);
        try {
          return await callback();
        } finally {
          count(held, name, -1);
        }
      });
      queues.set(name, run.catch(() => undefined));
      if (!options.signal) return run;
      return new Promise<T>((resolve, reject) => {
        options.signal!.addEventListener('abort', () => !granted && reject(options.signal!.reason), { once: true });
        run.then(resolve, reject);
      });
    },
    ...(query ? { query: async () => ({ held: list(held), pending: list(pending) }) } : {}),
  };
  Object.defineProperty(navigator, 'locks', { value: locks, configurable: true });
  return () => void delete (navigator as { locks?: unknown }).locks;
}
