// Real signing keys and ID tokens for the unit tests: jose generates the keys (RSA is slow, so
// each kind is made once per test file and shared), jose signs, nothing is mocked.
import {
  base64url,
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';

export interface TestKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  /** The public key as the JWKS publishes it. */
  jwk: JWK;
}

const cache = new Map<string, Promise<TestKey>>();

/** A key pair, generated the first time `name` is asked for in this file and shared afterwards. */
export function testKey(name: string, alg: 'RS256' | 'ES256' = 'RS256', kid = name): Promise<TestKey> {
  const key = `${name}/${alg}/${kid}`;
  let made = cache.get(key);
  if (!made) {
    made = generateKeyPair(alg, { extractable: true }).then(async ({ privateKey, publicKey }) => ({
      kid,
      alg,
      privateKey,
      jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    }));
    cache.set(key, made);
  }
  return made;
}

/** Signs `claims` with `key`; `header` entries set to `undefined` are left out (e.g. `{ kid: undefined }`). */
export async function sign(key: TestKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const protectedHeader: Record<string, unknown> = { alg: key.alg, kid: key.kid, typ: 'JWT', ...header };
  for (const [name, value] of Object.entries(protectedHeader)) if (value === undefined) delete protectedHeader[name];
  return new SignJWT(claims as JWTPayload).setProtectedHeader(protectedHeader as { alg: string }).sign(key.privateKey);
}

/** An unsigned `alg: none` JWT, built by hand (jose will not make one). */
export function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/** An HS256 JWT signed with a shared secret. */
export function hmacToken(claims: Record<string, unknown>, secret: string): Promise<string> {
  return new SignJWT(claims as JWTPayload).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

/** A local key set publishing the public halves of `keys`. */
export const localJwks = (...keys: TestKey[]): JWTVerifyGetKey => createLocalJWKSet({ keys: keys.map((k) => k.jwk) });

/**
 * A remote key set served by a plain function, through jose's `customFetch` option: `publish`
 * decides what the JWKS holds at each fetch, `fetches` counts them.
 */
export function remoteJwks(initial: TestKey[], options: { cooldownDuration?: number } = {}) {
  const state = {
    published: initial,
    fetches: 0,
    jwks: undefined as unknown as JWTVerifyGetKey,
  };
  state.jwks = createRemoteJWKSet(new URL('https://auth.example/jwks'), {
    cooldownDuration: options.cooldownDuration ?? 0,
    [customFetch]: async () => {
      state.fetches += 1;
      return Response.json({ keys: state.published.map((k) => k.jwk) });
    },
  });
  return state;
}

/**
 * An RS256 JWT signed with a 1024-bit RSA key, and that key's JWK. jose refuses to make or use
 * such keys (RFC 7518 §3.3 requires 2048 bits), so node:crypto makes and signs this hostile one.
 */
export async function weakRsaToken(claims: Record<string, unknown>, kid = 'weak'): Promise<{ token: string; jwk: JWK }> {
  const { generateKeyPairSync, sign: signWith } = await import('node:crypto');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256', use: 'sig' };
  const input = `${base64url.encode(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }))}.${base64url.encode(JSON.stringify(claims))}`;
  const signature = signWith('sha256', new TextEncoder().encode(input), privateKey);
  return { token: `${input}.${base64url.encode(new Uint8Array(signature))}`, jwk };
}

/** A key set served as exactly `keys` (duplicates, bare `x5c` keys and all), through `customFetch`. */
export const servedJwks = (keys: unknown[]): JWTVerifyGetKey =>
  createRemoteJWKSet(new URL('https://auth.example/jwks'), {
    cooldownDuration: 0,
    [customFetch]: async () => Response.json({ keys }),
  });
