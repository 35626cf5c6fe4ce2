import type { JWTPayload, JWTVerifyOptions } from 'jose';
import { isPkceError } from '../../shared/errors.js';
import { DpopRefusal, verifyDpopProof, type DpopRequest } from '../dpop/proof.js';
import { TokenVerificationError, type TokenVerificationErrorCode } from '../errors.js';
import { parseAuthorization } from '../http/authorization-header.js';
import { createFetchAdapter } from '../http/fetch-adapter.js';
import { createNodeAdapter } from '../http/node-adapter.js';
import type { AuthScheme, DpopCallInput, RequestCredentials, VerifyCallOptions } from '../http/types.js';
import { createRemoteKeys } from '../keys/remote-keys.js';
import { resolveOptions } from '../options/resolve.js';
import type { TokenVerifierOptions } from '../options/types.js';
import { resolveScopes } from '../options/validators.js';
import { withoutStackTrace } from '../without-stack-trace.js';
import { readBinding } from './binding.js';
import { joseRefusalHint, scopeRefusalHint, type Hint } from './refusal-hint.js';
import { describeJoseError } from './describe-jose-error.js';
import { grantedScopes } from './scopes.js';
import { refuseClaims } from './token-claims.js';
import type { TokenVerifier } from './token-verifier.js';
import { jwksSource, verifyJwt, type KeySource } from './verify-jwt.js';

