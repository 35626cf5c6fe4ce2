import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createTokenVerifier, isPkceError, rotatingDpopNonces, type JWTPayload, type TokenVerifier } from '../../../src/server/index.js';
import { createDpopClient, makeProof, type DpopClient } from '../dpop-fixtures.js';
import { AUDIENCE, createSigningKey, expectNoToken, startAuthServer, type AuthServer, type SigningKey } from '../fixtures.js';

let as: AuthServer;
let key: SigningKey;
let api: Server;
let base: string;
const forwarded: unknown[] = [];

beforeAll(async () => {
  as = await startAuthServer();
  key = await createSigningKey('ES256', 'k1');
  as.published = [key];
  const verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri, realm: 'api' });
  const unreachable = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: 'http://127.0.0.1:9/jwks' });
  const ordersWrite = verifier.middleware({ requiredScopes: ['orders:write'] });
  const broken = unreachable.middleware();

  // A plain node:http server; /mw routes run the Connect-style middleware the way Express would.
  api = createServer(async (req, res) => {
    if (req.url === '/me') {
      const claims = await verifier.authenticate(req, res);
      if (!claims) return;
      res.end(JSON.stringify({ sub: claims.sub }));
    } else {
      const mw = req.url === '/mw/orders' ? ordersWrite : broken;
      mw(req, res, (error?: unknown) => {
        if (error !== undefined) {
          forwarded.push(error);
          res.statusCode = 503;
          res.end();
          return;
        }
        res.end(JSON.stringify({ sub: (req as typeof req & { auth: JWTPayload }).auth.sub }));
      });
    }
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => api.close(resolve));
  await as.close();
});

/** A DPoP verifier of this test's authorization server (the API answers as https://api.example.test). */
const dpopBase = () => ({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri, realm: 'api' });

const get = (path: string, authorization?: string) =>
  fetch(`${base}${path}`, authorization === undefined ? {} : { headers: { authorization } });

describe('verifier.authenticate(req, res) on node:http', () => {
  it('passes a valid token through with its claims', async () => {
    const res = await get('/me', `Bearer ${await as.sign(key, { sub: 'alice' })}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: 'alice' });
  });

  it('answers 401 with a bare Bearer challenge when no token is sent', async () => {
    const res = await get('/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ error: 'missing_token', error_description: 'The request has no access token' });
  });

  it('answers 400 invalid_request for a malformed header', async () => {
    const res = await get('/me', 'Bearer a b c');
    expect(res.status).toBe(400);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="invalid_request", error_description="The Authorization header is not of the form: Bearer token"',
    );
  });

  it('answers 401 invalid_token for an expired token, without echoing the token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await as.sign(key, { iat: now - 600, exp: now - 60 });
    const res = await get('/me', `Bearer ${token}`);
    expect(res.status).toBe(401);
    const header = res.headers.get('www-authenticate') ?? '';
    expect(header).toBe('Bearer realm="api", error="invalid_token", error_description="The access token expired"');
    expectNoToken(token, header, await res.text());
  });
});

/** Sends a raw HTTP/1.1 request, so header lines can repeat; resolves to the status and the head. */
function rawGet(path: string, headerLines: string[]): Promise<{ status: number; head: string }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write([`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...headerLines, 'Connection: close', '', ''].join('\r\n'));
    });
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('end', () => resolve({ status: Number(data.split(' ')[1]), head: data.split('\r\n\r\n')[0]! }));
    socket.on('error', reject);
  });
}

describe('two Authorization headers', () => {
  it('answer 400 invalid_request, although Node keeps only the first in req.headers', async () => {
    const good = await as.sign(key, { sub: 'alice' });
    const { status, head } = await rawGet('/me', [`Authorization: Bearer ${good}`, 'Authorization: Bearer other']);
    expect(status).toBe(400);
    expect(head).toContain('error="invalid_request", error_description="The request has more than one Authorization header"');
    const mw = await rawGet('/mw/orders', [`Authorization: Bearer ${good}`, `authorization: Bearer ${good}`]);
    expect(mw.status).toBe(400);
  });

  it('a value set in req.headers by an earlier middleware still counts (rawHeaders hold only what came)', async () => {
    const verifier = createTokenVerifier({ issuer: as.issuer, audience: AUDIENCE, jwksUri: as.jwksUri });
    const token = await as.sign(key, { sub: 'from-cookie' });
    const res = { statusCode: 200, setHeader: () => undefined, end: () => undefined };
    const req = { headers: { authorization: `Bearer ${token}` }, rawHeaders: ['Cookie', 'session=…'] };
    expect((await verifier.authenticate(req, res))?.sub).toBe('from-cookie');
  });

  it('one header still passes', async () => {
    const { status } = await rawGet('/me', [`Authorization: Bearer ${await as.sign(key)}`]);
    expect(status).toBe(200);
  });
});

