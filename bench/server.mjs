// Access-token verification in an API: pkce-spa/server against bare jose and the peers people use,
// in one run on this machine, with 16 verifications in flight (an API under load).
// Usage: npm run bench (after npm run build), or: node bench/server.mjs [--rounds 3] [--count 3000]
//
// Every library verifies the same tokens against the same JWKS, served on 127.0.0.1; each is called
// through the API a user would call (a middleware with an Express-like req for the middlewares).
// Figures are verifications per second, the median of several rounds; "× pkce-spa" is the row's
// figure over pkce-spa's in the same scenario (above 1: faster than pkce-spa; for CPU, above 1: more
// CPU than pkce-spa). Timing varies with the machine's load: compare rows of one run, not runs.
//
// The peers are bench/'s own package (bench/package.json), installed here when missing. jose is the
// root's copy, the one pkce-spa/server runs on, for the bare-jose rows too: bench/'s packages bring
// another along.
// A last table puts pkce-spa's verify() against bare jose (jwtVerify over a local key set, or a key
// imported once) and express-oauth2-jwt-bearer, scenario by scenario, beside the targets of issue 17:
// there each ratio is the median of the rounds' ratios, each taken between rows measured one after
// the other, which the machine's load sways less than a ratio of two medians.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { installPackages } from '../scripts/install-packages.mjs';

await installPackages(['bench']);

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url);
const rootRequire = createRequire(new URL('package.json', root));
const jose = await import(pathToFileURL(rootRequire.resolve('jose')).href);
if (!existsSync(new URL('dist/server.js', root))) {
  console.error('bench/server.mjs needs the build: run npm run build first');
  process.exit(1);
}
const { createTokenVerifier } = await import(new URL('dist/server.js', root).href);
const jwt = require('jsonwebtoken');
const jwksRsa = require('jwks-rsa');
const { expressjwt } = require('express-jwt');
const { auth: auth0 } = require('express-oauth2-jwt-bearer');
const { createVerifier } = require('fast-jwt');
const buildGetJwks = require('get-jwks');
const version = (name) => (name === 'jose' ? rootRequire : require)(`${name}/package.json`).version;

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => a.trim().split(/\s+/)));
// Nine: on a shared 2-core machine a single round of the same library swings by a third, and the
// targets are a tenth apart.
const ROUNDS = Number(args.rounds ?? 9);
const COUNT = Number(args.count ?? 3000);
const IN_FLIGHT = 16;
const AUDIENCE = 'https://api.bench.test';
const HS_SECRET = 'Wq3v9Yb2Lk8Xc1Zr5Tn7Hs0Jm4Pd6Fg2Ae9Uo1Ri3Sx'; // 258 bits of key material

// --- The authorization server: an RS256 key and an ES256 key, its JWKS at /jwks. ---
const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
const publicJwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
const { privateKey: ecPrivateKey, publicKey: ecPublicKey } = await jose.generateKeyPair('ES256', { extractable: true });
const ecPublicJwk = { ...(await jose.exportJWK(ecPublicKey)), kid: 'k2', alg: 'ES256', use: 'sig' };
const jwks = { keys: [publicJwk, ecPublicJwk] };
let jwksRequests = 0;
const as = createServer((req, res) => {
  jwksRequests++;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(jwks));
});
await new Promise((resolve) => as.listen(0, '127.0.0.1', resolve));
const ISSUER = `http://127.0.0.1:${as.address().port}`;
const JWKS_URI = `${ISSUER}/jwks`;

const now = () => Math.floor(Date.now() / 1000);
const claims = (extra = {}) => ({ iss: ISSUER, aud: AUDIENCE, sub: 'user-1', scope: 'read', iat: now(), exp: now() + 3600, ...extra });
const rs = (extra, header = {}) =>
  new jose.SignJWT(claims(extra)).setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'at+jwt', ...header }).sign(privateKey);
const pool = (n, make) => Promise.all(Array.from({ length: n }, (_, i) => make(i)));

const valid = await pool(64, () => rs({ jti: randomUUID() }));
const es = await pool(64, () =>
  new jose.SignJWT(claims({ jti: randomUUID() })).setProtectedHeader({ alg: 'ES256', kid: 'k2', typ: 'at+jwt' }).sign(ecPrivateKey),
);
const badSignature = valid.map((t, i) => `${t.split('.').slice(0, 2).join('.')}.${valid[(i + 1) % valid.length].split('.')[2]}`);
const expired = await pool(64, () => rs({ iat: now() - 7200, exp: now() - 3600 }));
const randomKid = () => rs({}, { kid: randomUUID() });
const hsKey = new TextEncoder().encode(HS_SECRET);
const hs = await pool(64, () => new jose.SignJWT(claims({ jti: randomUUID() })).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(hsKey));

