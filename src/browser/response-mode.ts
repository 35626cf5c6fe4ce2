// The `state` prefix that tells a callback page, without any storage, whether its response is to be
// completed here (a redirect) or handed to the page that asked (a hidden iframe or a popup): relay.ts.

/** Where an authorization response is completed. */
export type ResponseMode = 'redirect' | 'silent' | 'popup';

const prefixes = { silent: 's.', popup: 'p.' } as const;

/** @internal The `state` of a request answered in `mode`: the random value with the mode's prefix. */
export const stateFor = (mode: ResponseMode, random: string): string => (mode === 'redirect' ? random : prefixes[mode] + random);

/** @internal The mode a `state` was made for. */
export const modeOf = (state: string | null): ResponseMode =>
  state?.startsWith(prefixes.silent) ? 'silent' : state?.startsWith(prefixes.popup) ? 'popup' : 'redirect';
