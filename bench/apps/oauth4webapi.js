// Hand-written on oauth4webapi, as its README suggests: note it does not verify the ID token signature.
import * as oauth from 'oauth4webapi';

const issuer = new URL('https://auth.example.com');
const client = { client_id: 'spa' };
const redirectUri = location.origin + '/callback';
const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer));
let tokens;
const params = new URLSearchParams(location.search);
if (params.has('code') || params.has('error')) {
  const tx = JSON.parse(sessionStorage.getItem('tx'));
  sessionStorage.removeItem('tx');
  const callback = oauth.validateAuthResponse(as, client, new URL(location.href), tx.state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, redirectUri, tx.verifier);
  tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: tx.nonce, requireIdToken: true });
  tokens.expiresAt = Date.now() + tokens.expires_in * 1000;
  history.replaceState(null, '', '/inbox');
}
document.querySelector('#login').onclick = async () => {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  sessionStorage.setItem('tx', JSON.stringify({ verifier, state, nonce }));
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({ client_id: client.client_id, redirect_uri: redirectUri, response_type: 'code', scope: 'openid profile offline_access', state, nonce, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  location.assign(url);
};
document.querySelector('#call').onclick = async () => {
  if (Date.now() > tokens.expiresAt - 30000) {
    const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token);
    tokens = { ...tokens, ...(await oauth.processRefreshTokenResponse(as, client, response)) };
    tokens.expiresAt = Date.now() + tokens.expires_in * 1000;
  }
  const response = await oauth.protectedResourceRequest(tokens.access_token, 'GET', new URL('/api/me', location.href));
  document.querySelector('#out').textContent = `${await response.text()} ${oauth.getValidatedIdTokenClaims(tokens)?.name}`;
};
