// The pkce-spa demo page: a single-page app with no framework, using the real SDK build
// (/dist/pkce-spa.iife.js, global PkceSpa) and the settings of the running servers (/config.json).
//
// This file is the wiring, in the order a page load runs. The parts, as a reader walks the page:
//   js/session-card.js   the session: sign in (redirect or popup), the user, sign out
//   js/api-card.js       calling the API with the token, and with a tampered one
//   js/token-card.js     the access token and its countdown
//   js/steps.js          the step-by-step column (load-panel.js, steps-sign-in.js, steps-session.js)
//   js/observe-*.js      how that column sees the SDK at work, from outside; js/flow.js keeps it
/* global PkceSpa */
import { createAlert } from './js/alert.js';
import { createApiCard } from './js/api-card.js';
import { setStatus } from './js/dom.js';
import { explain } from './js/explain.js';
import { continuesFlow, createFlow } from './js/flow.js';
import { createObservedFetch } from './js/observe-requests.js';
import { callbackRecord, createWindowObservers } from './js/observe-windows.js';
import { createSessionCard } from './js/session-card.js';
import { createStepsView } from './js/steps.js';
import { createTokenCard } from './js/token-card.js';

// Read before handleRedirect() removes code, state and iss from the address bar.
const LANDING = new URL(location.href);

