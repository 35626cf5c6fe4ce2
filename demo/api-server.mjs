// The demo API (the "backend" of the docs): a resource server that accepts the authorization
// server's JWT access tokens from the demo page. Plain node:http so nothing hides what it checks.
import { createRemoteJWKSet, jwtVerify } from 'jose';

/**
 * The whole token check lives here, in one function, so that it can be swapped for
 * `createTokenVerifier` from `pkce-spa/server`. Returns the verified claims or throws.
 * Signature against the issuer's JWKS (fetched once, cached, refetched on an unknown kid),
 * then typ, iss, aud and exp (RFC 9068 §4).
 */
export function createVerifier({ issuer, audience, jwksUri }) {
  const jwks = createRemoteJWKSet(new URL(jwksUri));
  return async function verify(token) {
    const { payload } = await jwtVerify(token, jwks, {
      issuer,
      audience,
      algorithms: ['RS256', 'ES256'],
      typ: 'at+jwt',
      requiredClaims: ['exp', 'sub'],
    });
    // A DPoP-bound token must not be accepted as a plain bearer token (RFC 9449 §7.2).
    if (payload.cnf?.jkt) throw new Error('token is DPoP-bound');
    return payload;
  };
}

// Header values must stay a valid quoted-string: drop quotes, backslashes and control characters.
const quoted = (text) => `"${String(text).replace(/["\\\x00-\x1f\x7f]/g, '').slice(0, 200)}"`;

/**
 * @param {{ pageOrigin: string, issuer: string, apiUrl: string, jwksUri: string, requiredScope?: string }} options
 */
export function createApiHandler({ pageOrigin, issuer, apiUrl, jwksUri, requiredScope = 'api:read' }) {
  const verify = createVerifier({ issuer, audience: apiUrl, jwksUri });

  const routes = {
    '/api/me': (claims) => ({
      sub: claims.sub,
      client_id: claims.client_id,
      scope: claims.scope,
      exp: claims.exp,
      message: `Hello ${claims.sub}, this answer comes from the demo API.`,
    }),
    '/api/time': (claims) => ({ now: new Date().toISOString(), token_expires_in: claims.exp - Math.floor(Date.now() / 1000) }),
  };

  return async function handleApi(req, res) {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };

    // CORS: only the demo page may call, and it must be able to send Authorization and read
    // WWW-Authenticate (to tell an expired token from a missing one).
    res.setHeader('Vary', 'Origin');
    if (req.headers.origin === pageOrigin) {
      res.setHeader('Access-Control-Allow-Origin', pageOrigin);
      res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate');
    }
    if (req.method === 'OPTIONS') {
      if (req.headers.origin === pageOrigin) {
        res.setHeader('Access-Control-Allow-Methods', 'GET');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization');
        res.setHeader('Access-Control-Max-Age', '600');
      }
      send(204);
      return;
    }

    const path = new URL(req.url ?? '/', apiUrl).pathname;
    const route = routes[path];
    if (!route) return send(404, { error: 'not_found' });
    if (req.method !== 'GET') return send(405, { error: 'method_not_allowed' }, { Allow: 'GET, OPTIONS' });

    // RFC 6750 §3: no credentials → a bare challenge; bad credentials → invalid_token.
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(req.headers.authorization ?? '');
    if (!match) {
      if (req.headers.authorization) {
        return send(401, { error: 'invalid_request' }, {
          'WWW-Authenticate': 'Bearer error="invalid_request", error_description="expected a Bearer token"',
        });
      }
      return send(401, { error: 'unauthorized' }, { 'WWW-Authenticate': 'Bearer' });
    }

    let claims;
    try {
      claims = await verify(match[1]);
    } catch (error) {
      const description = error instanceof Error ? error.message : 'invalid token';
      return send(401, { error: 'invalid_token', error_description: description }, {
        'WWW-Authenticate': `Bearer error="invalid_token", error_description=${quoted(description)}`,
      });
    }

    const scopes = String(claims.scope ?? '').split(' ');
    if (!scopes.includes(requiredScope)) {
      return send(403, { error: 'insufficient_scope' }, {
        'WWW-Authenticate': `Bearer error="insufficient_scope", scope=${quoted(requiredScope)}`,
      });
    }
    return send(200, route(claims));
  };
}
