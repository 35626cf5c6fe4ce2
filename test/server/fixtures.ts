/**
 * A small authorization server for the server tests: real keys from jose, a real JWKS and discovery
 * document served by node:http on 127.0.0.1, and counters of how often each was fetched.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { expect } from 'vitest';
import { TokenVerificationError, type TokenVerificationErrorCode } from '../../src/server/index.js';

export const AUDIENCE = 'https://api.example.test';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  publicKey: CryptoKey;
}

export async function createSigningKey(alg: string, kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk, publicKey };
}

export interface AuthServer {
  issuer: string;
  jwksUri: string;
  /** Keys published in the JWKS; replace the array to rotate. */
  published: SigningKey[];
  /** What the discovery document says the issuer is (default: the real one). */
  discoveryIssuer: string | undefined;
  counts: { jwks: number; discovery: number };
  /** While true, the JWKS and the discovery document answer 503 (an outage). */
  failing: boolean;
  /** Signs an access token; `claims` override the defaults (iss, aud, sub, iat, exp in 5 minutes). */
  sign(key: SigningKey, claims?: JWTPayload, header?: { typ?: string | undefined; kid?: string | undefined }): Promise<string>;
  close(): Promise<void>;
}

export async function startAuthServer(): Promise<AuthServer> {
  let server: Server;
  const state = {
    published: [] as SigningKey[],
    discoveryIssuer: undefined as string | undefined,
    counts: { jwks: 0, discovery: 0 },
    failing: false,
  };
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (state.failing && (req.url === '/jwks' || req.url === '/.well-known/openid-configuration')) {
      state.counts[req.url === '/jwks' ? 'jwks' : 'discovery']++;
      res.statusCode = 503;
      res.end('{"error":"temporarily_unavailable"}');
    } else if (req.url === '/jwks') {
      state.counts.jwks++;
      res.end(JSON.stringify({ keys: state.published.map((k) => k.publicJwk) }));
    } else if (req.url === '/.well-known/openid-configuration') {
      state.counts.discovery++;
      res.end(JSON.stringify({ issuer: state.discoveryIssuer ?? issuer, jwks_uri: `${issuer}/jwks` }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    issuer,
    jwksUri: `${issuer}/jwks`,
    sign: (key: SigningKey, claims: JWTPayload = {}, header: { typ?: string | undefined; kid?: string | undefined } = {}) =>
      signToken(key.privateKey, { alg: key.alg, kid: key.kid, ...header }, { iss: issuer, ...claims }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as AuthServer;
}

/**
 * Signs a JWT with defaults (header `typ: at+jwt`; claims aud, sub, iat, exp in 5 minutes); a header
 * member or claim set to undefined is left out.
 */
export async function signToken(
  key: CryptoKey | Uint8Array,
  header: { alg: string; kid?: string | undefined; typ?: string | undefined },
  claims: JWTPayload,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = Object.fromEntries(
    Object.entries({ aud: AUDIENCE, sub: 'user-1', iat: now, exp: now + 300, ...claims }).filter(([, v]) => v !== undefined),
  );
  const protectedHeader = Object.fromEntries(Object.entries({ typ: 'at+jwt', ...header }).filter(([, v]) => v !== undefined)) as {
    alg: string;
  };
  return new SignJWT(payload).setProtectedHeader(protectedHeader).sign(key);
}

/** `alg: none`, built by hand: jose will not sign one. */
export function unsecuredToken(claims: JWTPayload): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none' })}.${encode(claims)}.`;
}

/**
 * Awaits a rejection and checks what a user sees: the error class, code, status, and that neither
 * the message nor the header holds the token.
 */
export async function expectRejected(
  promise: Promise<unknown>,
  code: TokenVerificationErrorCode,
  token?: string,
): Promise<TokenVerificationError> {
  const error = await promise.then(
    () => expect.fail(`expected a ${code} rejection`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenVerificationError);
  const err = error as TokenVerificationError;
  expect(err.code).toBe(code);
  expect(err.status).toBe({ missing_token: 401, invalid_request: 400, invalid_token: 401, insufficient_scope: 403, invalid_dpop_proof: 401, use_dpop_nonce: 401 }[code]);
  if (token !== undefined) expectNoToken(token, err.message, err.wwwAuthenticate, String(err.stack));
  return err;
}

/** None of `texts` holds the token or its signature part. */
export function expectNoToken(token: string, ...texts: string[]): void {
  const signature = token.split('.')[2];
  for (const text of texts) {
    expect(text).not.toContain(token);
    if (signature) expect(text).not.toContain(signature);
  }
}

/** A shared secret with 256 bits of key material (43 base64url characters). */
export const SECRET_256 = 'Wq3v9Yb2Lk8Xc1Zr5Tn7Hs0Jm4Pd6Fg2Ae9Uo1Ri3Sx';
/** A shared secret with 512 bits of key material (87 base64url characters), enough for HS512. */
export const SECRET_512 = 'Jk2Lm9Qw4Er7Ty1Ui8Op3As6Df0Gh5Zx2Cv9Bn4Mq7Wp1Ol8Ik3Uj6Yh0Tg5Rf2Ed9Ws4Qa7Zs1Xd8Cf3Vg6Bh0';
