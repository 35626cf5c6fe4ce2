import type { JWTPayload } from 'jose';
import { ConfigError } from '../../shared/errors.js';
import type { DpopRequest } from '../dpop/proof.js';
import { TokenVerificationError } from '../errors.js';
import { errorResponseParts } from './error-response.js';
import { publicRequestUrls } from './public-url.js';
import type { NodeRequestLike, NodeResponseLike, TokenMiddleware, VerifyCallOptions, VerifyCredentials } from './types.js';

/**
 * One header of a Node request: every value when it came more than once (counted in `rawHeaders`,
 * since `headers` keeps only the first `Authorization` and joins other repeats), else the value in
 * `headers`, which a middleware before this one may have set (`name` in lower case).
 */
function nodeHeaderValues(req: NodeRequestLike, name: string): string | string[] | undefined {
  const raw = req.rawHeaders;
  if (Array.isArray(raw)) {
    const values: string[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const key = raw[i] as string;
      if (key.length === name.length && key.toLowerCase() === name) values.push(raw[i + 1] as string);
    }
    if (values.length > 1) return values;
  }
  return req.headers[name];
}

const asList = (value: string | readonly string[] | null | undefined): string[] =>
  value === null || value === undefined ? [] : typeof value === 'string' ? [value] : [...value];

/**
 * The DPoP side of a Node request: the URLs are the configured public URLs with the request path,
 * never anything built from `Host`, which the client chooses.
 */
function nodeDpop(req: NodeRequestLike, publicUrls: readonly string[] | undefined): DpopRequest {
  return {
    proofs: asList(nodeHeaderValues(req, 'dpop')),
    method: req.method,
    urls: publicRequestUrls(publicUrls ?? [], req.originalUrl ?? req.url),
  };
}

const NEEDS_PUBLIC_URL =
  '"dpop.publicUrl" is required to accept DPoP with authenticate() and middleware(): set it to the URL clients call ' +
  '(e.g. "https://api.example.com"). Without it the proof\'s htu could only be checked against the Host header, which the client chooses';

/**
 * The Node `http` adapter (`authenticate`) and the Connect/Express one built on it (`middleware`),
 * over one verify function. A token problem is answered on `res`; anything else rejects.
 *
 * @param lacksPublicUrl - DPoP is on without `dpop.publicUrl`: every call fails with a ConfigError.
 * @internal
 */
export function createNodeAdapter(verify: VerifyCredentials, checkCallOptions: (o?: VerifyCallOptions) => void, lacksPublicUrl: boolean) {
  async function authenticate(req: NodeRequestLike, res: NodeResponseLike, options?: VerifyCallOptions): Promise<JWTPayload | undefined> {
    if (lacksPublicUrl) throw new ConfigError(NEEDS_PUBLIC_URL);
    try {
      let nonce: string | undefined;
      const claims = await verify(
        {
          authorization: nodeHeaderValues(req, 'authorization'),
          acceptBareToken: false,
          dpop: (urls) => nodeDpop(req, urls),
          nextDpopNonce: (next) => (nonce = next),
        },
        options,
      );
      // RFC 9449 §9: the next nonce rides on the answer, ahead of the old one's refusal.
      if (nonce !== undefined) res.setHeader('DPoP-Nonce', nonce);
      return claims;
    } catch (error) {
      if (!(error instanceof TokenVerificationError)) throw error;
      const { status, headers, body } = errorResponseParts(error);
      res.statusCode = status;
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      res.end(body);
      return undefined;
    }
  }

  function middleware(options?: VerifyCallOptions): TokenMiddleware {
    if (lacksPublicUrl) throw new ConfigError(NEEDS_PUBLIC_URL);
    checkCallOptions(options);
    return (req, res, next) => {
      authenticate(req, res, options).then((claims) => {
        if (claims === undefined) return;
        req.auth = claims;
        next();
      }, next);
    };
  }

  return { authenticate, middleware };
}
