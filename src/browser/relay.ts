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

/**
 * On a callback page: hands a silent or popup response to the page that asked for it, then
 * (popup) closes the window. Resolves `true` when it was handed over, `false` when no page took
 * it within `waitMs` milliseconds (then it answers no login of this window). `handleRedirect()`
 * calls it; call it yourself on a lean callback page that loads nothing else. Its code is loaded on
 * first use.
 *
 * @param url - The callback URL. Default `location.href`.
 * @param waitMs - How long a popup waits for the opener's acknowledgement. Default 3000.
 * @example
 * ```html
 * <!-- silent-callback.html, registered as silentRedirectUri -->
 * <script src="/pkce-spa.iife.js"></script>
 * <script src="/silent-callback.js"></script> <!-- PkceSpa.relayCallback() -->
 * ```
 */
export async function relayCallback(url: string = location.href, waitMs = 3_000): Promise<boolean> {
  return (await import('./relay-window.js')).relay(url, waitMs);
}
