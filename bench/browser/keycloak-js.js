// keycloak-js against a generic OpenID provider (oidcProvider): init() discovers at load. Restore:
// onLoad 'check-sso' with a silent page (a prompt=none iframe). It keeps no tokens across a reload.
import Keycloak from 'keycloak-js';

const { config: c, mode } = window.bench;
const started = performance.now();
const keycloak = new Keycloak({ clientId: c.clientId, oidcProvider: c.issuer });
document.querySelector('#sign-in').onclick = () => keycloak.login({ redirectUri: c.redirectUri });
const signedIn = await keycloak.init({
  pkceMethod: 'S256',
  checkLoginIframe: false, // needs check_session_iframe, which the provider does not offer
  scope: c.scope,
  ...(mode === 'restore' ? { onLoad: 'check-sso', silentCheckSsoRedirectUri: c.silentRedirectUri } : {}),
});
if (location.pathname === '/callback') history.replaceState(null, '', '/');
window.started = { ms: performance.now() - started, signedIn, via: signedIn ? 'iframe' : 'none' };
