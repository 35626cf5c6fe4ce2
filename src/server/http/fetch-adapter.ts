import type { DpopRequest } from '../dpop/proof.js';
import { TokenVerificationError } from '../errors.js';
import { errorResponseParts } from './error-response.js';
import { publicRequestUrls } from './public-url.js';
import type { FetchRequestLike, VerifyCallOptions, VerifyCredentials, VerifyRequestResult } from './types.js';

/**
 * The DPoP side of a Fetch request: the URL is `request.url`, or its path after each `publicUrl`.
 * Fetch joins repeated headers with ", ", which no JWT contains.
 */
function fetchDpop(request: FetchRequestLike, publicUrls: readonly string[] | undefined): DpopRequest {
  const header = request.headers.get('dpop');
  const url = request.url !== undefined && URL.canParse(request.url) ? new URL(request.url) : undefined;
  const urls = url === undefined ? [] : publicUrls === undefined ? [url.href] : publicRequestUrls(publicUrls, url.pathname + url.search);
  return { proofs: header === null ? [] : header.split(','), method: request.method, urls };
}

/**
 * The Fetch API adapter (`verifyRequest`) over one verify function: a token problem becomes a ready
 * error `Response`; anything else rejects.
 *
 * @internal
 */
export function createFetchAdapter(verify: VerifyCredentials) {
  async function verifyRequest(request: FetchRequestLike, options?: VerifyCallOptions): Promise<VerifyRequestResult> {
    try {
      let dpopNonce: string | undefined;
      const credentials = {
        authorization: request.headers.get('authorization'),
        acceptBareToken: false,
        dpop: (publicUrls: readonly string[] | undefined) => fetchDpop(request, publicUrls),
        nextDpopNonce: (next: string) => (dpopNonce = next),
      };
      const claims = await verify(credentials, options);
      return dpopNonce === undefined ? { claims } : { claims, dpopNonce };
    } catch (error) {
      if (!(error instanceof TokenVerificationError)) throw error;
      const { status, headers, body } = errorResponseParts(error);
      return { response: new Response(body, { status, headers }) };
    }
  }

  return { verifyRequest };
}
