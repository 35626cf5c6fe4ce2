import { callbackParams } from '../protocol/callback.js';
import { ConfigError, PopupError } from '../shared/errors.js';
import { POPUP_WINDOW } from './names.js';

/**
 * @internal Calls that read or change the page need a browser. Outside one (server-side rendering,
 * Node) they fail with a typed error instead of a `ReferenceError` on `location`.
 *
 * @throws {@link ConfigError}
 */
export function requireBrowser(call: string): void {
  if (typeof location === 'undefined' || typeof history === 'undefined') {
    throw new ConfigError(`${call} needs a browser page (location, history): call it in the browser, not during server-side rendering`);
  }
}

/** @internal Resolves `url` against the page and refuses another origin. @throws {@link ConfigError} */
export function sameOrigin(url: string, field: string): URL {
  const target = new URL(url, location.href);
  if (target.origin !== location.origin) throw new ConfigError(`"${field}" must be on this page's origin`);
  return target;
}

/**
 * @internal The same-origin path (with query and fragment) to return to, as the app will use it.
 * The check holds for this exact string, never for a value serialized again later: a path that
 * starts with `//` or `/\` (`/..//evil.example` resolves to one) is a link to another host in
 * `location.assign`, `<a href>` and routers alike, so leading slashes collapse to one (RFC 9700 §4.11).
 *
 * @throws {@link ConfigError} when `url` is on another origin.
 */
export function sameOriginPath(url: string, field: string): string {
  const target = sameOrigin(url, field);
  const path = `/${target.pathname.replace(/^[/\\]+/, '')}${target.search}${target.hash}`;
  if (new URL(path, location.href).origin !== location.origin) throw new ConfigError(`"${field}" must be on this page's origin`);
  return path;
}

/**
 * @internal Refuses a `redirectUri` on another origin than the page: the login transaction waits in
 * this origin's storage, so a callback on another origin (`localhost` vs `127.0.0.1`) could not find
 * it and would fail as an unknown `state`.
 *
 * @throws {@link ConfigError}
 */
export function checkRedirectOrigin(redirectUri: string): void {
  const { origin } = new URL(redirectUri);
  if (origin !== location.origin) {
    throw new ConfigError(
      `"redirectUri" is on ${origin} but this page is on ${location.origin}: open the app on the redirect URI's origin (or register one on this origin), since the sign-in waits in this origin's storage`,
    );
  }
}

/** @internal Removes OAuth response parameters from the address bar, when `url` is the current page. */
export function tidyAddressBar(url: string): void {
  if (url !== location.href) return;
  const clean = new URL(url);
  for (const name of callbackParams) clean.searchParams.delete(name);
  history.replaceState(history.state, '', clean);
}

/**
 * @internal Opens the popup at once, in the click that asked for it: browsers block a popup opened
 * after an await has spent the user's activation.
 *
 * @throws {@link PopupError} `popup_blocked`
 */
export function openPopup(): Window {
  const popup = window.open('about:blank', POPUP_WINDOW, 'popup,width=480,height=680');
  if (!popup) throw new PopupError('popup_blocked', 'The browser blocked the sign-in popup: call loginWithPopup() from a click');
  return popup;
}