async function loadConfig() {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json answered HTTP ${response.status}`);
  return response.json();
}

/** Stops with a message when the page cannot run at all. */
function cannotStart(status, info) {
  setStatus(status);
  createStepsView(createFlow({ carryOver: false }));
  createAlert({ signIn: () => location.reload() }).show({ action: 'none', ...info });
}

async function start() {
  let config;
  try {
    config = await loadConfig();
  } catch (err) {
    return cannotStart('Not configured', { title: 'The demo could not load its settings.', help: 'Is `npm run demo` still running?', detail: `Details: ${err.message}` });
  }
  if (!globalThis.PkceSpa) {
    return cannotStart('SDK missing', { title: 'The SDK build did not load.', help: 'Run `npx rollup -c` (npm run demo builds it), then reload.' });
  }

  // A callback, or the return from a sign-out, continues what this tab recorded before it left;
  // any other load (a reload too) shows only what it does itself.
  const isCallback = PkceSpa.isCallbackUrl(LANDING, config.redirectUri);
  const carryOver = continuesFlow(LANDING, isCallback);
  const flow = createFlow({ carryOver });
  flow.set({ restore: { running: true }, events: undefined, silent: undefined });
  createStepsView(flow).useConfig(config);
  const windows = createWindowObservers(flow, { issuer: config.issuer });
  windows.watchWindows();

  let auth;
  try {
    auth = PkceSpa.createPkceClient({
      issuer: config.issuer,
      clientId: config.clientId,
      redirectUri: config.redirectUri,
      // The lean silent-callback.html answers both the hidden iframe and the popup.
      silentRedirectUri: config.silentRedirectUri,
      popupRedirectUri: config.silentRedirectUri,
      scope: config.scope,
      resource: config.resource,
      // The demo API gets the sign-in's token; the billing API one of its own (its audience, its
      // scope), asked for with the refresh token the first time the page calls it.
      apiOrigins: [config.apiUrl, { origin: config.billingUrl, resource: config.billingUrl, scope: config.billingScope }],
      postLogoutRedirectUri: config.postLogoutRedirectUri,
      // Sender-constrained tokens (RFC 9449): a copied token is useless without this page's key.
      dpop: config.dpop,
      fetch: createObservedFetch(flow, { onPush: windows.pushed }),
      navigate: windows.navigate,
    });
  } catch (err) {
    return cannotStart('Not configured', explain(err));
  }

  const alert = createAlert({ signIn: () => session.signIn() });
  const session = createSessionCard({ auth, flow, alert });
  const api = createApiCard({ auth, config, alert });
  const token = createTokenCard({ auth, alert });
  const render = () => {
    session.render();
    api.render();
    return token.show();
  };

  // The SDK's events: what they change on screen, and a line each in the "this page load" panel.
  let restored = false;
  auth.on('signed-in', ({ via, elsewhere }) => {
    // After start-up, a silent sign-in here follows a sign-in made in another tab.
    const following = restored && via === 'iframe';
    flow.logEvent({ name: 'signed-in', text: `via ${via}${following ? ', following a sign-in in another tab' : ''}`, elsewhere: elsewhere || following });
    // A sign-in made in this tab (not loaded from a store) has just passed the ID token checks.
    if (via === 'redirect' || via === 'popup' || via === 'iframe') flow.set({ verified: { at: Date.now() } });
    render().catch(() => undefined);
  });
  // A refresh of the billing API's token changes its row only; the sign-in's shows in the token card.
  auth.on('refreshed', ({ resource }) => void (resource ? api.render() : token.refreshed()).catch(() => undefined));
  auth.on('refresh-failed', ({ error }) => flow.logEvent({ name: 'refresh-failed', text: `${error.code}: the session is kept` }));
  auth.on('revocation-failed', ({ reason }) => flow.logEvent({ name: 'revocation-failed', text: `${reason}: the refresh token may work until it expires` }));
  auth.on('session-ended', ({ reason, error, elsewhere }) => {
    flow.logEvent({ name: 'session-ended', text: reason, elsewhere });
    render().catch(() => undefined);
    if (reason === 'logout' && !elsewhere) return setStatus('Signing out…');
    if (reason === 'logout') return session.say('You signed out in another tab of this app.');
    session.say('Your session has ended.');
    alert.show(explain(error ?? { code: 'login_required' }));
  });

  if (isCallback) {
    flow.reset({ via: 'redirect', authorize: flow.data.authorize, callback: callbackRecord(LANDING, {
      sentState: flow.data.authorize?.params?.state, issuer: config.issuer, via: 'redirect' }) });
    setStatus('Completing sign-in…');
  }
  // A callback this tab already completed (a reload of it, or Back to the sign-in) resolves null: the
  // sign-in was done before, so the page restores the session as any other load would.
  let answeredAgain = false;
  try {
    const result = await auth.handleRedirect();
    if (result) history.replaceState(null, '', result.returnTo);
    else if (isCallback) {
      answeredAgain = true;
      history.replaceState(null, '', '/');
    }
  } catch (err) {
    history.replaceState(null, '', '/');
    if (flow.data.callback) {
      if (flow.data.token?.fields) {
        // Refused after the token request: the ID token, or the token endpoint's answer.
        if (err?.code === 'invalid_id_token') flow.set({ idTokenError: err.message });
      } else if (err?.code !== 'oauth_error' || !flow.data.callback.error) {
        // An OAuth error in the callback is the server's answer; anything else is the SDK refusing it.
        flow.set({ callback: { ...flow.data.callback, refused: err?.code ?? 'error' } });
      }
    }
    alert.show(explain(err), () => session.signIn());
  }

  // Back from the end-session page: handleRedirect() has checked the returning state.
  if (carryOver && flow.data.signout?.pending) {
    flow.set({ signout: { ...flow.data.signout, pending: false, back: Date.now() } });
    session.say('You signed out: the refresh token was revoked and the session at the authorization server has ended.');
  }

  // Tokens live in memory, so after a reload only the server can bring the session back: a
  // silent sign-in in a hidden iframe, for a browser that signed in here before (the default).
  // Not on a callback or a sign-out's return, whose outcome (a refusal, a sign-out) the user
  // should see as it is.
  const showOutcome = carryOver && !answeredAgain;
  if (!auth.isAuthenticated() && !showOutcome) setStatus('Restoring session…');
  const began = performance.now();
  const result = await auth.restoreSession(showOutcome ? { silent: false } : {});
  restored = true;
  flow.set({ restore: { at: Date.now(), via: result.via, reason: result.reason, ms: performance.now() - began, anonymous: !showOutcome && !auth.hadSession() } });
  if (result.error?.code === 'invalid_id_token') flow.set({ idTokenError: result.error.message });

  await render().catch((err) => alert.show(explain(err), render));
  document.body.dataset.ready = 'true';
}

start();
