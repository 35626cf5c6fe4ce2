// Every name pkce-spa takes in the browser's shared namespaces (Web Storage keys, IndexedDB
// databases, Web Locks, BroadcastChannels, window names, message types), in one place: two apps on
// one origin, or two clients in one app, must never meet under one name by accident.

/** The `pkce-spa:` prefix every storage key, lock and channel of the SDK starts with. */
const PREFIX = 'pkce-spa';

/** @internal The names one client (its `clientId`, at its `issuer`) uses. */
export function clientNames(issuer: string, clientId: string) {
  // A session belongs to one issuer and one client: two apps on one origin, or one app's two clients,
  // share no key, lock or channel.
  const owner = ownerOf(issuer, clientId);
  const base = `${PREFIX}:${owner}`;
  return {
    /** Web Storage key of the login transaction (transaction storage). */
    transaction: `${base}:tx`,
    /** Web Storage key of the one-time `state` of a logout (transaction storage). */
    logoutState: `${base}:logout`,
    /** `localStorage` flag behind `hadSession()`. */
    hadSession: `${base}:had-session`,
    /** `localStorage` flag: the user signed out here and has not signed in since. */
    signedOut: `${base}:signed-out`,
    /** The Web Lock under which the tabs of this client refresh one at a time. */
    refreshLock: `${base}:refresh`,
    /** The Web Lock a tab holds from `logout()` until it has left for the end-session endpoint. */
    logoutLock: `${base}:logging-out`,
    /** The Web Lock a tab holds while it holds a per-tab copy of session `sessionId`. */
    holderLock: (sessionId: string) => `${base}:holder:${sessionId}`,
    /** The BroadcastChannel on which the tabs of this client tell each other of sign-ins and sign-outs. */
    tabChannel: `${base}:tabs`,
    /** The record of this client's session in a token store shared by several clients. */
    tokenRecord: owner,
  };
}

/** @internal How one client is named among others: its `clientId` at its `issuer`. */
export const ownerOf = (issuer: string, clientId: string): string => `${clientId}@${issuer}`;

/** @internal */
export type ClientNames = ReturnType<typeof clientNames>;

/** @internal The default Web Storage key of `webStorageTokenStore`. */
export const TOKEN_STORAGE_KEY = `${PREFIX}:tokens`;
/** @internal The default IndexedDB database of `indexedDbTokenStore`. */
export const TOKEN_DATABASE = PREFIX;
/** @internal The IndexedDB database of the DPoP key pairs. */
export const DPOP_KEY_DATABASE = `${PREFIX}-dpop`;
/** @internal The IndexedDB database of the refresh-token rotation ledger. */
export const ROTATION_DATABASE = `${PREFIX}-rotation`;
/** @internal The `window.open` name of the sign-in popup, so a second click reuses the window. */
export const POPUP_WINDOW = `${PREFIX}-popup`;
/** @internal The `type` of a relayed authorization response message. */
export const RESPONSE_MESSAGE = `${PREFIX}:response`;
/** @internal The BroadcastChannel a popup's response travels on: named after its `state`. */
export const responseChannel = (state: string) => `${PREFIX}:response:${state}`;
