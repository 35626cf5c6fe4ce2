// pkce-spa, set up as the demo page sets it up, from the real build (global PkceSpa, loaded by
// the page's <script src="/dist/pkce-spa.iife.js">). At load: handleRedirect(), then
// restoreSession() — silent: false for the click benchmark (no iframe, the metadata warms in the
// background), silent: true or the default for the restore benchmark.
const { config: c, mode, store } = window.bench;
// The same app as pkce-spa-par-off, which the page server picks by the bench-app cookie.
const par = document.cookie.includes('bench-app=pkce-spa-par-off') ? false : undefined;
const started = performance.now();
const auth = PkceSpa.createPkceClient({
  issuer: c.issuer,
  clientId: c.clientId,
  redirectUri: c.redirectUri,
  silentRedirectUri: c.silentRedirectUri,
  scope: c.scope,
  resource: c.resource,
  apiOrigins: [c.apiUrl],
  tokenStore: store === 'sessionStorage' ? PkceSpa.webStorageTokenStore(sessionStorage) : undefined,
  // oidc-provider offers PAR (RFC 9126), which pkce-spa then uses: the click waits for the push.
  par,
});
document.querySelector('#sign-in').onclick = () => auth.login({ returnTo: '/' });
const result = await auth.handleRedirect();
if (result) history.replaceState(null, '', result.returnTo);
// 'restore' asks the server whatever the hint says (silent: true), as the peers' silent sign-ins do;
// 'restore-default' is the README's call, which asks only a browser that signed in here before.
const restored = await auth.restoreSession(mode === 'restore-default' ? {} : { silent: mode === 'restore' });
window.started = { ms: performance.now() - started, signedIn: restored.signedIn, via: restored.via };
