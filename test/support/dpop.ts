// RFC 9449 at the in-process token endpoint, checked with jose the way a server would (never by our
// own SDK code): the proof's signature with its embedded key, typ, htm, htu, iat, jti, and an
// optional server nonce. Every proof seen is kept for the tests to inspect.
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { DpopCheck } from './authorization-server.js';

export interface SeenProof {
  url: string;
  header: { typ?: string; alg?: string; jwk?: JWK };
  claims: JWTPayload;
}

export function dpopAtTokenEndpoint(options: { nonce?: string } = {}) {
  const jtis = new Set<string>();
  const proofs: SeenProof[] = [];
  const refuse = (error: string, description: string, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify({ error, error_description: description }), { status: 400, headers: { 'content-type': 'application/json', ...headers } });
  const check: DpopCheck = async (request, url) => {
    const proof = request.headers.get('dpop');
    if (!proof) return {};
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'], maxTokenAge: 60 }));
    } catch (error) {
      return refuse('invalid_dpop_proof', (error as Error).message);
    }
    const header = decodeProtectedHeader(proof) as SeenProof['header'];
    proofs.push({ url, header, claims: payload });
    if (header.jwk && 'd' in header.jwk) return refuse('invalid_dpop_proof', 'a private key in the proof');
    if (payload.htm !== request.method || payload.htu !== url) return refuse('invalid_dpop_proof', 'htm or htu');
    if (typeof payload.jti !== 'string' || jtis.has(payload.jti)) return refuse('invalid_dpop_proof', 'jti replayed');
    jtis.add(payload.jti);
    if (options.nonce !== undefined && payload.nonce !== options.nonce) {
      return refuse('use_dpop_nonce', 'a nonce is required', { 'dpop-nonce': options.nonce });
    }
    return { jkt: await calculateJwkThumbprint(header.jwk!) };
  };
  return { check, proofs };
}
