import { NetworkError, ValidationError, isPkceError } from '../shared/errors.js';
import { readJson, send, type HttpOptions } from './http.js';
import { secureUrl } from '../shared/secure-url.js';
import { TENANT_PLACEHOLDER, isTemplateOf } from './issuer-template.js';

/**
 * The authorization server metadata pkce-spa uses (OpenID Connect Discovery 1.0 §3,
 * RFC 8414 §2, RFC 9207 §3). Wire names are kept as the specs spell them.
 */
export interface AuthorizationServerMetadata {
  /** Identical to the configured issuer, or the metadata is refused. */
  issuer: string;
  /** Where `login()` sends the browser. */
  authorization_endpoint: string;
  /** Where codes and refresh tokens are exchanged. */
  token_endpoint: string;
  /** The issuer's public keys, for ID token signatures. */
  jwks_uri?: string;
  /** RFC 7009; `logout()` revokes the refresh token there. */
  revocation_endpoint?: string;
  /** RP-Initiated Logout; `logout()` ends the server session there. */
  end_session_endpoint?: string;
  /** OIDC Core §5.3; see `fetchUserInfo()`. */
  userinfo_endpoint?: string;
  /** When listed, must include `S256`. */
  code_challenge_methods_supported?: string[];
  /** RFC 9207: when true, a callback without `iss` is refused. */
  authorization_response_iss_parameter_supported?: boolean;
  /** RFC 9126: where `login()` pushes the authorization parameters first (see the `par` option). */
  pushed_authorization_request_endpoint?: string;
  /** RFC 9126 §5: when true, every authorization request is pushed. */
  require_pushed_authorization_requests?: boolean;
  /** RFC 9449 §5.1: the algorithms the server accepts for DPoP proofs. */
  dpop_signing_alg_values_supported?: string[];
  /** Any other metadata the server publishes. */
  [parameter: string]: unknown;
}

// The endpoints this SDK calls or sends tokens to; the first two are required.
const endpoints = [
  'authorization_endpoint',
  'token_endpoint',
  'jwks_uri',
  'revocation_endpoint',
  'end_session_endpoint',
  'userinfo_endpoint',
  'pushed_authorization_request_endpoint',
];

/** How metadata is checked and completed; see {@link validateMetadata} and {@link discover}. */
export interface MetadataOptions {
  /**
   * Accept Entra ID's templated issuer (`https://login.microsoftonline.com/{tenantid}/v2.0`) for a
   * configured `…/common/v2.0` (or `organizations`, `consumers`); see `multiTenant` of the client.
   */
  multiTenant?: boolean;
  /**
   * Values that replace or add to what the server published (an `end_session_endpoint` it does
   * not advertise, say), merged before the checks, which they pass like the rest.
   */
  overrides?: Partial<AuthorizationServerMetadata>;
}

/** Says which `issuer` to configure, without accepting it (Discovery §4.3: they must be identical). */
function issuerMismatch(configured: string, published: unknown, multiTenant: boolean): string {
  if (typeof published !== 'string') return `The metadata of ${configured} has no "issuer"`;
  const base = `The metadata at ${configured} is for issuer ${JSON.stringify(published)}`;
  if (published.includes(TENANT_PLACEHOLDER) && !multiTenant && isTemplateOf(published, configured)) {
    return `${base}, a multi-tenant template: set "multiTenant: true" (optionally with a tenant allow-list) to accept it`;
  }
  if (published.replace(/\/$/, '') === configured.replace(/\/$/, '')) {
    return `${base}: if that is your authorization server, set "issuer" to exactly ${JSON.stringify(published)} (mind the trailing slash)`;
  }
  return (
    `${base}: if that is your authorization server, set "issuer" to exactly ${JSON.stringify(published)}, and if that issuer ` +
    `publishes no discovery document of its own (Azure AD B2C's), give the endpoints found at ${configured} in the "metadata" option`
  );
}

/**
 * Checks metadata against the issuer it was fetched for: `issuer` must be identical
 * (Discovery §4.3, RFC 8414 §3.3) or, with `multiTenant`, the issuer's template; the two endpoints
 * a login needs must be present, every endpoint must be `https:` (plain `http:` only on loopback),
 * and S256 must be supported when the server lists its PKCE methods.
 *
 * @throws {@link ValidationError} `invalid_issuer` (the message says which `issuer` the server
 *   publishes) or `invalid_response`.
 */
export function validateMetadata(
  issuer: string,
  metadata: Record<string, unknown>,
  options: MetadataOptions = {},
): AuthorizationServerMetadata {
  const published = metadata.issuer;
  const templated = options.multiTenant === true && typeof published === 'string' && published !== issuer && isTemplateOf(published, issuer);
  if (published !== issuer && !templated) {
    throw new ValidationError('invalid_issuer', issuerMismatch(issuer, published, options.multiTenant === true));
  }
  endpoints.forEach((name, index) => {
    if ((index < 2 || metadata[name] !== undefined) && !secureUrl(metadata[name])) {
      throw new ValidationError('invalid_response', `Metadata "${name}" must be an https: URL (http: only on loopback)`);
    }
  });
  const methods = metadata.code_challenge_methods_supported;
  if (Array.isArray(methods) && !methods.includes('S256')) {
    throw new ValidationError('invalid_response', 'The authorization server does not support PKCE with S256');
  }
  return metadata as AuthorizationServerMetadata;
}

// Azure AD B2C's GUID issuer, for one: its policy publishes the metadata, the issuer itself none.
const NO_DISCOVERY = 'If this issuer publishes no discovery document of its own, give its endpoints in the "metadata" option';

/**
 * Fetches and validates `{issuer}/.well-known/openid-configuration`, with `overrides` merged in.
 *
 * @throws {@link ValidationError} `invalid_response` when the answer is not a 200 JSON object, or the
 *   errors of {@link validateMetadata} (`invalid_issuer`, `invalid_response`); {@link NetworkError}
 *   `network_error` when the request fails (a server without CORS for this origin fails so) or
 *   `timeout`.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 * @example
 * ```ts
 * const metadata = await discover('https://auth.example.com')
 * ```
 */
export async function discover(issuer: string, options: HttpOptions & MetadataOptions = {}): Promise<AuthorizationServerMetadata> {
  // Discovery §4: a terminating "/" of the issuer is removed before appending the well-known path.
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await send(url, { headers: { accept: 'application/json' } }, options).catch((error: unknown) => {
    if (!isPkceError(error, 'network_error')) throw error;
    throw new NetworkError('network_error', `${error.message}. ${NO_DISCOVERY}`, error.cause);
  });
  if (!response.ok) {
    throw new ValidationError('invalid_response', `Discovery failed with HTTP ${response.status} at ${url}. ${NO_DISCOVERY}`);
  }
  return validateMetadata(issuer, { ...(await readJson(response, 'Discovery')), ...options.overrides }, options);
}
