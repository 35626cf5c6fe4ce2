// The public options of createTokenVerifier(), as types only: the checking is in resolve.ts. Nothing
// here runs, so every module may import these types without a cycle.
import type { AsymmetricAlgorithm } from '../../shared/algorithms.js';
import type { FetchLike } from '../../shared/fetch-like.js';
import type { DpopNonceSource, DpopReplayCache } from '../dpop/types.js';

export type { AsymmetricAlgorithm } from '../../shared/algorithms.js';
export type { FetchLike } from '../../shared/fetch-like.js';

/** HMAC JWS algorithms a secret-configured verifier may accept (RFC 7518 §3.2). */
export type SymmetricAlgorithm = 'HS256' | 'HS384' | 'HS512';

/**
 * Which access-token profile the verifier enforces.
 *
 * - `'rfc9068'` (default): RFC 9068 §4, the JWT profile for access tokens: the header's `typ` must
 *   be `at+jwt` (or `application/at+jwt`), and `sub` must be present (§2.2), besides `iss`, `aud`
 *   and `exp`. This tells an access token from an ID token or any other JWT the same server signs.
 * - `'plain-jwt'`: for authorization servers that issue access tokens as plain JWTs without that
 *   `typ` (Keycloak, Okta, Entra ID, Cognito, Auth0 by default): `typ` and `sub` are not required.
 *   `iss`, `aud` (or `client_id`, see `clientId`) and `exp` still are.
 */
export type AccessTokenProfile = 'rfc9068' | 'plain-jwt';

/** Options shared by both key modes of {@link createTokenVerifier}. */
export interface TokenVerifierBaseOptions {
  /** The authorization server's issuer identifier; the `iss` claim must equal it exactly. Required. */
  issuer: string;
  /**
   * This API's identifier; the `aud` claim (string or array) must contain it, or one of these.
   * Required, unless `clientId` is given instead.
   */
  audience?: string | readonly string[];
  /**
   * For authorization servers whose access tokens carry `client_id` and no `aud` (Amazon Cognito):
   * instead of the audience, the token's `client_id` claim must equal this value (or one of these),
   * and a token that has an `aud` claim at all is refused (it was meant for some audience, and an ID
   * token, whose `aud` is the client, is never accepted). Only one of `audience` and `clientId`.
   */
  clientId?: string | readonly string[];
  /** The access-token profile: `'rfc9068'` (default) or `'plain-jwt'`. See {@link AccessTokenProfile}. */
  profile?: AccessTokenProfile;
  /**
   * Seconds of clock skew allowed on the access token's `exp`, `nbf` and `iat`. Default 5. DPoP
   * proofs have their own window: {@link DpopOptions.maxProofAge} and {@link DpopOptions.clockSkew}.
   */
  clockTolerance?: number;
  /** Scope values every token must hold, in the claim named by `scopeClaim`. */
  requiredScopes?: readonly string[];
  /**
   * The claim the token's scopes are read from; the other one is ignored, never combined.
   * `'scope'` (default, RFC 9068 §2.2.3, RFC 8693 §4.2): a space-separated string.
   * `'scp'` (Okta, Entra ID): an array of strings, or a space-separated string.
   */
  scopeClaim?: 'scope' | 'scp';
  /** Claims every token must carry, besides those the profile requires. */
  requiredClaims?: readonly string[];
  /** The `realm` attribute of every `WWW-Authenticate` challenge. */
  realm?: string;
  /** Accept DPoP-bound access tokens (RFC 9449). Off by default. See {@link DpopOptions}. */
  dpop?: DpopOptions | boolean;
}

/**
 * DPoP (RFC 9449 §7): the request carries `Authorization: DPoP <token>` and a `DPoP` proof header
 * signed with the key the token is bound to (`cnf.jkt`).
 *
 * Whatever these options, a DPoP-bound token sent as a Bearer token is refused (§7.2).
 */
