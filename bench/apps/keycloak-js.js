import Keycloak from 'keycloak-js';

const keycloak = new Keycloak({ url: 'https://auth.example.com', realm: 'demo', clientId: 'spa' });
await keycloak.init({ pkceMethod: 'S256', checkLoginIframe: false });
document.querySelector('#login').onclick = () => keycloak.login({ redirectUri: location.origin + '/inbox' });
document.querySelector('#call').onclick = async () => {
  await keycloak.updateToken(30);
  const response = await fetch('/api/me', { headers: { authorization: `Bearer ${keycloak.token}` } });
  document.querySelector('#out').textContent = `${await response.text()} ${keycloak.idTokenParsed?.name}`;
};