// --- Each library, set up as its documentation shows, returning a verify(token) promise. ---
/**
 * A response whose end() means the middleware answered a refusal itself (pkce-spa does, with 401).
 * It rejects with a plain object, not an Error: the harness must not add a stack trace to the cost
 * of the middlewares that answer themselves, when those that call next(error) pay none of it.
 */
const fakeRes = (reject) => ({ statusCode: 200, setHeader() {}, end() { reject({ answered: this.statusCode }); } });
const expressReq = (authorization, extra = {}) => ({
  headers: { authorization, host: 'api.bench.test', ...extra.headers },
  method: extra.method ?? 'GET',
  url: '/things',
  originalUrl: '/things',
  protocol: 'https',
  query: {},
  body: undefined,
  get(name) {
    return this.headers[name.toLowerCase()];
  },
  is: () => false,
});
/** Runs an Express/Connect middleware; resolves on next(), rejects on next(error). */
const runMiddleware = (mw, req) =>
  new Promise((resolve, reject) => mw(req, fakeRes(reject), (error) => (error ? reject(error) : resolve(req.auth))));

/** The row every ratio to bare jose is taken against. */
const BARE_JOSE = 'jose createLocalJWKSet + jwtVerify';
const BARE_JOSE_HS = 'jose jwtVerify, key imported once';
const PEER = 'express-oauth2-jwt-bearer';

/** The libraries verifying tokens signed with the JWKS key of `alg` (RS256 or ES256). */
function jwksLibraries(alg) {
  const pkce = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUri: JWKS_URI, algorithms: [alg] });
  const pkceMiddleware = pkce.middleware();
  const joseLocal = jose.createLocalJWKSet(jwks);
  const joseSet = jose.createRemoteJWKSet(new URL(JWKS_URI));
  const joseOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: [alg] };
  const rsaClient = jwksRsa({ jwksUri: JWKS_URI });
  const getKey = (header, cb) => rsaClient.getSigningKey(header.kid, (err, key) => cb(err, key?.getPublicKey()));
  const expressJwt = expressjwt({ secret: jwksRsa.expressJwtSecret({ jwksUri: JWKS_URI }), algorithms: [alg], audience: AUDIENCE, issuer: ISSUER });
  const auth0Mw = auth0({ issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE, tokenSigningAlg: alg });
  const getJwks = buildGetJwks({ jwksPath: '/jwks' });
  const fast = createVerifier({
    key: async ({ header }) => getJwks.getPublicKey({ domain: ISSUER, alg: header.alg, kid: header.kid }),
    algorithms: [alg],
    allowedAud: AUDIENCE,
    allowedIss: ISSUER,
  });
  return {
    'pkce-spa verify()': (t) => pkce.verify(t),
    'pkce-spa middleware()': (t) => runMiddleware(pkceMiddleware, expressReq(`Bearer ${t}`)),
    // Bare jose: the keys held in the process, as a verifier that never fetches would hold them.
    [BARE_JOSE]: (t) => jose.jwtVerify(t, joseLocal, joseOptions),
    'jose createRemoteJWKSet + jwtVerify': (t) => jose.jwtVerify(t, joseSet, joseOptions),
    [PEER]: (t) => runMiddleware(auth0Mw, expressReq(`Bearer ${t}`)),
    'express-jwt + jwks-rsa': (t) => runMiddleware(expressJwt, expressReq(`Bearer ${t}`)),
    'jsonwebtoken + jwks-rsa': (t) =>
      new Promise((resolve, reject) =>
        jwt.verify(t, getKey, { algorithms: [alg], audience: AUDIENCE, issuer: ISSUER }, (e, p) => (e ? reject(e) : resolve(p))),
      ),
    'fast-jwt + get-jwks': (t) => fast(t),
  };
}

function hs256Libraries() {
  const pkce = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, secret: HS_SECRET, algorithms: ['HS256'] });
  const options = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] };
  let imported;
  const expressJwt = expressjwt({ secret: HS_SECRET, algorithms: ['HS256'], audience: AUDIENCE, issuer: ISSUER });
  const auth0Mw = auth0({ issuer: ISSUER, audience: AUDIENCE, secret: HS_SECRET, tokenSigningAlg: 'HS256' });
  const fast = createVerifier({ key: HS_SECRET, algorithms: ['HS256'], allowedAud: AUDIENCE, allowedIss: ISSUER });
  return {
    'pkce-spa verify()': (t) => pkce.verify(t),
    'jose jwtVerify, raw secret': (t) => jose.jwtVerify(t, hsKey, options),
    [BARE_JOSE_HS]: async (t) => {
      imported ??= crypto.subtle.importKey('raw', hsKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
      return jose.jwtVerify(t, await imported, options);
    },
    [PEER]: (t) => runMiddleware(auth0Mw, expressReq(`Bearer ${t}`)),
    'express-jwt': (t) => runMiddleware(expressJwt, expressReq(`Bearer ${t}`)),
    'jsonwebtoken': (t) =>
      new Promise((resolve, reject) => jwt.verify(t, HS_SECRET, options, (e, p) => (e ? reject(e) : resolve(p)))),
    'fast-jwt': (t) => Promise.resolve().then(() => fast(t)),
  };
}

