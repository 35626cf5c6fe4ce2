import { UserManager } from 'oidc-client-ts';

const manager = new UserManager({ authority: 'https://auth.example.com', client_id: 'spa', redirect_uri: location.origin + '/callback', scope: 'openid profile offline_access' });
if (location.search.includes('code=')) {
  await manager.signinRedirectCallback();
  history.replaceState(null, '', '/inbox');
}
document.querySelector('#login').onclick = () => manager.signinRedirect();
document.querySelector('#call').onclick = async () => {
  let user = await manager.getUser();
  if (!user || user.expired) user = await manager.signinSilent();
  const response = await fetch('/api/me', { headers: { authorization: `Bearer ${user.access_token}` } });
  document.querySelector('#out').textContent = `${await response.text()} ${user.profile.name}`;
};
