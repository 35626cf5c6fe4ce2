// The floor: what ID-token signature verification alone costs with jose, with the calls pkce-spa
// makes (the claims are then checked by hand, as pkce-spa's own rules do).
import { compactVerify, createRemoteJWKSet } from 'jose';

const jwks = createRemoteJWKSet(new URL('https://auth.example.com/jwks'));
document.querySelector('#verify').onclick = async () => {
  const { payload } = await compactVerify(document.querySelector('#token').value, jwks, { algorithms: ['RS256', 'ES256'] });
  document.querySelector('#out').textContent = JSON.parse(new TextDecoder().decode(payload)).sub;
};
