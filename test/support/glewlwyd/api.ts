// A tiny API in front of which glewlwyd's access tokens are checked by pkce-spa/server, as an
// app's backend would: GET /api/me answers the token's subject and scope.
import { createServer, type Server } from 'node:http';

import { createTokenVerifier } from '../../../src/server/index.js';

export interface RunningApi {
  apiUrl: string;
  close(): Promise<void>;
}

/**
 * @param audience - What glewlwyd puts in `aud`. Without resource indicators that is the granted
 *   scope list, as one space-separated string (`"openid api:read"`), so that exact string is the
 *   audience to expect.
 */
export async function startApi({ issuer, jwksUri, audience, requiredScope, pageOrigin }: {
  issuer: string;
  jwksUri: string;
  audience: string;
  requiredScope: string;
  pageOrigin: string;
}): Promise<RunningApi> {
  const verifier = createTokenVerifier({
    issuer,
    jwksUri,
    audience,
    algorithms: ['RS256'],
    requiredScopes: [requiredScope],
    requiredClaims: ['sub', 'client_id'],
    realm: 'glewlwyd-demo-api',
  });

  const server: Server = createServer(async (req, res) => {
    res.setHeader('Vary', 'Origin');
    if (req.headers.origin === pageOrigin) {
      res.setHeader('Access-Control-Allow-Origin', pageOrigin);
      res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET', 'Access-Control-Allow-Headers': 'Authorization' });
      res.end();
      return;
    }
    if (req.method !== 'GET' || req.url !== '/api/me') {
      res.writeHead(404).end();
      return;
    }
    const claims = await verifier.authenticate(req, res).catch(() => null);
    if (claims === null) {
      res.writeHead(502, { 'Content-Type': 'application/json' }).end('{"error":"keys_unavailable"}');
      return;
    }
    if (!claims) return; // 400/401/403 with WWW-Authenticate already sent
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ sub: claims.sub, client_id: claims.client_id, scope: claims.scope }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
