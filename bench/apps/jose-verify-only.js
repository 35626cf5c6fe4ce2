// The floor: what ID-token signature verification alone costs with jose, with the calls pkce-spa
// makes (the key set fetched with fetch and read by createLocalJWKSet; the claims are then checked by
// hand, as pkce-spa's own rules do).
import { compactVerify, createLocalJWKSet } from 'jose';

const jwks = fetch('https://auth.example.com/jwks').then(async (response) => createLocalJWKSet(await response.json()));
document.querySelector('#verify').onclick = async () => {
  const { payload } = await compactVerify(document.querySelector('#token').value, await jwks, { algorithms: ['RS256', 'ES256'] });
  document.querySelector('#out').textContent = JSON.parse(new TextDecoder().decode(payload)).sub;
};
