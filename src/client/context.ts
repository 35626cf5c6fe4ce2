import { clientNames, type ClientNames } from '../browser/names.js';
import type { Config } from './options.js';
import { createEmitter, type Emitter } from '../session/emitter.js';
import type { DpopRuntime } from '../session/dpop-keys.js';
import type { DpopSigner, HttpOptions } from '../protocol/http.js';
import { createIssuer, type Issuer } from './issuer.js';
import type { PkceClientEvents } from '../session/events.js';
import { createSession, type Session } from '../session/session.js';
import { createLogoutWatch, createSessionLock, createTabChannel, type LogoutWatch } from '../session/tab-sync.js';
import { bindTokenStore, memoryTokenStore } from '../session/token-store.js';
import { serverTime } from '../session/token-set.js';
import { guardedStorage, type StorageLike } from '../browser/storage.js';
import { createTransactionStore, type TransactionStore } from '../session/transaction.js';

/** @internal What the steps of one client share; `createPkceClient` builds it once. */
export interface ClientContext {
  config: Config;
  /** The storage keys, locks and channels of this client. */
  names: ClientNames;
  http: HttpOptions;
  issuer: Issuer;
  session: Session;
  events: Emitter<PkceClientEvents>;
  transactions: TransactionStore;
  /** Runs a step under the cross-tab session lock (re-entrant within the tab). */
  locked: <T>(task: () => Promise<T>) => Promise<T>;
  /** Where the login transaction and the logout `state` wait (default `sessionStorage`). */
  storage: () => StorageLike;
  navigate: (url: string) => void;
  /**
   * Revokes a refresh token of session `sessionId`, best effort: never rejects; a failure is the
   * `revocation-failed` event.
   */
  revoke: (refreshToken: string, sessionId: string) => Promise<void>;
  /** With `dpop: true`: the DPoP runtime, loaded on first use. */
  dpop?: () => Promise<DpopRuntime>;
  /** The DPoP signer of the key `id` (a session, or `tx:<state>`), when DPoP is on. */
  signer: (id: string) => Promise<DpopSigner | undefined>;
  /** True when `openid` is among the scopes, so ID tokens are asked for and required. */
  openid: boolean;
  /** Other tabs' logouts, as a sign-in must wait for them. */
  logouts: LogoutWatch;
  /**
   * Called when another tab signed in and this one could not take the session from the store, with
   * the login ticket of when it was heard.
   */
  onStartedElsewhere?: (ticket: number) => void;
  /**
   * Called when an authorization code is on its way (the callback page, a returning user's silent
   * sign-in): starts loading what completes the sign-in. `createPkceClient` sets it.
   */
  onCodeExpected?: () => void;
}

/** @internal Wires the parts of one client together; nothing touches the page yet. */
export function createClientContext(config: Config): ClientContext {
  const names = clientNames(config.issuer, config.clientId);
  const transactionStorage = guardedStorage(config.transactionStorage);
  const http = { fetch: (...args: Parameters<typeof fetch>) => (config.fetch ?? fetch)(...args), timeout: config.timeout };
  const issuer = createIssuer(config, http);
  const events = createEmitter<PkceClientEvents>();
  let runtime: Promise<DpopRuntime> | undefined;
  const dpop = config.dpop ? () => (runtime ??= import('../session/dpop-keys.js').then(({ createDpopRuntime }) => createDpopRuntime())) : undefined;
  // Proofs are dated in the server's time, as the session last learnt it.
  const serverNow = () => serverTime(session.tokens?.clockOffset) * 1000;
  const signer = async (id: string) => (dpop ? (await dpop()).signer(id, serverNow) : undefined);
  const revoke = async (token: string, sessionId: string) => {
    const result = await issuer.revoke(token, await signer(sessionId).catch(() => undefined));
    if (!result.revoked) events.emit('revocation-failed', result.error ? { reason: result.reason, error: result.error } : { reason: result.reason });
  };
  const locked = createSessionLock(names.refreshLock);
  const logouts = createLogoutWatch(names.logoutLock);
  const session = createSession({
    store: bindTokenStore(config.tokenStore ?? memoryTokenStore(), names.tokenRecord),
    owner: { issuer: config.issuer, clientId: config.clientId },
    events,
    locked,
    // Heard before the session acts on it: a listener of the session's end may call login() at once.
    channel: createTabChannel(names.tabChannel, (message) => {
      if (message.type === 'ended' && message.reason === 'logout') logouts.heard();
      void session.receive(message);
    }),
    holderLock: names.holderLock,
    revoke,
    released: (sessionId) => void dpop?.().then((keys) => keys.forget(sessionId)),
    startedElsewhere: (ticket) => ctx.onStartedElsewhere?.(ticket),
  });
  const ctx: ClientContext = {
    config,
    names,
    http,
    issuer,
    session,
    events,
    locked,
    logouts,
    transactions: createTransactionStore(() => ctx.storage(), names.transaction),
    storage: () => transactionStorage,
    navigate: (url) => (config.navigate ?? ((href) => location.assign(href)))(url),
    revoke,
    dpop,
    signer,
    openid: config.scope.split(' ').includes('openid'),
  };
  return ctx;
}
