// The `state` prefix that tells a callback page, without any storage, whether its response is to be
// completed here (a redirect) or handed to the page that asked (a hidden iframe or a popup): relay.ts.
import { isCallbackUrl } from '../protocol/callback.js';

/** Where an authorization response is completed. */
export type ResponseMode = 'redirect' | 'silent' | 'popup';

const prefixes = { silent: 's.', popup: 'p.' } as const;

/** @internal The `state` of a request answered in `mode`: the random value with the mode's prefix. */
export const stateFor = (mode: ResponseMode, random: string): string => (mode === 'redirect' ? random : prefixes[mode] + random);

/** @internal The mode a `state` was made for. */
export const modeOf = (state: string | null): ResponseMode =>
  state?.startsWith(prefixes.silent) ? 'silent' : state?.startsWith(prefixes.popup) ? 'popup' : 'redirect';

/** @internal The redirect URIs a client has, one per mode (`redirectUri` for any it lacks). */
export interface RedirectUris {
  redirectUri: string;
  silentRedirectUri?: string;
  popupRedirectUri?: string;
}

/** @internal The redirect URI a response in `mode` comes back to. */
export function redirectUriFor(uris: RedirectUris, mode: ResponseMode): string {
  return (mode === 'silent' ? uris.silentRedirectUri : mode === 'popup' ? uris.popupRedirectUri : undefined) ?? uris.redirectUri;
}

/**
 * @internal How a URL is an authorization response: `undefined` when it is none, else the mode its
 * `state` was made for, if it lands on that mode's redirect URI.
 */
export function responseModeOf(uris: RedirectUris, url: URL): ResponseMode | undefined {
  const mode = modeOf(url.searchParams.get('state'));
  return isCallbackUrl(url, redirectUriFor(uris, mode)) || isCallbackUrl(url, uris.redirectUri) ? mode : undefined;
}
