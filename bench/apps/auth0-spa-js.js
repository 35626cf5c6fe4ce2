import { createAuth0Client } from '@auth0/auth0-spa-js';

const auth0 = await createAuth0Client({ domain: 'auth.example.com', clientId: 'spa', authorizationParams: { redirect_uri: location.origin + '/callback' }, useRefreshTokens: true });
if (location.search.includes('code=')) {
  const { appState } = await auth0.handleRedirectCallback();
  history.replaceState(null, '', appState?.returnTo ?? '/');
}
document.querySelector('#login').onclick = () => auth0.loginWithRedirect({ appState: { returnTo: '/inbox' } });
document.querySelector('#call').onclick = async () => {
  const token = await auth0.getTokenSilently();
  const response = await fetch('/api/me', { headers: { authorization: `Bearer ${token}` } });
  document.querySelector('#out').textContent = `${await response.text()} ${(await auth0.getUser())?.name}`;
};
