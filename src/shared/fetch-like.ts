/**
 * The `fetch` signature pkce-spa calls, in the browser and in `pkce-spa/server`; inject your own
 * through the `fetch` option. The global `fetch` fits.
 */
export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