// --- DPoP: the same bound token with a fresh ES256 proof per request (made before timing). ---
async function dpopSetup(count) {
  const { privateKey: clientKey, publicKey: clientPublic } = await jose.generateKeyPair('ES256', { extractable: true });
  const jwk = await jose.exportJWK(clientPublic);
  const jkt = await jose.calculateJwkThumbprint(jwk);
  const token = await rs({ cnf: { jkt } });
  const ath = jose.base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))));
  const htu = 'https://api.bench.test/things';
  const proofs = await pool(count, () =>
    new jose.SignJWT({ jti: randomUUID(), htm: 'GET', htu, iat: now(), ath })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk })
      .sign(clientKey),
  );
  return { token, proofs };
}

async function measure(verify, tokens, count, expectOk) {
  let next = 0;
  let failures = 0;
  let example;
  const worker = async () => {
    while (next < count) {
      const token = tokens[next++ % tokens.length];
      try {
        await verify(token);
        if (!expectOk) failures++;
      } catch (error) {
        if (expectOk) {
          failures++;
          example ??= error;
        }
      }
    }
  };
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  if (failures > 0) throw new Error(`${failures} of ${count} verifications gave the wrong verdict`, { cause: example });
  // CPU time of this process (main thread and libuv's crypto threads) per verification: less
  // sensitive than wall time to what else the machine runs.
  return { ops: count / seconds, cpu: (used.user + used.system) / count };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// A collection before each measurement: the garbage one library leaves would otherwise be collected
// during the next one's, which (in a fixed order) was always the same library. Measured: pkce-spa's
// verify(), first in each round, ran slower than its own middleware(), which does more.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');

/**
 * Runs every library of a scenario ROUNDS times, interleaved so load changes hit all alike, each
 * round starting one library further along, so that no library always follows the same one.
 */
async function scenario(title, libraries, tokens, { count = COUNT, expectOk = true, fresh } = {}) {
  const results = Object.fromEntries(Object.keys(libraries).map((name) => [name, []]));
  const fetches = {};
  for (const [name, verify] of Object.entries(libraries)) {
    // Warm up (keys fetched, code optimized), and check every library gives the expected verdict.
    await measure(verify, fresh ? await fresh() : tokens, Math.min(300, count), expectOk).catch((error) => {
      throw new Error(`${name}: ${error.message}`, { cause: error.cause });
    });
  }
  const entries = Object.entries(libraries);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, verify] of [...entries.slice(round % entries.length), ...entries.slice(0, round % entries.length)]) {
      const input = fresh ? await fresh() : tokens;
      collectGarbage();
      const before = jwksRequests;
      results[name].push(await measure(verify, input, count, expectOk));
      fetches[name] = (fetches[name] ?? 0) + jwksRequests - before;
    }
  }
  const first = results['pkce-spa verify()'] ?? Object.values(results)[0];
  const base = { ops: median(first.map((r) => r.ops)), cpu: median(first.map((r) => r.cpu)) };
  const medians = { rounds: results };
  console.log(`\n### ${title}\n`);
  console.log('| library | verifications/s | × pkce-spa | CPU µs per verification | × pkce-spa (CPU) | JWKS requests |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, values] of Object.entries(results)) {
    const ops = median(values.map((r) => r.ops));
    const cpu = median(values.map((r) => r.cpu));
    medians[name] = { ops, cpu };
    console.log(
      `| ${name} | ${Math.round(ops).toLocaleString('en')} | ${(ops / base.ops).toFixed(2)} | ${cpu.toFixed(0)} | ${(cpu / base.cpu).toFixed(2)} | ${fetches[name]} |`,
    );
  }
  return medians;
}

/** Issue 17's targets: pkce-spa verify()'s rate over bare jose's (and, for HS256, over the peer's). */
const summary = [];
const against = (title, medians, bare, target) => summary.push({ title, medians, bare, target });

