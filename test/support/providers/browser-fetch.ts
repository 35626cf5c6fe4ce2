// What a browser adds to fetch between a page and another origin: the Origin header, a preflight
// for anything that is not a CORS-simple request, and an answer the page cannot read unless it
// carries Access-Control-Allow-Origin (the Fetch standard's CORS check). The request itself still
// reaches the server: a simple POST that the page cannot read has done its work there all the same.

/** A server as the network sees it: the request, and the page origin the browser names (or none). */
export type Handler = (request: Request, origin: string | undefined) => Promise<Response>;

const SAFELISTED = new Set(['accept', 'accept-language', 'content-language', 'content-type']);
const SIMPLE_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** Fetch standard §4.8: a request that needs no preflight. */
function isSimple(request: Request): boolean {
  if (!['GET', 'HEAD', 'POST'].includes(request.method)) return false;
  for (const [header, value] of request.headers) {
    const name = header.toLowerCase(); // happy-dom keeps the case a header was set with
    if (!SAFELISTED.has(name)) return false;
    if (name === 'content-type' && !SIMPLE_TYPES.includes(value.split(';')[0]!.trim().toLowerCase())) return false;
  }
  return true;
}

const allows = (response: Response, origin: string) => {
  const allowed = response.headers.get('access-control-allow-origin');
  return allowed === '*' || allowed === origin;
};

/** No readable answer: what a page's fetch reports for a CORS failure (and for a dead network). */
const corsFailure = () => new TypeError('Failed to fetch');

/** The `fetch` of a page on `pageOrigin`, talking to `handler` through CORS as a browser does. */
export function browserFetch(handler: Handler, pageOrigin: string) {
  return async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const target = new URL(request.url).origin;
    if (target === pageOrigin) return handler(request, undefined);
    if (!isSimple(request)) {
      const names = [...request.headers.keys()].map((name) => name.toLowerCase()).filter((name) => !SAFELISTED.has(name));
      const preflight = await handler(
        new Request(request.url, {
          method: 'OPTIONS',
          headers: { 'access-control-request-method': request.method, 'access-control-request-headers': names.join(',') },
        }),
        pageOrigin,
      );
      const allowedHeaders = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
      if (!preflight.ok || !allows(preflight, pageOrigin) || !names.every((name) => allowedHeaders.includes(name))) throw corsFailure();
    }
    const response = await handler(request, pageOrigin);
    if (!allows(response, pageOrigin)) throw corsFailure();
    return response;
  };
}
