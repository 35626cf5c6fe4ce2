// What DPoP does not stop, and what bounds it (issue 18 item 2, RFC 9449 §11.2 and §11.4), in real
// Chromium against oidc-provider and the demo API with server nonces: script running in the page
// cannot export the session's key, but it can use it. It signs proofs dated ahead and sends them
// away with the access token. From Node, such a proof works while the nonce it carries lives, and is
// refused once that nonce has rotated out. The API's nonces rotate every 2 s here instead of 60 s,
// so "at most two periods" is 4 s instead of 2 minutes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockDemoApp, openBareApp } from '../support/browser/bare-app';
import { newDemoPage, signInThroughProvider, startDemoEnv, type DemoEnv } from '../support/browser/demo';

const ROTATE_EVERY = 2;

let env: DemoEnv;
beforeAll(async () => {
  env = await startDemoEnv(300, { nonceRotation: ROTATE_EVERY });
});
afterAll(() => env?.close());

describe('DPoP proofs signed ahead by script in the page', () => {
  it('work from elsewhere while their nonce lives, and are refused once it has rotated out', async () => {
    const { context, page } = await newDemoPage(env);
    await blockDemoApp(context, env);
    const options = { store: 'sessionStorage', dpop: true } as const;
    await page.goto(env.demo.pageUrl);
    await openBareApp(page, options);
    await signInThroughProvider(page, env);
    expect(await openBareApp(page, options)).toBe(true);
    const api = `${env.demo.apiUrl}/api/me`;

    // The injected script: the token from the store, the key from IndexedDB (usable, not exportable),
    // the API's current nonce from a refused call, and proofs signed for later.
    const stolen = await page.evaluate(async (url) => {
      const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      const text = (value: unknown) => b64(new TextEncoder().encode(JSON.stringify(value)));
      const record = Object.entries(sessionStorage).find(([key]) => key.startsWith('pkce-spa:tokens'))![1];
      const { accessToken, sessionId } = JSON.parse(record) as { accessToken: string; sessionId: string };
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const opening = indexedDB.open('pkce-spa-dpop');
        opening.onsuccess = () => resolve(opening.result);
        opening.onerror = () => reject(opening.error);
      });
      const { pair } = await new Promise<{ pair: CryptoKeyPair }>((resolve) => {
        const request = db.transaction('keys').objectStore('keys').get(sessionId);
        request.onsuccess = () => resolve(request.result as { pair: CryptoKeyPair });
      });
      const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
      const ath = b64(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))));
      const sign = async (iat: number, nonce?: string) => {
        const input = `${text({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } })}.${text({ jti: crypto.randomUUID(), htm: 'GET', htu: url, iat, ath, ...(nonce ? { nonce } : {}) })}`;
        const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, new TextEncoder().encode(input));
        return `${input}.${b64(new Uint8Array(signature))}`;
      };
      const now = Math.floor(Date.now() / 1000);
      const asked = await fetch(url, { headers: { authorization: `DPoP ${accessToken}`, dpop: await sign(now) } });
      const nonce = asked.headers.get('dpop-nonce') ?? undefined;
      return { accessToken, nonce, proofs: [await sign(now + 1, nonce), await sign(now + 2, nonce)] };
    }, api);
    expect(stolen.nonce).toEqual(expect.any(String));

    // Elsewhere (Node), at once: the first proof signed ahead works. DPoP does not stop this.
    const use = (proof: string) => fetch(api, { headers: { authorization: `DPoP ${stolen.accessToken}`, dpop: proof } });
    const stolenAt = Date.now();
    expect((await use(stolen.proofs[0]!)).status).toBe(200);
    // Two rotation periods later at the most, the nonce it carries is refused, and with it the proof.
    await new Promise((later) => setTimeout(later, 2 * ROTATE_EVERY * 1000 + 200 - (Date.now() - stolenAt)));
    const late = await use(stolen.proofs[1]!);
    expect(late.status).toBe(401);
    expect(late.headers.get('www-authenticate')).toMatch(/error="use_dpop_nonce"/);
    await context.close();
  });
});
