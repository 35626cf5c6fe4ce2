// The shapes the adapters read and write, typed structurally so no Node or framework types are needed,
// and the one function every adapter calls. Types only: nothing here runs.
import type { JWTPayload } from 'jose';
import type { DpopRequest } from '../dpop/proof.js';

/** The authentication schemes a verifier may accept: `Bearer` (RFC 6750) and `DPoP` (RFC 9449). */
export type AuthScheme = 'Bearer' | 'DPoP';

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
}

/** The part of a Node `http.ServerResponse` (or Express/Connect response) the adapters write. */
export interface NodeResponseLike {
  /** Set to the error's status (400, 401 or 403) when a token is refused; other errors write nothing. */
  statusCode: number;
  /**
   * Sets `WWW-Authenticate`, `Content-Type`, `Cache-Control: no-store` (and `DPoP-Nonce`) on that
   * answer; with server nonces, also `DPoP-Nonce` on a passed request whose proof carried an older one.
   */
  setHeader(name: string, value: string): unknown;
  /** Sends the JSON body `{ error, error_description }` and ends the answer. */
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
  headers: {
    /** The header's value, or `null` when absent (as `Headers.get`). */
    get(name: string): string | null;
  };
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
  | {
      /** The verified token's claims. */
      claims: JWTPayload;
      /** Absent when the token passed. */
      response?: undefined;
      /**
       * With server nonces: the current nonce, when the proof carried an older one. Send it as the
       * `DPoP-Nonce` header of your answer (RFC 9449 §9), so the client switches before its nonce is
       * refused and rotation costs no `use_dpop_nonce` round trip. `authenticate()` and `middleware()`
       * set it on the response themselves.
       */
      dpopNonce?: string;
    }
  | {
      /** Absent when the token failed. */
      claims?: undefined;
      /** The error answer to send as is: 400, 401 or 403 with `WWW-Authenticate` (RFC 6750 §3). */
      response: Response;
      /** Absent when the token failed: a `use_dpop_nonce` answer carries its nonce in `response`. */
      dpopNonce?: undefined;
    };

/** The DPoP side of a request, for {@link TokenVerifier.verify}. */
export interface DpopCallInput {
  /** The `DPoP` request header: its value, every value when it was sent more than once, or nothing. */
  proof: string | readonly string[] | null | undefined;
  /** The request's HTTP method, e.g. `GET`. */
  method: string;
  /**
   * The absolute URL the client called (query and fragment are ignored): this API's public URL and
   * the request path, never one built from the `Host` header, which the client chooses.
   */
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
  /** Read only when the request uses the DPoP scheme; given the configured `dpop.publicUrl`s. */
  dpop: (publicUrls: readonly string[] | undefined) => DpopRequest;
  /** Told the nonce to hand out with a successful answer, when the proof's is no longer the current one. */
  nextDpopNonce?: (nonce: string) => void;
}

/** Verifies one request's credentials. @internal */
export type VerifyCredentials = (credentials: RequestCredentials, options: VerifyCallOptions | undefined) => Promise<JWTPayload>;
