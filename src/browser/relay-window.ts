/**
 * Both windows' side of the relay protocol described in relay.ts: the callback window hands the
 * response over, the asking page waits for it. Loaded only where a popup or iframe is in play.
 *
 * @internal
 * @packageDocumentation
 */
import { RESPONSE_MESSAGE, responseChannel } from './names.js';
import { modeOf } from './response-mode.js';

/** The message a callback window sends. */
interface ResponseMessage {
  type: typeof RESPONSE_MESSAGE;
  url: string;
}

/** True for a response message carrying the response to `state`. */
function isResponseFor(data: unknown, state: string): data is ResponseMessage {
  const message = data as Partial<ResponseMessage> | null;
  if (typeof message !== 'object' || message === null || message.type !== RESPONSE_MESSAGE || typeof message.url !== 'string') {
    return false;
  }
  try {
    return new URL(message.url).searchParams.get('state') === state;
  } catch {
    return false;
  }
}



/** @internal The callback window's side of the relay; see `relayCallback`. */
export async function relay(url: string, waitMs: number): Promise<boolean> {
  const state = new URL(url).searchParams.get('state') ?? '';
  const mode = modeOf(state);
  const message: ResponseMessage = { type: RESPONSE_MESSAGE, url };
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
