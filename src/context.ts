import type { Config } from './config.js';
import type { Emitter } from './emitter.js';
import type { HttpOptions } from './http.js';
import type { Issuer } from './issuer.js';
import type { PkceClientEvents } from './pkce-client.js';
import type { Session } from './session.js';
import type { StorageLike, TransactionStore } from './transaction.js';

/** @internal What the steps of one client share; `createPkceClient` builds it once. */
export interface ClientContext {
  config: Config;
  http: HttpOptions;
  issuer: Issuer;
  session: Session;
  events: Emitter<PkceClientEvents>;
  transactions: TransactionStore;
  /** Where the login transaction and the logout `state` wait (default `sessionStorage`). */
  storage: () => StorageLike;
  navigate: (url: string) => void;
  /** Revokes a refresh token at the revocation endpoint, best effort: never rejects. */
  revoke: (refreshToken: string) => Promise<void>;
  /** True when `openid` is among the scopes, so ID tokens are asked for and required. */
  openid: boolean;
}
