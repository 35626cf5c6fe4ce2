// A sign-in pushed ahead of the click. With a server that offers PAR (RFC 9126), a request pushed
// on the click costs the user a round trip before the browser leaves. A page that restored no
// session pushes one sign-in request as soon as it knows, keeps its verifier, state and nonce in
// memory only, and login() goes with it while its request_uri lives (§2.2's expires_in). One that
// expired unused is pushed again at the user's next sign of life on the page, not on a timer: an
// idle or hidden page pushes nothing more.
import type { ClientContext } from '../context.js';
import { prepareRequest, type PreparedRequest } from './request.js';

/** What a pushed request must have left when the browser leaves with it: the way there, and clock drift. */
const MARGIN_MS = 10_000;
/** The longest a request is trusted for, whatever the server says (and within setTimeout's 2^31-1 ms). */
const MAX_LIFE_MS = 600_000;
/** Below this much use per push, a request that expired is not pushed again: the click pushes instead. */
const MIN_USE_MS = 20_000;
/** What tells a request that expired unused that the user is back: then it is pushed again. */
const SIGNS_OF_LIFE = ['pointermove', 'pointerdown', 'keydown', 'touchstart', 'focus', 'visibilitychange'] as const;

interface Ahead {
  /** The request pushed ahead: in flight, or ready (`undefined` when it could not be made). */
  request?: Promise<PreparedRequest | undefined>;
  /** False while `request` is in flight. */
  settled?: boolean;
  expiry?: ReturnType<typeof setTimeout>;
}
const aheads = new WeakMap<ClientContext, Ahead>();

/** Milliseconds of use a server's `expires_in` (seconds) gives a request pushed ahead. */
const useOf = (expiresIn: number) => Math.min(expiresIn * 1000 - MARGIN_MS, MAX_LIFE_MS);

/** Milliseconds a prepared request may still be used for; 0 when it may not. */
function lifeLeft(prepared: PreparedRequest | undefined): number {
  const pushed = prepared?.pushed;
  if (pushed?.expiresIn === undefined) return 0;
  const use = useOf(pushed.expiresIn);
  // The monotonic clock stops while the device sleeps (except on Windows), the wall clock does not
  // (but may be set): whichever says less is left.
  return Math.max(Math.min(pushed.at + use - performance.now(), pushed.wallAt + use - Date.now()), 0);
}

/** A sign-in request is worth pushing ahead: a signed-out top-level page, PAR not turned off. */
const wanted = ({ config, session }: ClientContext): boolean => config.par !== false && !session.tokens && !session.signingOut && window.top === window;

/** Once the user shows up on a visible page, `then`. */
function onSignOfLife(then: () => void): void {
  const stop = new AbortController();
  const seen = () => {
    if (document.visibilityState !== 'visible') return;
    stop.abort();
    then();
  };
  for (const type of SIGNS_OF_LIFE) addEventListener(type, seen, { capture: true, passive: true, signal: stop.signal });
}

/**
 * @internal Pushes a sign-in request ahead of the click, when the server offers PAR and the page is
 * signed out; at most one is pushed or waiting at a time. Never rejects: a request that cannot be
 * pushed now is pushed on the click.
 */
export function pushAhead(ctx: ClientContext): void {
  const ahead = aheads.get(ctx) ?? {};
  aheads.set(ctx, ahead);
  if (ahead.request || !wanted(ctx)) return;
  const request = ctx.issuer
    .getMetadata()
    .then((metadata) => (typeof metadata.pushed_authorization_request_endpoint === 'string' && wanted(ctx) ? prepareRequest(ctx, undefined, 'redirect', true) : undefined))
    .then((prepared) => (lifeLeft(prepared) > 0 ? prepared : undefined))
    .catch(() => undefined);
  ahead.request = request;
  ahead.settled = false;
  void request.then((prepared) => {
    if (ahead.request !== request) return; // taken meanwhile
    ahead.settled = true;
    // No retry on failure: the click pushes, as without this.
    if (!prepared) return void (ahead.request = undefined);
    ahead.expiry = setTimeout(() => {
      ahead.request = undefined;
      // A server whose requests live a few seconds would get a push every few seconds of reading.
      if (useOf(prepared.pushed!.expiresIn!) >= MIN_USE_MS) onSignOfLife(() => pushAhead(ctx));
    }, lifeLeft(prepared));
  });
}

/**
 * @internal What restoreSession() calls once the page is signed out: pushes at once, or with DPoP at
 * the user's first sign of life, since its push loads the DPoP code and jose's signing (8 KB) that a
 * visitor who never touches the page should not pay for; the time from first input to a click on
 * "Sign in" is mostly longer than the push's round trips.
 */
export function pushAheadSoon(ctx: ClientContext): void {
  if (ctx.config.dpop) onSignOfLife(() => pushAhead(ctx));
  else pushAhead(ctx);
}

/**
 * @internal The request pushed ahead, for a login() that asks for nothing else; each is used once.
 * Waits for one still in flight (sooner than a push of its own): `waited` then, as for a push made
 * on the click. `prepared` is absent when there is none that lives long enough for the browser to
 * get there.
 */
export async function takeAhead(ctx: ClientContext): Promise<{ prepared?: PreparedRequest; waited: boolean }> {
  const ahead = aheads.get(ctx);
  const request = ahead?.request;
  if (!ahead || !request) return { waited: false };
  // Before any await: a second login() in the same tick must not get it too.
  ahead.request = undefined;
  const waited = !ahead.settled;
  clearTimeout(ahead.expiry);
  // Back from the authorization server through the back/forward cache, the page is signed out again.
  addEventListener('pageshow', (event) => event.persisted && pushAhead(ctx), { once: true });
  const prepared = await request;
  return lifeLeft(prepared) > 0 ? { prepared, waited } : { waited };
}
