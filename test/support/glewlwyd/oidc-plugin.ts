// The OpenID Connect plugin instance, as glewlwyd's admin API takes it (POST /api/mod/plugin/).
// Names are the plugin's own; anything left out keeps the plugin's default.
import { exportJWK, generateKeyPair } from 'jose';

/** The plugin's name: its endpoints live under /api/{name}/. */
export const PLUGIN_NAME = 'oidc';

export interface OidcPluginOptions {
  /** The issuer: `{external_url}/api/oidc`, no trailing slash. */
  issuer: string;
  /** Lifetime of access tokens, in seconds; glewlwyd gives ID tokens the same one. */
  accessTokenTtl: number;
  /** The scopes listed in discovery's `scopes_supported`. */
  scopes: string[];
}

/** A fresh RS256 signing key for this run, as the private JWKS the plugin wants. */
async function signingKeys(): Promise<{ jwks: string; kid: string }> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `rs256-${Date.now().toString(36)}`;
  const jwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  return { jwks: JSON.stringify({ keys: [jwk] }), kid };
}

/** The plugin's parameters for a public SPA client with PKCE, rotation, RFC 9207 and end-session. */
export async function oidcPluginParameters({ issuer, accessTokenTtl, scopes }: OidcPluginOptions) {
  const { jwks, kid } = await signingKeys();
  return {
    iss: issuer,
    'oauth-as-iss-id': true, // RFC 9207: `iss` in every authorization response
    'jwt-type': 'rsa',
    'jwt-key-size': '256',
    'jwks-private': jwks,
    'default-kid': kid,
    'jwks-show': true,
    'secret-type': 'public', // the same `sub` for every client
    'access-token-duration': accessTokenTtl,
    'refresh-token-duration': 3600,
    'refresh-token-rolling': false,
    // Rotation: each refresh token works once, and a reused one disables the newest of its chain.
    'refresh-token-one-use': 'always',
    'code-duration': 60,
    'auth-type-code-enabled': true,
    'auth-type-code-revoke-replayed': true,
    'auth-type-refresh-enabled': true,
    'auth-type-token-enabled': false,
    'auth-type-none-enabled': false,
    'auth-type-password-enabled': false,
    'auth-type-client-enabled': false,
    'auth-type-device-enabled': false,
    'allow-non-oidc': false,
    'allowed-scope': scopes,
    'name-claim': 'mandatory', // the user's name in every ID token
    'name-claim-scope': [],
    'email-claim': 'no',
    'scope-claim': 'no',
    // PKCE, S256 only, required of every client.
    'pkce-allowed': true,
    'pkce-method-plain-allowed': false,
    'pkce-required': true,
    'pkce-required-public-client': true,
    // Advertises revocation_endpoint; a public client is still refused there (401).
    'introspection-revocation-allowed': true,
    'introspection-revocation-allow-target-client': true,
    'introspection-revocation-auth-scope': [],
    // end_session_endpoint; its confirmation page also needs front-channel logout allowed.
    'session-management-allowed': true,
    'session-cookie-name': 'GLEWLWYD2_OIDC_SID',
    'session-cookie-expiration': 3600,
    'front-channel-logout-allowed': true,
    'back-channel-logout-allowed': false,
    'request-parameter-allow': false,
    'register-client-allowed': false,
    'encrypt-out-token-allow': false,
    'oauth-dpop-allowed': false,
    'resource-allowed': false, // without resource indicators, an access token's `aud` is the scope list
    'oauth-rar-allowed': false,
    'oauth-par-allowed': false,
    'oauth-ciba-allowed': false,
  };
}
