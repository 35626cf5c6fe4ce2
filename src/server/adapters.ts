import type { JWTPayload } from 'jose';
import { TokenVerificationError } from './errors.js';

/**
 * The part of a Node `http.IncomingMessage` (or Express/Connect request) the adapters read.
 * Typed structurally so no Node types are needed.
 */
export interface NodeRequestLike {
  headers: Record<string, string | string[] | undefined>;
}

/** The part of a Node `http.ServerResponse` (or Express/Connect response) the adapters write. */
export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** A Connect/Express `next` callback. */
export type NextFunctionLike = (error?: unknown) => void;

/** A Connect/Express middleware; it sets `req.auth` to the token's claims before calling `next()`. */
export type TokenMiddleware = (
  req: NodeRequestLike & { auth?: JWTPayload },
  res: NodeResponseLike,
  next: NextFunctionLike,
) => void;

/** The part of a Fetch API `Request` {@link TokenVerifier.verifyRequest} reads. */
export interface FetchRequestLike {
  headers: { get(name: string): string | null };
}

/**
 * What {@link TokenVerifier.verifyRequest} resolves to: the claims, or a ready error `Response`.
 * Exactly one of the two is set, so `if (response) return response` narrows `claims`.
 */
export type VerifyRequestResult =
  | { claims: JWTPayload; response?: undefined }
  | { claims?: undefined; response: Response };

/** Options for one call of a verifier method. */
export interface VerifyCallOptions {
  /**
   * Scope values this call needs, on top of the verifier's `requiredScopes` (e.g. `['orders:write']`
   * on one route).
   */
  requiredScopes?: readonly string[];
}

/** Verifies the value of an `Authorization` header. @internal */
export type VerifyAuthorization = (
  header: string | readonly string[] | null | undefined,
  options: VerifyCallOptions | undefined,
) => Promise<JWTPayload>;

/** The status, headers and JSON body that answer a {@link TokenVerificationError}. @internal */
export function errorResponseParts(error: TokenVerificationError): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  return {
    status: error.status,
    headers: {
      'WWW-Authenticate': error.wwwAuthenticate,
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
    },
    body: JSON.stringify({ error: error.code, error_description: error.message }),
  };
}

/** Builds `authenticate`, `middleware` and `verifyRequest` on top of one verify function. @internal */
export function createAdapters(verifyAuthorization: VerifyAuthorization, checkCallOptions: (o?: VerifyCallOptions) => void) {
  async function authenticate(
    req: NodeRequestLike,
    res: NodeResponseLike,
    options?: VerifyCallOptions,
  ): Promise<JWTPayload | undefined> {
    try {
      return await verifyAuthorization(req.headers['authorization'], options);
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
    checkCallOptions(options);
    return (req, res, next) => {
      authenticate(req, res, options).then((claims) => {
        if (claims === undefined) return;
        req.auth = claims;
        next();
      }, next);
    };
  }

  async function verifyRequest(request: FetchRequestLike, options?: VerifyCallOptions): Promise<VerifyRequestResult> {
    try {
      return { claims: await verifyAuthorization(request.headers.get('authorization'), options) };
    } catch (error) {
      if (!(error instanceof TokenVerificationError)) throw error;
      const { status, headers, body } = errorResponseParts(error);
      return { response: new Response(body, { status, headers }) };
    }
  }

  return { authenticate, middleware, verifyRequest };
}
