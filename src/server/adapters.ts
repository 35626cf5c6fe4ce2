import type { JWTPayload } from 'jose';
import type { DpopRequest } from './dpop-proof.js';
import { TokenVerificationError } from './errors.js';

/**
 * The part of a Node `http.IncomingMessage` (or Express/Connect request) the adapters read.
 * Typed structurally so no Node types are needed.
 */
export interface NodeRequestLike {
  /** The request headers, names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  /**
   * Node's list of header names and values as received. Read to find repeated `Authorization` and
   * `DPoP` headers, which `headers` hides (Node keeps only the first `Authorization`).
   */
  rawHeaders?: readonly string[];
  /** The HTTP method; DPoP proofs are checked against it. */
  method?: string | undefined;
  /** The request path and query; DPoP proofs are checked against it. */
  url?: string | undefined;
  /** Express: the path before mounting (`app.use('/api', …)` strips `/api` from `url`). Preferred over `url`. */
  originalUrl?: string | undefined;
  /** The connection; a TLS one (`encrypted: true`) makes the URL `https:` when `dpop.publicUrl` is not set. */
  socket?: unknown;
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
  /** The request headers; `authorization` and `dpop` are read. */
  headers: { get(name: string): string | null };
  /** The HTTP method; DPoP proofs are checked against it. */
  method?: string | undefined;
  /** The absolute request URL; DPoP proofs are checked against it (or against `dpop.publicUrl` + its path). */
  url?: string | undefined;
}

/**
 * What {@link TokenVerifier.verifyRequest} resolves to: the claims, or a ready error `Response`.
 * Exactly one of the two is set, so `if (response) return response` narrows `claims`.
 */
export type VerifyRequestResult =
  | { claims: JWTPayload; response?: undefined }
  | { claims?: undefined; response: Response };

/** The DPoP side of a request, for {@link TokenVerifier.verify}. */
export interface DpopCallInput {
  /** The `DPoP` request header: its value, every value when it was sent more than once, or nothing. */
  proof: string | readonly string[] | null | undefined;
  /** The request's HTTP method, e.g. `GET`. */
  method: string;
  /** The absolute URL the client called (query and fragment are ignored). */
  url: string | URL;
}

/** Options for one call of a verifier method. */
export interface VerifyCallOptions {
  /**
   * Scope values this call needs, on top of the verifier's `requiredScopes` (e.g. `['orders:write']`
   * on one route).
   */
  requiredScopes?: readonly string[];
  /**
   * For {@link TokenVerifier.verify} only, when DPoP is on: the request's proof, method and URL. The
   * adapters read them from the request themselves.
   */
  dpop?: DpopCallInput;
}

/** The credentials of one request, as an adapter read them. @internal */
export interface RequestCredentials {
  authorization: string | readonly string[] | null | undefined;
  /** `verify()` also takes a bare token; a real header with no scheme is another scheme. */
  acceptBareToken: boolean;
  /** Read only when the request uses the DPoP scheme. */
  dpop: (publicUrl: string | undefined) => DpopRequest;
}

/** Verifies one request's credentials. @internal */
export type VerifyCredentials = (credentials: RequestCredentials, options: VerifyCallOptions | undefined) => Promise<JWTPayload>;

/** The status, headers and JSON body that answer a {@link TokenVerificationError}. @internal */
export function errorResponseParts(error: TokenVerificationError): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const headers: Record<string, string> = {
    'WWW-Authenticate': error.wwwAuthenticate,
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
  };
  if (error.dpopNonce !== undefined) headers['DPoP-Nonce'] = error.dpopNonce;
  return { status: error.status, headers, body: JSON.stringify({ error: error.code, error_description: error.message }) };
}

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

/** The DPoP side of a Node request; the URL from `publicUrl`, else from `Host` and the socket. */
function nodeDpop(req: NodeRequestLike, publicUrl: string | undefined): DpopRequest {
  const path = req.originalUrl ?? req.url;
  const host = req.headers['host'];
  const tls = typeof req.socket === 'object' && req.socket !== null && (req.socket as { encrypted?: unknown }).encrypted === true;
  const origin = publicUrl ?? (typeof host === 'string' && host !== '' ? `${tls ? 'https' : 'http'}://${host}` : undefined);
  return {
    proofs: asList(nodeHeaderValues(req, 'dpop')),
    method: req.method,
    url: origin === undefined || path === undefined ? undefined : joinUrl(origin, path),
  };
}

/** The DPoP side of a Fetch request. Fetch joins repeated headers with ", ", which no JWT contains. */
function fetchDpop(request: FetchRequestLike, publicUrl: string | undefined): DpopRequest {
  const header = request.headers.get('dpop');
  let url = request.url;
  if (publicUrl !== undefined && url !== undefined && URL.canParse(url)) {
    const { pathname, search } = new URL(url);
    url = joinUrl(publicUrl, pathname + search);
  }
  return { proofs: header === null ? [] : header.split(','), method: request.method, url };
}

/** The DPoP side of a `verify()` call. @internal */
export function callDpop(input: DpopCallInput | undefined): DpopRequest {
  if (input === undefined) return { proofs: [], method: undefined, url: undefined };
  return { proofs: asList(input.proof), method: input.method, url: String(input.url) };
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/** Builds `authenticate`, `middleware` and `verifyRequest` on top of one verify function. @internal */
export function createAdapters(verify: VerifyCredentials, checkCallOptions: (o?: VerifyCallOptions) => void) {
  async function authenticate(
    req: NodeRequestLike,
    res: NodeResponseLike,
    options?: VerifyCallOptions,
  ): Promise<JWTPayload | undefined> {
    try {
      return await verify(
        { authorization: nodeHeaderValues(req, 'authorization'), acceptBareToken: false, dpop: (url) => nodeDpop(req, url) },
        options,
      );
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
      const credentials = {
        authorization: request.headers.get('authorization'),
        acceptBareToken: false,
        dpop: (url: string | undefined) => fetchDpop(request, url),
      };
      return { claims: await verify(credentials, options) };
    } catch (error) {
      if (!(error instanceof TokenVerificationError)) throw error;
      const { status, headers, body } = errorResponseParts(error);
      return { response: new Response(body, { status, headers }) };
    }
  }

  return { authenticate, middleware, verifyRequest };
}
