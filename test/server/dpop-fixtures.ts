/** DPoP clients for the server tests: a key pair, and proofs made with jose as RFC 9449 §4.2 says. */
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createHash, randomUUID } from 'node:crypto';

export interface DpopClient {
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint of the public key: the access token's cnf.jkt. */
  jkt: string;
}

export async function createDpopClient(alg = 'ES256'): Promise<DpopClient> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { alg, privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

/** base64url(SHA-256(token)): the proof's ath (RFC 9449 §4.2). */
export const ath = (token: string) => base64url.encode(createHash('sha256').update(token).digest());

export interface ProofOptions {
  htm?: string;
  htu?: string;
  /** The access token the proof is for; its hash becomes ath. */
  accessToken?: string;
  /** Claim overrides; undefined removes a claim. */
  claims?: Record<string, unknown>;
  /** Header overrides; undefined removes a member. */
  header?: Record<string, unknown>;
  /** Sign with this key instead of the client's (the header still carries the client's jwk). */
  signWith?: CryptoKey | Uint8Array;
}

export async function makeProof(client: DpopClient, options: ProofOptions = {}): Promise<string> {
  const claims = Object.fromEntries(
    Object.entries({
      jti: randomUUID(),
      htm: options.htm ?? 'GET',
      htu: options.htu ?? 'https://api.example.test/things',
      iat: Math.floor(Date.now() / 1000),
      ...(options.accessToken === undefined ? {} : { ath: ath(options.accessToken) }),
      ...options.claims,
    }).filter(([, v]) => v !== undefined),
  );
  const header = Object.fromEntries(
    Object.entries({ typ: 'dpop+jwt', alg: client.alg, jwk: client.publicJwk, ...options.header }).filter(([, v]) => v !== undefined),
  ) as { alg: string };
  return new SignJWT(claims).setProtectedHeader(header).sign(options.signWith ?? client.privateKey);
}
