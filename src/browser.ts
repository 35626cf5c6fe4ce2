import { callbackParams } from './callback.js';
import { ConfigError } from './errors.js';

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

/** @internal Removes OAuth response parameters from the address bar, when `url` is the current page. */
export function tidyAddressBar(url: string): void {
  if (url !== location.href) return;
  const clean = new URL(url);
  for (const name of callbackParams) clean.searchParams.delete(name);
  history.replaceState(history.state, '', clean);
}
