// The README's start-up snippet on pkce-spa, against the demo's servers (window.bench.config):
// handleRedirect(), else restoreSession() (memory, then, for a browser that signed in here before, the
// silent iframe, answered by the lean page pkce-spa-silent.js at silentRedirectUri), and a "Sign in"
// button calling login().
// __DPOP__ is a build-time constant (bytes.mjs builds this file once with false, once with true).
import { createPkceClient } from 'pkce-spa';

const { config: c } = window.bench;
const auth = createPkceClient({
  issuer: c.issuer,
  clientId: c.clientId,
  redirectUri: c.redirectUri,
  silentRedirectUri: c.silentRedirectUri,
  scope: c.scope,
  resource: c.resource,
  apiOrigins: [c.apiUrl],
  dpop: __DPOP__,
});
// In a function, as the README writes it (a top-level await would make rollup split the SDK into a
// file per module it shares); window.started is set once start-up has settled.
async function start() {
  try {
    const result = await auth.handleRedirect();
    if (result) history.replaceState(null, '', result.returnTo);
    else await auth.restoreSession();
  } catch (error) {
    history.replaceState(null, '', '/');
    window.started = { error: String(error) };
    throw error;
  }
  window.started = { signedIn: auth.isAuthenticated() };
}
document.querySelector('#sign-in').onclick = () => auth.login({ returnTo: '/' });
start();
