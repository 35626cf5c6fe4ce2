// A typical app: sign in, handle the callback, call the API with a fresh token.
import { createPkceClient } from 'pkce-spa';

const auth = createPkceClient({ issuer: 'https://auth.example.com', clientId: 'spa', redirectUri: location.origin + '/callback' });
// Start-up in a function, as the README writes it: a top-level await would make rollup split the SDK
// into a file per module it shares.
auth.handleRedirect().then((result) => {
  if (result) history.replaceState(null, '', result.returnTo);
});
document.querySelector('#login').onclick = () => auth.login({ returnTo: '/inbox' });
document.querySelector('#call').onclick = async () => {
  const token = await auth.getAccessToken();
  const response = await auth.fetch('/api/me');
  document.querySelector('#out').textContent = `${token.length} ${await response.text()} ${auth.user?.name}`;
};
