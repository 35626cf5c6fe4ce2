import { ConfigError } from '../../shared/errors.js';
import { randomToken } from '../../shared/encoding.js';
import type { DpopNonceSource } from './types.js';

/** Options of {@link rotatingDpopNonces}. */
export interface RotatingDpopNoncesOptions {
  /**
   * Seconds between two new nonces. A nonce is accepted until the end of the period after the one it
   * was handed out in: at most twice this after it was handed out. Default 60.
   */
  rotateEvery?: number;
}

/**
 * Nonces from this process: 16 random bytes each, a new one every `rotateEvery` seconds counted from
 * creation, the current and the previous one accepted. The periods are fixed, however seldom the
 * nonces are asked for, so a nonce handed out at time t is refused from t + 2 × `rotateEvery` at
 * the latest (2 minutes by default): the bound on how long a proof signed ahead, by script in the
 * page say, stays usable (RFC 9449 §11.2). Once a new nonce is current, every answer to a proof
 * carrying the previous one hands out the new one (`DPoP-Nonce`, §9), so a client that calls at
 * least once a period never meets a `use_dpop_nonce` refusal; one that does gets the nonce with the
 * 401 and retries once.
 *
 * For an API on several machines, give every instance the same {@link DpopNonceSource} backed by
 * shared state instead, or a client will be asked for a new nonce whenever it reaches another
 * instance.
 *
 * @param options - `rotateEvery`, in seconds.
 * @throws ConfigError when `rotateEvery` is not a positive number.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-9
 */
export function rotatingDpopNonces(options: RotatingDpopNoncesOptions = {}): DpopNonceSource {
  const period = (options.rotateEvery ?? 60) * 1000;
  if (!(period > 0) || !Number.isFinite(period)) throw new ConfigError('"rotateEvery" must be a positive number of seconds');
  const fresh = () => randomToken(16);
  const start = Date.now();
  let periodIndex = 0;
  let current = fresh();
  let previous: string | undefined;
  const rotate = () => {
    const due = Math.floor((Date.now() - start) / period);
    // A clock set back keeps the nonces it has: only a later period replaces them.
    if (due <= periodIndex) return;
    previous = due === periodIndex + 1 ? current : undefined;
    current = fresh();
    periodIndex = due;
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
