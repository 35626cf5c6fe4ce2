import type { ClientContext } from '../context.js';
import { LoginRequiredError } from '../../shared/errors.js';
import { awaitResponse } from '../../browser/relay-window.js';
import { beginLogin } from './begin.js';
import { completeLogin, type CompletedLogin } from './complete.js';

// When the iframe stays on the authorization server (a page instead of an answer: a login form
// despite prompt=none, or an error page because the server refuses to be framed), nothing more
// will come. A second of quiet after its last load is enough to tell; the timeout is the backstop.
const SETTLED_AFTER_MS = 1_000;

/**
 * @internal A silent sign-in (`prompt=none`, OIDC Core §3.1.2.1) in a hidden iframe, answered on the
 * silent redirect URI and handed back by `postMessage` with this origin as `targetOrigin`; the
 * message is taken only from this origin and this iframe, for this state (RFC 9700 §4.18).
 *
 * @throws {@link LoginRequiredError}: the server needs the user (`error` is its answer, such as
 *   `login_required` when third-party cookies are blocked), no answer came (`error: 'no_answer'`),
 *   or none in `timeout` milliseconds (`error: 'timeout'`); the errors of the callback checks.
 */
export async function loginSilently(ctx: ClientContext, timeout: number): Promise<CompletedLogin> {
  const { url, state } = await beginLogin(ctx, { params: { prompt: 'none' }, returnTo: location.href }, 'silent');
  const iframe = document.createElement('iframe');
  iframe.setAttribute('aria-hidden', 'true');
  iframe.tabIndex = -1;
  iframe.style.display = 'none';
  const controller = new AbortController();
  const end = (error: string, message: string) => controller.abort(new LoginRequiredError(message, { error }));
  const timer = setTimeout(() => end('timeout', 'The silent sign-in gave no answer in time'), timeout);
  let settle: ReturnType<typeof setTimeout> | undefined;
  iframe.addEventListener('load', () => {
    clearTimeout(settle);
    let here = false;
    try {
      here = iframe.contentWindow?.location.origin === location.origin; // readable only on this origin
    } catch {
      // still at the authorization server
    }
    if (!here) settle = setTimeout(() => end('no_answer', 'The authorization server answered the silent sign-in with a page, not a redirect'), SETTLED_AFTER_MS);
  });
  try {
    const response = awaitResponse(state, { source: () => iframe.contentWindow, channel: false, signal: controller.signal });
    iframe.src = url.href;
    document.body.append(iframe);
    return await completeLogin(ctx, await response);
  } finally {
    clearTimeout(timer);
    clearTimeout(settle);
    iframe.remove();
  }
}
