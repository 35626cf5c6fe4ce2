// The two stores a DPoP verifier works with, as interfaces an app may implement over shared state
// (Redis, a database) when its API runs on several machines. Nothing here runs; nothing is imported.

/**
 * Where a verifier remembers the DPoP proofs it accepted, so a proof is accepted once (RFC 9449
 * §11.1). Shared by every instance of the API when it runs on several machines.
 */
export interface DpopReplayCache {
  /**
   * Records `id` unless it is recorded already, in one atomic step.
   *
   * @param id - an opaque, fixed-length identifier of one proof (43 base64url characters).
   * @param ttl - milliseconds to remember it at least; afterwards the proof is too old to be accepted anyway.
   * @returns true when `id` was new (the proof may be accepted), false when it was seen before.
   *   Reject (never resolve true) when `id` cannot be recorded: a proof that is not remembered could
   *   be replayed.
   */
  add(id: string, ttl: number): Promise<boolean>;
}

/**
 * Server-provided DPoP nonces (RFC 9449 §9): a proof must carry a `nonce` the server handed out
 * recently, which limits how long a proof made in advance is useful (§11.2).
 */
export interface DpopNonceSource {
  /** The nonce to hand out now, in the `DPoP-Nonce` header. */
  current(): string | Promise<string>;
  /** Whether a proof's `nonce` is acceptable: the current one, or one recently replaced. */
  isValid(nonce: string): boolean | Promise<boolean>;
}
