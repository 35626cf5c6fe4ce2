// How the steps view sees the SDK's windows, from outside: the `navigate` option (the /authorize
// and end-session URLs of full-page navigations), the hidden iframe restoreSession() adds to the
// page, and the responses handed back to this page by postMessage. Nothing in the SDK is patched.
import { short } from './format.js';

/** What the authorization request's URL shows; nothing in it is secret, but the steps keep it short. */
const authorizeRecord = (target, via) => ({
  at: Date.now(),
  via,
  endpoint: target.origin + target.pathname,
  url: target.href,
  params: Object.fromEntries(target.searchParams),
});

/** The callback as the steps show it, checked against the request it answers when that was seen. */
export function callbackRecord(url, { sentState, issuer, via }) {
  const params = Object.fromEntries(url.searchParams);
  return {
    at: Date.now(),
    via,
    path: url.pathname,
    code: params.code ? short(params.code) : undefined,
    state: short(params.state),
    stateMatches: sentState === undefined ? undefined : params.state === sentState,
    iss: params.iss,
    issMatches: params.iss === undefined ? undefined : params.iss === issuer,
    error: params.error,
    errorDescription: params.error_description,
  };
}

/**
 * @param flow - the page load's flow (flow.js)
 * @param issuer - the configured issuer, which a callback's `iss` must equal
 */
export function createWindowObservers(flow, { issuer }) {
  /** The `navigate` option: note the URL for the steps view, then go there as the SDK would. */
  function observedNavigate(url) {
    const target = new URL(url);
    if (target.searchParams.has('code_challenge')) {
      flow.set({ via: 'redirect', authorize: authorizeRecord(target, 'redirect') });
    } else {
      const params = Object.fromEntries(target.searchParams);
      if (params.id_token_hint) params.id_token_hint = short(params.id_token_hint);
      flow.set({ signout: { ...flow.data.signout, at: Date.now(), pending: true, endSession: { endpoint: target.origin + target.pathname, params } } });
    }
    location.assign(url);
  }

  /**
   * Watches the hidden iframe of a silent sign-in (restoreSession(), or following a sign-in in
   * another tab) and the responses handed back to this page: from that iframe, or from a popup.
   * A silent answer with a code starts this page's sign-in record; one without only shows in the
   * "this page load" panel.
   */
  function watchWindows() {
    let frame; // { element, request }
    new MutationObserver((records) => {
      for (const node of records.flatMap((r) => [...r.addedNodes])) {
        if (!(node instanceof HTMLIFrameElement) || !node.src) continue;
        const target = new URL(node.src);
        if (!target.searchParams.has('code_challenge')) continue;
        // The start-up restore's iframe is this load's to show; a later one follows another tab.
        frame = { element: node, request: authorizeRecord(target, 'iframe'), atLoad: flow.data.restore?.running === true };
        if (frame.atLoad) flow.set({ silent: { at: Date.now(), endpoint: frame.request.endpoint, prompt: target.searchParams.get('prompt') } });
      }
    }).observe(document.body, { childList: true });

    addEventListener('message', (event) => {
      const message = event.data;
      if (event.origin !== location.origin || message?.type !== 'pkce-spa:response' || typeof message.url !== 'string') return;
      const url = new URL(message.url);
      if (frame && event.source === frame.element.contentWindow) {
        const callback = callbackRecord(url, { sentState: frame.request.params.state, issuer, via: 'iframe' });
        if (frame.atLoad) flow.set({ silent: { ...flow.data.silent, answer: { code: callback.code, error: callback.error } } });
        if (callback.code) flow.reset({ via: 'iframe', authorize: frame.request, callback });
        frame = undefined;
      } else if (flow.data.via === 'popup') {
        flow.set({ callback: callbackRecord(url, { issuer, via: 'popup' }) });
      }
    });
  }

  return { navigate: observedNavigate, watchWindows };
}
