import { base64url } from 'jose';
import { ConfigError } from '../shared/errors.js';

/**
 * Server-provided DPoP nonces (RFC 9449 §9): a proof must carry a `nonce` the server handed out
 * recently, which limits how long a proof made in advance is useful.
 */
export interface DpopNonceSource {
  /** The nonce to hand out now, in the `DPoP-Nonce` header. */
  current(): string | Promise<string>;
  /** Whether a proof's `nonce` is acceptable: the current one, or one recently replaced. */
  isValid(nonce: string): boolean | Promise<boolean>;
}

/** Options of {@link rotatingDpopNonces}. */
export interface RotatingDpopNoncesOptions {
  /** Seconds between two new nonces. A nonce is accepted for up to twice this. Default 300. */
  rotateEvery?: number;
}

/**
 * Nonces from this process: 16 random bytes each, a new one every `rotateEvery` seconds, the
 * current and the previous one accepted. For an API on several machines, give every instance the
 * same {@link DpopNonceSource} backed by shared state instead, or a client will be asked for a
 * new nonce whenever it reaches another instance.
 *
 * @param options - `rotateEvery`, in seconds.
 * @throws ConfigError when `rotateEvery` is not a positive number.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-9
 */
export function rotatingDpopNonces(options: RotatingDpopNoncesOptions = {}): DpopNonceSource {
  const period = (options.rotateEvery ?? 300) * 1000;
  if (!(period > 0) || !Number.isFinite(period)) throw new ConfigError('"rotateEvery" must be a positive number of seconds');
  const fresh = () => base64url.encode(crypto.getRandomValues(new Uint8Array(16)));
  let current = fresh();
  let previous: string | undefined;
  let rotatedAt = Date.now();
  const rotate = () => {
    const now = Date.now();
    if (now - rotatedAt < period) return;
    // After a long idle time both old nonces are stale.
    previous = now - rotatedAt < 2 * period ? current : undefined;
    current = fresh();
    rotatedAt = now;
  };
  return {
    current() {
      rotate();
      return current;
    },
    isValid(nonce) {
      rotate();
      return nonce === current || (previous !== undefined && nonce === previous);
    },
  };
}
