import type { JWTVerifyGetKey } from 'jose';
import { ConfigError } from '../../shared/errors.js';
import type { SymmetricAlgorithm } from '../options/types.js';

const SYMMETRIC: readonly SymmetricAlgorithm[] = ['HS256', 'HS384', 'HS512'];

/** RFC 7518 §3.2: an HMAC key at least as long as the hash output. */
const NEEDED_BITS: Record<SymmetricAlgorithm, number> = { HS256: 256, HS384: 384, HS512: 512 };

/** A checked shared secret and the algorithms it may verify. @internal */
export interface ResolvedSecret {
  readonly algorithms: SymmetricAlgorithm[];
  /** Key material counted by {@link keyMaterialBits}. */
  readonly bits: number;
  /** A jose key resolver handing out one WebCrypto key per algorithm, imported once, on first use. */
  readonly getKey: JWTVerifyGetKey;
  /**
   * What to hand jose's `jwtVerify`: with a single algorithm, its WebCrypto key itself once
   * imported; else {@link ResolvedSecret.getKey}. jose checks the token's `alg` against the
   * allowed ones before it uses the key, so with one algorithm the key is always the right one; and
   * a key given outright spares jose a resolver call and its promise: 10–15 µs of the 60–90 µs of
   * CPU an HS256 verification took on Node 20 (bench/server.mjs).
   */
  readonly verificationKey: () => CryptoKey | JWTVerifyGetKey;
}

/**
 * An upper bound of the key material a secret holds, in bits. Entropy cannot be measured from one
 * value; this counts what the value's form allows at most, so a secret it finds short is short:
 *
 * 1. A secret that is a shorter sequence repeated, at least twice in full (`"    …"`, `"abab…"`, a
 *    byte repeated), counts that sequence once (a trailing partial repeat adds nothing). A secret
 *    that merely ends as it began (`"x…x"`, once in 256 random byte strings) is no repeat.
 * 2. Bytes (`Uint8Array`) count 8 bits each.
 * 3. A string counts 4 bits a character when every character is a hexadecimal digit; 6 bits when
 *    every character is in the base64 or base64url alphabet (`A–Z a–z 0–9 + / - _`, trailing `=`
 *    padding not counted); otherwise 8 bits per byte of its UTF-8 encoding.
 *
 * @internal
 */
export function keyMaterialBits(secret: string | Uint8Array): number {
  if (secret instanceof Uint8Array) return 8 * repeatedUnit(Array.from(secret));
  const unpadded = /^[A-Za-z0-9+/_-]*=*$/.test(secret) ? secret.replace(/=+$/, '') : secret;
  const chars = Array.from(unpadded);
  const unit = chars.slice(0, repeatedUnit(chars)).join('');
  if (/^[0-9a-fA-F]+$/.test(unpadded)) return 4 * unit.length;
  if (/^[A-Za-z0-9+/_-]+$/.test(unpadded)) return 6 * unit.length;
  return 8 * new TextEncoder().encode(unit).length;
}

/**
 * Length of the unit a sequence repeats: its shortest period when that period comes at least twice
 * in full, else the whole length. A period that fits once (a border shorter than half, as when a
 * random string's last byte equals its first) says nothing about the material.
 */
function repeatedUnit<T>(items: readonly T[]): number {
  const period = shortestPeriod(items);
  return 2 * period <= items.length ? period : items.length;
}

/** Length of the shortest prefix whose repetition makes up the whole sequence (KMP failure function). */
function shortestPeriod<T>(items: readonly T[]): number {
  const n = items.length;
  if (n === 0) return 0;
  const failure = new Array<number>(n).fill(0);
  for (let i = 1, k = 0; i < n; i++) {
    while (k > 0 && items[i] !== items[k]) k = failure[k - 1]!;
    if (items[i] === items[k]) k++;
    failure[i] = k;
  }
  return n - failure[n - 1]!;
}

/**
 * Checks the shared secret against the algorithms asked for (or picks the ones it is long enough
 * for), and prepares its WebCrypto keys.
 *
 * @throws ConfigError naming `"secret"` or `"algorithms"`; never containing the secret.
 * @internal
 */
export function resolveSecret(value: unknown, algorithmsOption: unknown): ResolvedSecret {
  let bytes: Uint8Array<ArrayBuffer>;
  if (typeof value === 'string') bytes = new TextEncoder().encode(value);
  else if (value instanceof Uint8Array) bytes = new Uint8Array(value);
  else throw new ConfigError('"secret" must be a string or a Uint8Array');
  const bits = keyMaterialBits(typeof value === 'string' ? value : bytes);
  const asked = resolveSymmetric(algorithmsOption);
  const rule = '(a random 32 bytes, 43 base64url or 64 hexadecimal characters for HS256; see "Shared secret" in docs/server.md)';
  if (bits < NEEDED_BITS.HS256) {
    throw new ConfigError(`"secret" holds at most ${bits} bits of key material; HS256 needs 256 ${rule}`);
  }
  for (const alg of asked ?? []) {
    if (bits < NEEDED_BITS[alg]) {
      throw new ConfigError(`"secret" holds at most ${bits} bits of key material; ${alg} needs ${NEEDED_BITS[alg]} (RFC 7518 §3.2)`);
    }
  }
  const algorithms = asked ?? (Object.keys(NEEDED_BITS) as SymmetricAlgorithm[]).filter((alg) => bits >= NEEDED_BITS[alg]);

  // jose imports a raw secret again on every verification; a CryptoKey per algorithm is imported once.
  const keys = new Map<string, Promise<CryptoKey>>();
  let only: CryptoKey | undefined;
  const getKey: JWTVerifyGetKey = ({ alg }) => {
    let key = keys.get(alg);
    if (key === undefined) {
      key = crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: `SHA-${alg.slice(2)}` }, false, ['verify']);
      keys.set(alg, key);
      // A failed import rejects getKey's own promise, which jose reports; this branch only must
      // not leave a second rejection unhandled.
      if (algorithms.length === 1) key.then((imported) => (only = imported), () => undefined);
    }
    return key;
  };
  const verificationKey = () => only ?? getKey;
  return Object.freeze({ algorithms, bits, getKey, verificationKey });
}

/** Checks an explicit list of HMAC algorithms. */
function resolveSymmetric(value: unknown): SymmetricAlgorithm[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) throw new ConfigError('"algorithms" must be a non-empty array');
  for (const alg of value) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') throw new ConfigError('"algorithms" must not contain "none"');
    if (typeof alg !== 'string' || !(SYMMETRIC as readonly string[]).includes(alg)) {
      throw new ConfigError(`"algorithms" with "secret" accepts only ${SYMMETRIC.join(', ')}; got ${String(alg)}`);
    }
  }
  return [...new Set(value as SymmetricAlgorithm[])];
}

