// The demo APIs (the "backend" of the docs): resource servers that accept the authorization
// server's JWT access tokens from the demo page, each only those issued for it (its audience). Plain node:http so nothing hides what it checks;
// the token check is pkce-spa's own resource-server verifier, imported as a user would.
import { createTokenVerifier, rotatingDpopNonces } from 'pkce-spa/server';

/**
 * @param {{ pageOrigin: string, issuer: string, apiUrl: string, jwksUri: string, requiredScope?: string,
 *           dpopNonces?: boolean, appOrigins?: string[], nonceRotation?: number, name?: string }} options `appOrigins`: a developer's own
 *           apps, allowed as the page is; `nonceRotation`: seconds between the API's DPoP nonces (default 60);
 *           `name`: how its answers call it (default "the demo API")
 */
export function createApiHandler({ pageOrigin, issuer, apiUrl, jwksUri, requiredScope = 'api:read', dpopNonces = false, appOrigins = [], nonceRotation = 60, name = 'the demo API' }) {
  const allowed = new Set([pageOrigin, ...appOrigins]);
  // Signature against the issuer's JWKS (fetched once, cached, refetched on an unknown kid),
  // then typ at+jwt, iss, aud, exp, sub (RFC 9068 §4) and the scope; 400/401/403 per RFC 6750 §3.
  // DPoP-bound tokens (RFC 9449) are taken with their proof only, never as Bearer.
  const verifier = createTokenVerifier({
    issuer,
    audience: apiUrl,
    jwksUri,
    algorithms: ['RS256', 'ES256'],
    requiredScopes: [requiredScope],
    realm: 'demo-api',
    // Server nonces (pkce-spa/server's default) unless --no-dpop-nonces: the SDK takes the next one
    // from every answer, so only the first call of a page pays the use_dpop_nonce round trip.
    // The proofs' htu is checked against apiUrl, the URL the page calls, never against Host.
    dpop: { mode: 'allowed', algorithms: ['ES256'], publicUrl: apiUrl, nonces: dpopNonces ? rotatingDpopNonces({ rotateEvery: nonceRotation }) : false },
  });

  const routes = {
    '/api/me': (claims) => ({
      sub: claims.sub,
      client_id: claims.client_id,
      aud: claims.aud,
      scope: claims.scope,
      exp: claims.exp,
      message: `Hello ${claims.sub}, this answer comes from ${name}.`,
    }),
    '/api/time': (claims) => ({ now: new Date().toISOString(), token_expires_in: claims.exp - Math.floor(Date.now() / 1000) }),
  };

  return async function handleApi(req, res) {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };

    // CORS: only the demo page may call, and it must be able to send Authorization and DPoP and
    // read WWW-Authenticate (to tell an expired token from a missing one) and DPoP-Nonce.
    res.setHeader('Vary', 'Origin');
    if (allowed.has(req.headers.origin)) {
      res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
      res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate, DPoP-Nonce');
    }
    if (req.method === 'OPTIONS') {
      if (allowed.has(req.headers.origin)) {
        res.setHeader('Access-Control-Allow-Methods', 'GET');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, DPoP');
        res.setHeader('Access-Control-Max-Age', '600');
      }
      send(204);
      return;
    }

    const path = new URL(req.url ?? '/', apiUrl).pathname;
    const route = routes[path];
    if (!route) return send(404, { error: 'not_found' });
    if (req.method !== 'GET') return send(405, { error: 'method_not_allowed' }, { Allow: 'GET, OPTIONS' });

    let claims;
    try {
      claims = await verifier.authenticate(req, res);
    } catch {
      // The keys could not be fetched: the authorization server's problem, not the token's.
      return send(502, { error: 'keys_unavailable' });
    }
    if (!claims) return; // 400/401/403 with WWW-Authenticate already sent
    return send(200, route(claims));
  };
}
