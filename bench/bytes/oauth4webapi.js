// oauth4webapi's typical hand-written app, as its README shows: discovery at load, the callback's
// code exchange and ID token checks (no signature check: oauth4webapi leaves that out), a "Sign in"
// button that builds the request. No session restore: a returning user with tokens in memory is
// signed out. With __DPOP__ (a build-time constant) the token request is DPoP-bound (a key pair made
// at the callback).
import * as oauth from 'oauth4webapi';

const { config: c } = window.bench;
const issuer = new URL(c.issuer);
const client = { client_id: c.clientId };
// The demo's authorization server is plain http on loopback.
const http = { [oauth.allowInsecureRequests]: true };
const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http));
document.querySelector('#sign-in').onclick = async () => {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  sessionStorage.setItem('tx', JSON.stringify({ verifier, state, nonce }));
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    redirect_uri: c.redirectUri,
    response_type: 'code',
    scope: c.scope,
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  location.assign(url);
};
let tokens;
if (location.pathname === '/callback') {
  try {
    const tx = JSON.parse(sessionStorage.getItem('tx'));
    sessionStorage.removeItem('tx');
    const callback = oauth.validateAuthResponse(as, client, new URL(location.href), tx.state);
    const DPoP = __DPOP__ ? oauth.DPoP(client, await oauth.generateKeyPair('ES256')) : undefined;
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, c.redirectUri, tx.verifier, { ...http, DPoP });
    tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: tx.nonce, requireIdToken: true });
    history.replaceState(null, '', '/');
  } catch (error) {
    window.started = { error: String(error) };
    throw error;
  }
}
window.started = { signedIn: !!tokens };
