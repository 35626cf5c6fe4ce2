// The README's start-up snippet on pkce-spa, against the demo's servers (window.bench.config):
// handleRedirect(), else restoreSession() (memory, then, for a browser that signed in here before, the
// silent iframe, answered by the lean page pkce-spa-silent.js at silentRedirectUri), and a "Sign in"
// button calling login().
// __DPOP__ and __STORE__ are build-time constants (bytes.mjs builds this file with each).
import { createPkceClient, webStorageTokenStore } from 'pkce-spa';

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
  // __STORE__: the same app keeping its session in sessionStorage (the reload scenario).
  tokenStore: __STORE__ ? webStorageTokenStore(sessionStorage) : undefined,
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
