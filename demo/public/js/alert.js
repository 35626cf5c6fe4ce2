// The error banner under the header: one message at a time, with "Try again" or "Sign in again".
import { $ } from './dom.js';

/**
 * @param signIn - what "Sign in again" does (the session card's redirect sign-in)
 */
export function createAlert({ signIn }) {
  let retry;

  function hide() {
    $('error').hidden = true;
    retry = undefined;
  }

  /**
   * Shows `{ title, help, header, detail, action }` (see explain.js). `action` 'sign-in' offers a
   * new sign-in, 'none' nothing, anything else `onRetry`. `source` tags the message so that
   * the part of the page it came from can put it away once that works again.
   */
  function show({ title, help, header, detail, action }, onRetry, source) {
    if (source) $('error').dataset.source = source;
    else delete $('error').dataset.source;
    $('error-title').textContent = title;
    $('error-help').textContent = help ?? '';
    $('error-header').textContent = header ?? '';
    $('error-header').hidden = !header;
    $('error-detail').textContent = detail ?? '';
    $('error-detail').hidden = !detail;
    retry = action === 'sign-in' ? signIn : action === 'none' ? undefined : onRetry;
    $('error-retry').textContent = action === 'sign-in' ? 'Sign in again' : 'Try again';
    $('error-retry').hidden = !retry;
    $('error').hidden = false;
  }

  $('error-dismiss').addEventListener('click', () => {
    hide();
    $('sign-in').focus?.();
  });
  $('error-retry').addEventListener('click', () => {
    const again = retry;
    hide();
    again?.();
  });

  return {
    show,
    hide,
    /** Hides the banner if it shows a message from `source`. */
    clear: (source) => $('error').dataset.source === source && hide(),
  };
}