export interface DpopOptions {
  /**
   * `'allowed'` (default): Bearer tokens without binding and DPoP-bound tokens with a proof are both
   * accepted. `'required'`: only DPoP-bound tokens; a Bearer request gets a DPoP challenge.
   */
  mode?: 'allowed' | 'required';
  /** JWS algorithms accepted for proofs, sent as `algs` in the challenge. Default: every {@link AsymmetricAlgorithm}. */
  algorithms?: readonly AsymmetricAlgorithm[];
  /**
   * Seconds a proof stays acceptable after its `iat` (plus `clockSkew`). Default 60. Proofs are
   * remembered this long to refuse replays (RFC 9449 §11.1).
   */
  maxProofAge?: number;
  /**
   * Seconds a proof's `iat` may be ahead of this server's clock, and behind it beyond `maxProofAge`:
   * the clock skew between client and server that RFC 9449 §11.1 speaks of, for proofs only (the
   * access token's is `clockTolerance`). Default 5 without server nonces; 60 with them, since the
   * nonce then bounds how long a proof made ahead stays usable (§11.1, §11.2).
   */
  clockSkew?: number;
  /**
   * The URL of this API as clients call it: `https://api.example.com`, or `https://example.com/api`
   * when a proxy strips `/api`; a list when it is reached under several names. The proof's `htu`
   * must equal one of these plus the path the server sees (query and fragment ignored).
   *
   * Required with the Node adapter (`authenticate`, `middleware`): there the only other source of
   * the URL is the `Host` header, which the client chooses, and a proof made for another API would
   * pass by naming that API in `Host`. Without it, `middleware()` throws a `ConfigError` at once and
   * `authenticate()` rejects with one. The Fetch adapter uses `request.url` without it: on Cloudflare
   * Workers that is the URL the route matched, but Deno, Bun and the Node servers of Fetch
   * frameworks build it from `Host` too, so set it there as well. `verify()` takes the URL from
   * its caller.
   */
  publicUrl?: string | URL | readonly (string | URL)[];
  /** Where seen proofs are remembered. Default: {@link memoryReplayCache}`()`, one per verifier. */
  replayCache?: DpopReplayCache;
  /**
   * Server-provided nonces (RFC 9449 §9): proofs must carry a valid `nonce`, handed out in the
   * `DPoP-Nonce` header of a 401 `use_dpop_nonce`. Default: {@link rotatingDpopNonces}`()`, one per
   * verifier: a new nonce every minute, each accepted until the end of the next minute, so a proof
   * signed ahead by script in the page stops working at most 2 minutes after the nonce it carries
   * was handed out (§11.2). `false` turns them off (a proof made ahead then lasts as long as its
   * `iat` allows). For an API on several machines, give each the same source over shared state.
   */
  nonces?: DpopNonceSource | false;
}

/**
 * Verify with the authorization server's public keys (the default): from `jwksUri`, or from the
 * `jwks_uri` of `${issuer}/.well-known/openid-configuration`.
 */
export interface JwksTokenVerifierOptions extends TokenVerifierBaseOptions {
  /** The JWKS URL. Without it, the issuer's OpenID Connect discovery document is read once. */
  jwksUri?: string | URL;
  /** Accepted algorithms. Default: every {@link AsymmetricAlgorithm}. HS* and `none` are refused. */
  algorithms?: readonly AsymmetricAlgorithm[];
  /**
   * Milliseconds after a JWKS or discovery fetch, successful or failed, before another may start for
   * an unknown `kid` or after a failure. Default 30000.
   */
  cooldownDuration?: number;
  /** Milliseconds the JWKS is used before it is fetched again. Default 600000; `Infinity` keeps it. */
  cacheMaxAge?: number;
  /**
   * Milliseconds past `cacheMaxAge` during which the keys already held keep verifying tokens while a
   * fresh JWKS cannot be fetched. Default 3600000 (one hour, a common access-token lifetime: tokens
   * issued before an outage stay usable through it). `0` stops at `cacheMaxAge`.
   */
  maxStaleAge?: number;
  /** Milliseconds to wait for the discovery document or the JWKS. Default 5000. */
  timeout?: number;
  /** The `fetch` to use for the discovery document and the JWKS. Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Only with {@link SecretTokenVerifierOptions}. */
  secret?: never;
}

/** Verify HMAC-signed tokens with a secret shared with the authorization server. */
export interface SecretTokenVerifierOptions extends TokenVerifierBaseOptions {
  /**
   * The shared secret: a string (UTF-8) or bytes. Its key material is counted as described in
   * docs/server.md ("Shared secret"): 8 bits a byte for bytes; for a string, 4 bits a character when
   * it is all hexadecimal digits, 6 when it is all base64/base64url characters (trailing `=` not
   * counted), otherwise 8 bits a UTF-8 byte; a secret that repeats a shorter sequence counts that
   * sequence once. HS256 needs 256 bits, HS384 384, HS512 512 (RFC 7518 §3.2).
   */
  secret: string | Uint8Array;
  /**
   * Accepted algorithms. Default: every {@link SymmetricAlgorithm} the secret has enough key
   * material for. Asymmetric ones and `none` are refused.
   */
  algorithms?: readonly SymmetricAlgorithm[];
  /** The JWKS options below belong to {@link JwksTokenVerifierOptions}. */
  jwksUri?: never;
  /** Only with {@link JwksTokenVerifierOptions}: a secret is never fetched. */
  cooldownDuration?: never;
  /** Only with {@link JwksTokenVerifierOptions}. */
  cacheMaxAge?: never;
  /** Only with {@link JwksTokenVerifierOptions}. */
  maxStaleAge?: never;
  /** Only with {@link JwksTokenVerifierOptions}. */
  timeout?: never;
  /** Only with {@link JwksTokenVerifierOptions}. */
  fetch?: never;
}

/** Options of {@link createTokenVerifier}: a JWKS (default) or a shared `secret`, never both. */
export type TokenVerifierOptions = JwksTokenVerifierOptions | SecretTokenVerifierOptions;
