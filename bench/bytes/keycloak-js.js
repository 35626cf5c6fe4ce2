// keycloak-js's typical app against a generic OpenID provider (oidcProvider): init() with
// onLoad 'check-sso' and its documented silent page (a prompt=none iframe), which also completes a
// sign-in on the callback page; a "Sign in" button. It has no DPoP mode.
import Keycloak from 'keycloak-js';

const { config: c } = window.bench;
const keycloak = new Keycloak({ clientId: c.clientId, oidcProvider: c.issuer });
document.querySelector('#sign-in').onclick = () => keycloak.login({ redirectUri: c.redirectUri });
let signedIn;
try {
  signedIn = await keycloak.init({
    pkceMethod: 'S256',
    checkLoginIframe: false, // needs check_session_iframe, which the provider does not offer
    scope: c.scope,
    onLoad: 'check-sso',
    silentCheckSsoRedirectUri: c.silentRedirectUri,
  });
} catch (error) {
  window.started = { error: String(error?.error ?? error) };
  throw error;
}
if (location.pathname === '/callback') history.replaceState(null, '', '/');
window.started = { signedIn };
