// The floor: what ID-token signature verification alone costs with jose.
import { createRemoteJWKSet, jwtVerify } from 'jose';

const jwks = createRemoteJWKSet(new URL('https://auth.example.com/jwks'));
document.querySelector('#verify').onclick = async () => {
  const { payload } = await jwtVerify(document.querySelector('#token').value, jwks, { issuer: 'https://auth.example.com', audience: 'spa' });
  document.querySelector('#out').textContent = payload.sub;
};