console.log(`# Server benchmark: ${IN_FLIGHT} verifications in flight, median of ${ROUNDS} rounds, Node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
console.log(
  `jose ${version('jose')}, express-oauth2-jwt-bearer ${version('express-oauth2-jwt-bearer')}, express-jwt ${version('express-jwt')}, ` +
    `jwks-rsa ${version('jwks-rsa')}, jsonwebtoken ${version('jsonwebtoken')}, fast-jwt ${version('fast-jwt')}, get-jwks ${version('get-jwks')}`,
);

const rsLibs = jwksLibraries('RS256');
against('RS256, valid', await scenario('RS256, valid token', rsLibs, valid), BARE_JOSE, '≥ 0.95× jose');
against('ES256, valid', await scenario('ES256, valid token', jwksLibraries('ES256'), es), BARE_JOSE, '≥ 0.95× jose');
against('RS256, bad signature', await scenario('RS256, bad signature', rsLibs, badSignature, { expectOk: false }), BARE_JOSE, '≥ 0.9× jose');
against('RS256, expired', await scenario('RS256, expired', rsLibs, expired, { expectOk: false }), BARE_JOSE, '≥ 0.9× jose');
// The keys were fetched less than cooldownDuration ago (30 s, the default of each that has one):
// a verifier with a cooldown answers from its cache; one without fetches the JWKS per token. 2,000
// verifications a round (of 500 tokens): fewer took pkce-spa and jose 20-30 ms, too short to time.
against(
  'RS256, unknown kid',
  await scenario('RS256, random-kid flood (each token names an unknown kid)', rsLibs, await pool(500, randomKid), {
    count: 2000,
    expectOk: false,
  }),
  BARE_JOSE,
  '≥ 0.9× jose',
);
against('HS256, valid', await scenario('HS256, valid token (shared secret)', hs256Libraries(), hs), BARE_JOSE_HS, `≥ 1× ${PEER}`);

// DPoP on and off: pkce-spa and express-oauth2-jwt-bearer (the peer that verifies DPoP).
{
  // Server nonces off: express-oauth2-jwt-bearer has none, and each proof here is made once, ahead.
  const pkceOn = createTokenVerifier({
    issuer: ISSUER, audience: AUDIENCE, jwksUri: JWKS_URI, algorithms: ['RS256'],
    dpop: { algorithms: ['ES256'], nonces: false, publicUrl: 'https://api.bench.test' },
  });
  const pkceOff = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUri: JWKS_URI, algorithms: ['RS256'] });
  const pkceOnMw = pkceOn.middleware();
  const pkceOffMw = pkceOff.middleware();
  const auth0On = auth0({ issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE, tokenSigningAlg: 'RS256', dpop: { enabled: true } });
  const auth0Off = auth0({ issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE, tokenSigningAlg: 'RS256', dpop: { enabled: false } });
  const count = Math.min(COUNT, 2000);
  let current;
  const fresh = async () => {
    current = await dpopSetup(count + 16);
    return current.proofs;
  };
  await fresh();
  const dpopReq = (proof) => expressReq(`DPoP ${current.token}`, { headers: { dpop: proof } });
  await scenario(
    'DPoP on (RS256 token bound to an ES256 key, a fresh proof per request) and off (Bearer)',
    {
      'pkce-spa verify()': (proof) => pkceOn.verify(`DPoP ${current.token}`, { dpop: { proof, method: 'GET', url: 'https://api.bench.test/things' } }),
      'pkce-spa middleware(), DPoP': (proof) => runMiddleware(pkceOnMw, dpopReq(proof)),
      'express-oauth2-jwt-bearer, DPoP': (proof) => runMiddleware(auth0On, dpopReq(proof)),
      'pkce-spa middleware(), Bearer': (_proof) => runMiddleware(pkceOffMw, expressReq(`Bearer ${valid[0]}`)),
      'express-oauth2-jwt-bearer, Bearer': (_proof) => runMiddleware(auth0Off, expressReq(`Bearer ${valid[0]}`)),
    },
    [],
    { count, fresh },
  );
}

console.log(`\n### pkce-spa verify() against bare jose and ${PEER} (rates; CPU: their CPU over pkce-spa's)\n`);
console.log(`| scenario | bare jose | × bare jose | × ${PEER} | × bare jose (CPU) | × ${PEER} (CPU) | target |`);
console.log('| --- | --- | ---: | ---: | ---: | ---: | --- |');
for (const { title, medians, bare, target } of summary) {
  const own = medians.rounds['pkce-spa verify()'];
  const perRound = (other, ratio) => median(own.map((r, i) => ratio(r, medians.rounds[other][i]))).toFixed(2);
  const rate = (other) => perRound(other, (r, o) => r.ops / o.ops);
  const cpu = (other) => perRound(other, (r, o) => o.cpu / r.cpu);
  console.log(`| ${title} | ${bare} | ${rate(bare)} | ${rate(PEER)} | ${cpu(bare)} | ${cpu(PEER)} | ${target} |`);
}

as.close();