/**
 * Creates a verifier of JWT access tokens for a resource server (an API), following RFC 6750 for
 * the Bearer scheme, RFC 8725 for JWT handling, RFC 9068 for the token profile (by default) and
 * RFC 9449 for DPoP-bound tokens (when `dpop` is on).
 *
 * Keys: by default the authorization server's public keys, from `jwksUri` or the issuer's OpenID
 * discovery document, fetched on first use, cached, fetched again at most once per
 * `cooldownDuration` when a token names an unknown `kid` (key rotation) or after a failed fetch,
 * and kept in use for `maxStaleAge` when a refresh fails. With `secret`, HMAC (HS256/384/512)
 * instead, the key imported once per algorithm. The two modes never share algorithms: a JWKS
 * verifier refuses HS* tokens, a secret verifier refuses asymmetric ones, and `alg: none` is
 * always refused.
 *
 * Nothing is fetched until the first token arrives.
 *
 * @param options - see {@link JwksTokenVerifierOptions} and {@link SecretTokenVerifierOptions}.
 * @returns a {@link TokenVerifier}.
 * @throws ConfigError when an option is missing or wrong (including a `secret` with too little key
 *   material); the message names the field.
 *
 * @example
 * ```ts
 * import { createTokenVerifier } from 'pkce-spa/server'
 *
 * const verifier = createTokenVerifier({
 *   issuer: 'https://auth.example.com',
 *   audience: 'https://api.example.com',
 *   requiredScopes: ['orders:read'],
 * })
 * const claims = await verifier.verify(req.headers.authorization)
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 * @see https://www.rfc-editor.org/rfc/rfc8725#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const config = resolveOptions(options);
  const source: KeySource =
    config.key.kind === 'secret'
      ? { kind: 'secret', key: config.key.secret.verificationKey }
      : jwksSource(createRemoteKeys({ issuer: config.issuer, ...config.key }));
  const { realm, dpop } = config;
  const schemes: AuthScheme[] = dpop === undefined ? ['Bearer'] : dpop.required ? ['DPoP'] : ['Bearer', 'DPoP'];
  // Built once: jose reads them on every verification.
  const joseOptions: JWTVerifyOptions = Object.freeze({
    issuer: config.issuer,
    ...(config.audience === undefined ? {} : { audience: config.audience }),
    algorithms: config.algorithms,
    clockTolerance: config.clockTolerance,
    requiredClaims: ['exp', ...config.requiredClaims],
    ...(config.profile === 'rfc9068' ? { typ: 'at+jwt' } : {}),
  });

  // A refusal answers the client (a 401); it is no fault of this process to trace: no stack trace.
  // Its hint for the API's logs is worded when its message is read, not here (refusal-hint.ts).
  const refuse = (
    code: TokenVerificationErrorCode,
    description: string,
    scheme: AuthScheme | undefined,
    extra: { scope?: readonly string[]; cause?: unknown; dpopNonce?: string | undefined; hint?: Hint | undefined } = {},
  ) =>
    withoutStackTrace(
      () =>
        new TokenVerificationError(code, description, {
          realm,
          schemes,
          errorScheme: scheme,
          dpopAlgorithms: dpop?.algorithms,
          scope: extra.scope,
          cause: extra.cause,
          dpopNonce: extra.dpopNonce,
          hint: extra.hint,
        }),
    );

  const neededScopes = (call: VerifyCallOptions | undefined): readonly string[] => {
    if (call?.requiredScopes === undefined) return config.requiredScopes;
    const extra = resolveScopes('requiredScopes', call.requiredScopes);
    return [...new Set([...config.requiredScopes, ...extra])];
  };

  /**
   * RFC 9449 §7.1–7.2: a bound token only with its proof, a proof only with a bound token. Returns
   * the `jkt` the proof must match, or `undefined` for a Bearer token, which needs no proof (and no
   * wait for one).
   */
  function checkBinding(payload: JWTPayload, scheme: AuthScheme): string | undefined {
    const binding = readBinding(payload);
    if (binding.kind === 'unchecked') {
      throw refuse('invalid_token', 'The access token is bound to a key in a way this API cannot check (cnf)', scheme);
    }
    if (scheme === 'Bearer') {
      if (binding.kind === 'dpop') {
        throw refuse('invalid_token', 'The access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof', scheme);
      }
      return undefined;
    }
    if (binding.kind === 'none') throw refuse('invalid_token', 'The access token is not DPoP-bound: send it as a Bearer token', scheme);
    return binding.jkt;
  }

  async function checkProof(credentials: RequestCredentials, token: string, jkt: string): Promise<string | undefined> {
    try {
      return await verifyDpopProof(credentials.dpop(dpop!.publicUrls), token, jkt, dpop!);
    } catch (error) {
      if (!(error instanceof DpopRefusal)) throw error;
      throw refuse(error.code, error.message, 'DPoP', { cause: error.cause, dpopNonce: error.nonce });
    }
  }

  async function verifyCredentials(credentials: RequestCredentials, call: VerifyCallOptions | undefined): Promise<JWTPayload> {
    const scopes = neededScopes(call);
    const parsed = parseAuthorization(credentials.authorization, credentials.acceptBareToken, schemes);
    if ('problem' in parsed) {
      throw refuse(parsed.problem, parsed.description, undefined, { scope: parsed.problem === 'missing_token' ? scopes : undefined });
    }
    let payload: JWTPayload;
    try {
      payload = await verifyJwt(parsed.token, source, joseOptions);
    } catch (error) {
      // Failures to get or use the keys are not the token's fault: let them through as they are.
      if (isPkceError(error)) throw error;
      throw refuse('invalid_token', describeJoseError(error), parsed.scheme, { cause: error, hint: joseRefusalHint(error, parsed.token, config) });
    }
    const problem = refuseClaims(payload, config);
    if (problem !== undefined) throw refuse('invalid_token', problem, parsed.scheme);
    const jkt = checkBinding(payload, parsed.scheme);
    const nextNonce = jkt === undefined ? undefined : await checkProof(credentials, parsed.token, jkt);
    if (scopes.length > 0) {
      const granted = grantedScopes(payload, config.scopeClaim);
      if (!scopes.every((scope) => granted.has(scope))) {
        throw refuse('insufficient_scope', 'The access token does not have the required scope', parsed.scheme, {
          scope: scopes,
          hint: scopeRefusalHint(payload, scopes, config),
        });
      }
    }
    if (nextNonce !== undefined) credentials.nextDpopNonce?.(nextNonce);
    return payload;
  }

  return Object.freeze({
    verify: (token: string | null | undefined, call?: VerifyCallOptions) =>
      verifyCredentials({ authorization: token, acceptBareToken: true, dpop: () => callDpop(call?.dpop) }, call),
    ...createNodeAdapter(verifyCredentials, (call) => void neededScopes(call), dpop !== undefined && dpop.publicUrls === undefined),
    ...createFetchAdapter(verifyCredentials),
  });
}

/** The DPoP side of a `verify()` call: what the caller passed, as it passed it. */
function callDpop(input: DpopCallInput | undefined): DpopRequest {
  if (input === undefined) return { proofs: [], method: undefined, urls: [] };
  const proof = input.proof;
  return { proofs: proof === null || proof === undefined ? [] : typeof proof === 'string' ? [proof] : [...proof], method: input.method, urls: [String(input.url)] };
}
