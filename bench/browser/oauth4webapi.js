// oauth4webapi as its README shows: discovery at load, the click builds the request and leaves.
// It has no session restore of its own, so it runs in the click benchmark only.
import * as oauth from 'oauth4webapi';

const { config: c } = window.bench;
const issuer = new URL(c.issuer);
const client = { client_id: c.clientId };
// The demo's authorization server is plain http on loopback.
const discovery = await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true });
const as = await oauth.processDiscoveryResponse(issuer, discovery);
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
window.started = { signedIn: false };