describe('verifier.middleware() in the Connect/Express style', () => {
  it('sets req.auth and calls next() for a token with the route scope', async () => {
    const res = await get('/mw/orders', `Bearer ${await as.sign(key, { sub: 'bob', scope: 'orders:write' })}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: 'bob' });
  });

  it('answers 403 insufficient_scope itself, without calling next()', async () => {
    const res = await get('/mw/orders', `Bearer ${await as.sign(key, { scope: 'orders:read' })}`);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="The access token does not have the required scope", scope="orders:write"',
    );
  });

  it('hands key-fetch failures to next(error) rather than blaming the token', async () => {
    forwarded.length = 0;
    const res = await get('/mw/broken', `Bearer ${await as.sign(key)}`);
    expect(res.status).toBe(503);
    expect(forwarded).toHaveLength(1);
    expect(isPkceError(forwarded[0], 'network_error')).toBe(true);
  });
});

describe('DPoP on node:http: the proof, method and URL from the request', () => {
  let server: Server;
  let dpopBaseUrl: string;
  let client: DpopClient;
  let proxied: TokenVerifier;
  let direct: TokenVerifier;

  beforeAll(async () => {
    client = await createDpopClient('ES256');
    proxied = createTokenVerifier({ ...dpopBase(), dpop: { publicUrl: 'https://api.example.test/v1', nonces: false } });
    server = createServer(async (req, res) => {
      const verifier = req.url!.startsWith('/proxied') ? proxied : direct;
      if (req.url!.startsWith('/proxied')) req.url = req.url!.slice('/proxied'.length);
      const claims = await verifier.authenticate(req, res);
      if (claims) res.end(JSON.stringify({ sub: claims.sub }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    dpopBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    direct = createTokenVerifier({ ...dpopBase(), dpop: { publicUrl: dpopBaseUrl, nonces: rotatingDpopNonces() } });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('the nonce round trip, then the call, with htu from dpop.publicUrl and the request path', async () => {
    const token = await as.sign(key, { sub: 'node', cnf: { jkt: client.jkt } });
    const htu = `${dpopBaseUrl}/things`;
    const first = await fetch(`${dpopBaseUrl}/things?page=2`, {
      headers: { authorization: `DPoP ${token}`, dpop: await makeProof(client, { accessToken: token, htu }) },
    });
    expect(first.status).toBe(401);
    const nonce = first.headers.get('dpop-nonce')!;
    expect(first.headers.get('www-authenticate')).toContain('error="use_dpop_nonce"');
    expectNoToken(token, await first.text());
    const second = await fetch(`${dpopBaseUrl}/things?page=2`, {
      headers: { authorization: `DPoP ${token}`, dpop: await makeProof(client, { accessToken: token, htu, claims: { nonce } }) },
    });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ sub: 'node' });
  });

  it('behind a proxy: dpop.publicUrl + the path the server sees (Express originalUrl preferred)', async () => {
    const token = await as.sign(key, { sub: 'proxied', cnf: { jkt: client.jkt } });
    const ok = await fetch(`${dpopBaseUrl}/proxied/things`, {
      headers: { authorization: `DPoP ${token}`, dpop: await makeProof(client, { accessToken: token, htu: 'https://api.example.test/v1/things' }) },
    });
    expect(ok.status).toBe(200);
    const wrong = await fetch(`${dpopBaseUrl}/proxied/things`, {
      headers: { authorization: `DPoP ${token}`, dpop: await makeProof(client, { accessToken: token, htu: `${dpopBaseUrl}/proxied/things` }) },
    });
    expect(wrong.status).toBe(401);
    const res = { statusCode: 0, headers: {} as Record<string, string>, setHeader(n: string, v: string) { this.headers[n] = v; }, end() {} };
    const proof = await makeProof(client, { accessToken: token, htu: 'https://api.example.test/v1/api/things', htm: 'POST' });
    const req = { method: 'POST', url: '/things', originalUrl: '/api/things', headers: { authorization: `DPoP ${token}`, dpop: proof } };
    expect((await proxied.authenticate(req, res))?.sub).toBe('proxied');
  });
});

describe('the htu check never rests on the Host header, which the client chooses', () => {
  let server: Server;
  let port: number;
  let client: DpopClient;
  let verifier: TokenVerifier;

  /** A response a test can read, as node:http's would be written. */
  const recorder = () => ({
    statusCode: 200,
    headers: {} as Record<string, string>,
    body: '',
    setHeader(name: string, value: string) {
      this.headers[name.toLowerCase()] = value;
    },
    end(body?: string) {
      this.body = body ?? '';
    },
  });

  /**
   * Sends `method path` with `Host: host` over a raw socket, with a proof for `htu`; when the answer
   * asks for a DPoP nonce, sends it once more with a proof carrying it. Resolves to the last status
   * and body.
   */
  async function send(host: string, method: string, path: string, htu: string, token: string): Promise<{ status: number; body: string }> {
    const once = (nonce?: string) =>
      makeProof(client, { accessToken: token, htm: method, htu, claims: nonce === undefined ? {} : { nonce } }).then(
        (proof) =>
          new Promise<{ status: number; head: string; body: string }>((resolve, reject) => {
            const socket = connect(port, '127.0.0.1', () => {
              socket.write([`${method} ${path} HTTP/1.1`, `Host: ${host}`, `Authorization: DPoP ${token}`, `DPoP: ${proof}`, 'Content-Length: 0', 'Connection: close', '', ''].join('\r\n'));
            });
            let data = '';
            socket.on('data', (chunk) => (data += chunk.toString()));
            socket.on('end', () => {
              const [head, body] = data.split('\r\n\r\n') as [string, string];
              resolve({ status: Number(head.split(' ')[1]), head, body });
            });
            socket.on('error', reject);
          }),
      );
    let answer = await once();
    const nonce = /^dpop-nonce: (.+)$/im.exec(answer.head)?.[1];
    if (answer.status === 401 && nonce !== undefined) answer = await once(nonce.trim());
    return { status: answer.status, body: answer.body };
  }

  beforeAll(async () => {
    client = await createDpopClient('ES256');
    server = createServer(async (req, res) => {
      try {
        const claims = await verifier.authenticate(req, res);
        if (claims) res.end(JSON.stringify({ sub: claims.sub }));
      } catch (error) {
        res.statusCode = 500;
        res.end(isPkceError(error) ? error.code : 'error');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a proof made for another API is not accepted by naming that API in Host', async () => {
    verifier = createTokenVerifier({ ...dpopBase(), dpop: true });
    const token = await as.sign(key, { cnf: { jkt: client.jkt } });
    const answer = await send('payments.internal.example', 'POST', '/transfer', 'http://payments.internal.example/transfer', token);
    expect(answer).toEqual({ status: 500, body: 'invalid_config' });
  });

  it('without dpop.publicUrl the Node adapter refuses to run, naming the option: middleware() at once, authenticate() on each call', async () => {
    const unset = createTokenVerifier({ ...dpopBase(), dpop: { mode: 'allowed' } });
    expect(() => unset.middleware()).toThrow(ConfigError);
    expect(() => unset.middleware()).toThrow('"dpop.publicUrl"');
    const res = recorder();
    const req = { method: 'GET', url: '/things', headers: { host: 'api.example.test', authorization: `Bearer ${await as.sign(key)}` } };
    const error = await unset.authenticate(req, res).then(() => expect.fail('authenticate() resolved'), (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('"dpop.publicUrl"');
    expect(res.body).toBe('');
  });

  it('with dpop.publicUrl, Host changes nothing: a proof for the public URL passes, one for the Host named is refused', async () => {
    verifier = createTokenVerifier({ ...dpopBase(), dpop: { publicUrl: 'https://api.example.test' } });
    const token = await as.sign(key, { sub: 'public', cnf: { jkt: client.jkt } });
    expect(await send('payments.internal.example', 'POST', '/transfer', 'https://api.example.test/transfer', token)).toEqual({
      status: 200,
      body: '{"sub":"public"}',
    });
    const forged = await send('payments.internal.example', 'POST', '/transfer', 'http://payments.internal.example/transfer', token);
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.body)).toEqual({ error: 'invalid_dpop_proof', error_description: 'The DPoP proof is for another URL (htu)' });
  });

  it('an API reached under several names lists them all: a proof for any of them passes, no other', async () => {
    verifier = createTokenVerifier({ ...dpopBase(), dpop: { publicUrl: ['https://api.example.test', 'https://example.net/api'] } });
    const token = await as.sign(key, { sub: 'both', cnf: { jkt: client.jkt } });
    for (const htu of ['https://api.example.test/things', 'https://example.net/api/things']) {
      expect(await send('anything.example', 'GET', '/things', htu, token)).toEqual({ status: 200, body: '{"sub":"both"}' });
    }
    expect((await send('evil.example', 'GET', '/things', 'https://evil.example/things', token)).status).toBe(401);
  });
});
