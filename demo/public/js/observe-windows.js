// How the steps view sees the SDK's windows, from outside: the `navigate` option (the /authorize
// and end-session URLs of full-page navigations), the hidden iframe restoreSession() adds to the
// page, the responses handed back to this page by postMessage, and (from the fetch observer) the
// parameters pushed before each of them. Nothing in the SDK is patched.
import { short } from './format.js';

/**
 * What the authorization request showed: its URL's parameters or, when they were pushed first
 * (PAR, RFC 9126), the pushed ones, the URL then carrying only `client_id` and `request_uri`.
 * `target` is absent for a popup, whose address this page cannot read.
 */
const authorizeRecord = (via, target, push) => ({
  at: Date.now(),
  via,
  endpoint: target ? target.origin + target.pathname : undefined,
  params: push?.params ?? Object.fromEntries(target?.searchParams ?? []),
  pushed: push ? { endpoint: push.endpoint, requestUri: target?.searchParams.get('request_uri') ?? undefined } : undefined,
});

/** An authorization request's URL: its parameters, or a pushed request's reference. */
const isAuthorizationUrl = (url) => url.searchParams.has('code_challenge') || url.searchParams.has('request_uri');

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
  // This page's pushed authorization requests, newest last: the URL that follows one names it
  // only by request_uri, so it is matched by what it is for (a silent request asks prompt=none).
  const pushes = [];
  const silentPush = () => pushes.findLast((p) => p.params.prompt === 'none');
  const interactivePush = () => pushes.findLast((p) => p.params.prompt !== 'none');

  /** The `onPush` of the observed fetch. A popup's pushed request is all this page sees of it. */
  function pushed(push) {
    pushes.push(push);
    if (flow.data.via === 'popup' && !flow.data.callback && push.params.prompt !== 'none') {
      flow.set({ authorize: { ...authorizeRecord('popup', undefined, push), at: flow.data.authorize?.at ?? push.at } });
    }
  }

  /** The `navigate` option: note the URL for the steps view, then go there as the SDK would. */
  function observedNavigate(url) {
    const target = new URL(url);
    if (isAuthorizationUrl(target)) {
      const push = target.searchParams.has('request_uri') ? interactivePush() : undefined;
      flow.set({ via: 'redirect', authorize: authorizeRecord('redirect', target, push) });
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
        if (!isAuthorizationUrl(target)) continue;
        const push = target.searchParams.has('request_uri') ? silentPush() : undefined;
        // The start-up restore's iframe is this load's to show; a later one follows another tab.
        frame = { element: node, request: authorizeRecord('iframe', target, push), atLoad: flow.data.restore?.running === true };
        if (frame.atLoad) flow.set({ silent: { at: Date.now(), endpoint: frame.request.endpoint, prompt: frame.request.params.prompt, pushed: Boolean(push) } });
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
        flow.set({ callback: callbackRecord(url, { sentState: flow.data.authorize?.params?.state, issuer, via: 'popup' }) });
      }
    });
  }

  return { navigate: observedNavigate, watchWindows, pushed };
}
