/**
 * How an authorization response reaches the page that asked for it when it lands in another
 * window: a hidden iframe (silent sign-in) or a popup. The `state` of such a request starts with
 * `s.` (silent) or `p.` (popup), so the callback page knows, without any storage, to hand the
 * response over instead of completing it (RFC 9700 §4.18):
 *
 * - silent: `parent.postMessage(message, location.origin)`; the parent checks `event.origin` and
 *   `event.source` (its own iframe) and the `state`.
 * - popup: `opener.postMessage(message, location.origin)` when there is an opener, and always a
 *   BroadcastChannel named after the `state`, since an authorization server that sends
 *   `Cross-Origin-Opener-Policy` leaves the popup without `opener`. Only the page that made the
 *   state knows the channel's name; it acknowledges on it, and the popup closes.
 *
 * The message is `{ type: 'pkce-spa:response', url }`: the response URL, whose code is useless
 * without the verifier that never left the asking page's transaction store.
 *
 * @packageDocumentation
 */

/** Where an authorization response is completed. */
export type ResponseMode = 'redirect' | 'silent' | 'popup';

const prefixes = { silent: 's.', popup: 'p.' } as const;

/** @internal The `state` of a request answered in `mode`: the random value with the mode's prefix. */
export const stateFor = (mode: ResponseMode, random: string): string => (mode === 'redirect' ? random : prefixes[mode] + random);

/** @internal The mode a `state` was made for. */
export const modeOf = (state: string | null): ResponseMode =>
  state?.startsWith(prefixes.silent) ? 'silent' : state?.startsWith(prefixes.popup) ? 'popup' : 'redirect';

/** @internal The message a callback window sends. */
export interface ResponseMessage {
  type: 'pkce-spa:response';
  url: string;
}

/** @internal True for a response message carrying the response to `state`. */
export function isResponseFor(data: unknown, state: string): data is ResponseMessage {
  const message = data as Partial<ResponseMessage> | null;
  if (typeof message !== 'object' || message === null || message.type !== 'pkce-spa:response' || typeof message.url !== 'string') {
    return false;
  }
  try {
    return new URL(message.url).searchParams.get('state') === state;
  } catch {
    return false;
  }
}

/** @internal The BroadcastChannel a popup's response travels on: named after its `state`. */
export const responseChannel = (state: string) => `pkce-spa:response:${state}`;

/**
 * On a callback page: hands a silent or popup response to the page that asked for it, then
 * (popup) closes the window. Resolves `true` when it was handed over, `false` when no page took
 * it within `waitMs` milliseconds (then it answers no login of this window). `handleRedirect()`
 * calls it; call it yourself on a lean callback page that loads nothing else.
 *
 * @param url - The callback URL. Default `location.href`.
 * @param waitMs - How long a popup waits for the opener's acknowledgement. Default 3000.
 * @example
 * ```html
 * <!-- silent-callback.html, registered as silentRedirectUri -->
 * <script src="/pkce-spa.iife.js"></script>
 * <script>PkceSpa.relayCallback()</script>
 * ```
 */
export async function relayCallback(url: string = location.href, waitMs = 3_000): Promise<boolean> {
  const state = new URL(url).searchParams.get('state') ?? '';
  const mode = modeOf(state);
  const message: ResponseMessage = { type: 'pkce-spa:response', url };
  if (mode === 'silent') {
    if (window.parent === window) return false;
    window.parent.postMessage(message, location.origin);
    return true;
  }
  if (mode !== 'popup' || typeof BroadcastChannel !== 'function') return false;
  const channel = new BroadcastChannel(responseChannel(state));
  try {
    const acknowledged = new Promise<boolean>((resolve) => {
      channel.onmessage = (event) => event.data === 'ack' && resolve(true);
      setTimeout(() => resolve(false), waitMs);
    });
    window.opener?.postMessage(message, location.origin);
    channel.postMessage(message);
    if (!(await acknowledged)) return false;
  } finally {
    channel.close();
  }
  window.close();
  return true;
}

/**
 * @internal Waits for the response to `state`: by `postMessage` from `source` (checked: this origin,
 * that window) and, for popups, on the state's BroadcastChannel, which it then acknowledges. Rejects
 * with `signal`'s reason when it aborts first.
 */
export function awaitResponse(
  state: string,
  options: { source: () => MessageEventSource | null; channel: boolean; signal: AbortSignal },
): Promise<URL> {
  return new Promise<URL>((resolve, reject) => {
    const channel = options.channel && typeof BroadcastChannel === 'function' ? new BroadcastChannel(responseChannel(state)) : undefined;
    const done = () => {
      removeEventListener('message', onWindowMessage);
      channel?.close();
    };
    const accept = (data: unknown) => {
      if (!isResponseFor(data, state)) return;
      channel?.postMessage('ack');
      done();
      resolve(new URL(data.url));
    };
    const onWindowMessage = (event: MessageEvent) => {
      const source = options.source();
      if (event.origin === location.origin && source !== null && event.source === source) accept(event.data);
    };
    addEventListener('message', onWindowMessage);
    if (channel) channel.onmessage = (event) => accept(event.data);
    const abort = () => {
      done();
      reject(options.signal.reason);
    };
    if (options.signal.aborted) abort();
    else options.signal.addEventListener('abort', abort, { once: true });
  });
}
