import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createTokenVerifier, isPkceError, redisReplayCache, type TokenVerifier } from '../../../src/server/index.js';
import { createDpopClient, makeProof, type DpopClient } from '../dpop-fixtures.js';
import { AUDIENCE, expectRejected, SECRET_256, signToken } from '../fixtures.js';

// Two instances of one API share a replay cache in a real Redis (Debian's redis-server, started
// here on a free loopback port): a proof accepted by one is refused by the other.

const REDIS_SERVER = process.env['REDIS_SERVER_PATH'] ?? '/usr/bin/redis-server';
const ISSUER = 'https://auth.example.test';
const URL_ = 'https://api.example.test/orders';

let redisProcess: ChildProcess;
let redis: ReturnType<typeof createClient>;
let client: DpopClient;

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(`${REDIS_SERVER} is missing: install Debian's redis-server (apt-get install -y redis-server; .ci/run does), or set REDIS_SERVER_PATH`);
  }
  const port = await freePort();
  redisProcess = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    redisProcess.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    redisProcess.on('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  redis = createClient({ url: `redis://127.0.0.1:${port}` });
  await redis.connect();
  client = await createDpopClient('ES256');
}, 20_000);

afterAll(async () => {
  await redis?.quit();
  redisProcess?.kill();
});

/** One API instance: its own verifier, the shared Redis. */
const instance = (): TokenVerifier =>
  createTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    secret: SECRET_256,
    dpop: { replayCache: redisReplayCache((args) => redis.sendCommand(args)), nonces: false },
  });

const boundToken = () =>
  signToken(new TextEncoder().encode(SECRET_256), { alg: 'HS256' }, { iss: ISSUER, cnf: { jkt: client.jkt } });

describe('redisReplayCache against a real redis-server', () => {
  it('a proof accepted by one instance is refused by another', async () => {
    const [a, b] = [instance(), instance()];
    const token = await boundToken();
    const proof = await makeProof(client, { accessToken: token, htm: 'POST', htu: URL_ });
    const dpop = { proof, method: 'POST', url: URL_ };
    expect((await a.verify(`DPoP ${token}`, { dpop })).sub).toBe('user-1');
    const err = await expectRejected(b.verify(`DPoP ${token}`, { dpop }), 'invalid_dpop_proof', token);
    expect(err.errorDescription).toBe('The DPoP proof was used before');
    // A fresh proof for the same token is fine on either.
    const fresh = await makeProof(client, { accessToken: token, htm: 'POST', htu: URL_ });
    expect((await b.verify(`DPoP ${token}`, { dpop: { ...dpop, proof: fresh } })).sub).toBe('user-1');
  });

  it('keeps a proof at least as long as it can be accepted, and not much longer', async () => {
    // A proof dated as far ahead as the window allows lives longest: it is accepted while the whole
    // seconds since its iat are at most maxProofAge + clockSkew (60 + 5), until (iat + 66) s.
    const token = await boundToken();
    const iat = Math.floor(Date.now() / 1000) + 5;
    const proof = await makeProof(client, { accessToken: token, htm: 'POST', htu: URL_, claims: { iat, jti: 'longest-lived' } });
    await instance().verify(`DPoP ${token}`, { dpop: { proof, method: 'POST', url: URL_ } });
    const key = `dpop:jti:${createHash('sha256').update(`${client.jkt}.longest-lived`).digest('base64url')}`;
    const ttl = await redis.pTTL(key);
    // Redis counts down on this machine's clock: the time after its answer plus what was left
    // cannot be earlier than the expiry it set, however long the steps took.
    const after = Date.now();
    expect(after + ttl).toBeGreaterThanOrEqual((iat + 66) * 1000);
    expect(ttl).toBeLessThanOrEqual(71_000);
  });

  it('a Redis failure is a server problem, not a token verdict', async () => {
    const broken = createTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      secret: SECRET_256,
      dpop: { replayCache: redisReplayCache(() => Promise.reject(new Error('connection lost'))), nonces: false },
    });
    const token = await boundToken();
    const proof = await makeProof(client, { accessToken: token, htm: 'POST', htu: URL_ });
    const error = await broken.verify(`DPoP ${token}`, { dpop: { proof, method: 'POST', url: URL_ } }).catch((e: unknown) => e);
    expect(isPkceError(error, 'network_error')).toBe(true);
    expect((error as Error).message).toBe('The DPoP replay cache did not answer');
    expect(((error as Error).cause as Error).message).toBe('connection lost');
  });

  it('refuses a command that is not a function with a ConfigError', () => {
    expect(() => redisReplayCache('SET' as never)).toThrow(ConfigError);
  });
});
