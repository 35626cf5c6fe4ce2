import type { DpopRequest } from '../dpop/proof.js';
import { TokenVerificationError } from '../errors.js';
import { errorResponseParts } from './error-response.js';
import { joinUrl } from './public-url.js';
import type { FetchRequestLike, VerifyCallOptions, VerifyCredentials, VerifyRequestResult } from './types.js';

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

/**
 * The Fetch API adapter (`verifyRequest`) over one verify function: a token problem becomes a ready
 * error `Response`; anything else rejects.
 *
 * @internal
 */
export function createFetchAdapter(verify: VerifyCredentials) {
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

  return { verifyRequest };
}
