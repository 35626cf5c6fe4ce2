import type { ClientContext } from '../context.js';
import { PopupError } from '../../shared/errors.js';
import type { LoginOptions } from '../types.js';
import { awaitResponse } from '../../browser/relay-window.js';
import { beginLogin } from './begin.js';
import { completeLogin, type CompletedLogin } from './complete.js';

// A `Cross-Origin-Opener-Policy` on the authorization server's page cuts the opener's view of the
// popup as soon as that page loads, and `popup.closed` then reads true while the user signs in. A
// person does not close a sign-in window within seconds of its opening, so a `closed` seen that
// early means the view was cut: the answer then comes on the BroadcastChannel, or the timeout ends it.
const SEVERED_WITHIN_MS = 3_000;

/**
 * @internal Runs a sign-in in `popup`: the same transaction, state, nonce, PKCE and RFC 9207
 * checks as the redirect, the response handed back by the callback page (see relay.ts).
 *
 * @throws {@link PopupError} `popup_closed` or `popup_timeout`; the errors of the callback checks.
 */
export async function loginWithPopupWindow(
  ctx: ClientContext,
  popup: Window,
  options: LoginOptions & { timeout?: number },
): Promise<CompletedLogin> {
  const controller = new AbortController();
  let poll: ReturnType<typeof setInterval> | undefined;
  const timer = setTimeout(
    () => controller.abort(new PopupError('popup_timeout', 'The sign-in popup gave no answer in time')),
    options.timeout ?? 300_000,
  );
  try {
    const { url, state } = await beginLogin(ctx, options, 'popup');
    const closed = () => new PopupError('popup_closed', 'The sign-in popup was closed before the sign-in completed');
    if (popup.closed) throw closed();
    const navigated = Date.now();
    let severed = false;
    poll = setInterval(() => {
      if (!popup.closed || severed) return;
      if (Date.now() - navigated < SEVERED_WITHIN_MS) severed = true;
      else controller.abort(closed());
    }, 250);
    popup.location.href = url.href;
    const response = await awaitResponse(state, { source: () => popup, channel: true, signal: controller.signal });
    return await completeLogin(ctx, response);
  } finally {
    clearTimeout(timer);
    clearInterval(poll);
    popup.close();
  }
}
