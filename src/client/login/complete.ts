import { sameOriginPath } from '../../browser/page.js';
import { parseCallback } from '../../protocol/callback.js';
import type { ClientContext } from '../context.js';
import { LoginRequiredError, ValidationError, isPkceError, loadPart } from '../../shared/errors.js';
import type { IdTokenClaims } from '../../protocol/id-token/claims.js';
import { noteNoServerSession } from '../../session/hint.js';
import type { TokenSet } from '../../session/token-store.js';

/**
 * The `error` values with which a `prompt=none` request says the user must interact (OIDC Core
 * §3.1.2.6): they become {@link LoginRequiredError}, as "there is no session" does elsewhere.
 */
const interactionNeeded = new Set(['login_required', 'interaction_required', 'consent_required', 'account_selection_required']);

/** The code's redemption, loaded only for a callback that brings a code. */
const loadRedemption = () => loadPart(() => import('./exchange.js'), 'the sign-in completion');

/** @internal What a completed callback yields, before the session commits it. */
export interface CompletedLogin {
  tokens: TokenSet;
  returnTo: string;
  appState?: unknown;
  user?: IdTokenClaims;
  /** The `state` the response answered; its prefix tells how the sign-in was made. */
  state: string;
}

/**
 * @internal Completes the sign-in a callback URL answers: the transaction (single use), the
 * callback checks, the code exchange with the JWKS fetched alongside, the ID token.
 *
 * @throws {@link ValidationError} `invalid_state` when no transaction matches (no token request);
 *   the errors of `parseCallback`, `exchangeCode` and `validateIdToken`, with the login's `returnTo`;
 *   {@link LoginRequiredError} for a `prompt=none` answer that needs the user.
 */
export async function completeLogin(ctx: ClientContext, callback: URL): Promise<CompletedLogin> {
  const { config, issuer } = ctx;
  const state = callback.searchParams.get('state');
  // RFC 6749 §4.1.2.1: even an error response carries the state; without one, nothing ties it to a login.
  if (!state) throw new ValidationError('invalid_state', 'The authorization response has no "state"');
  // The code's redemption loads alongside the transaction: an error response (a silent sign-in's
  // login_required) never needs it.
  const redemption = callback.searchParams.has('code') ? loadRedemption() : undefined;
  redemption?.catch(() => undefined);
  const tx = await ctx.transactions.take(state);
  if (!tx) {
    throw new ValidationError('invalid_state', 'No pending login matches this callback (already used, expired, or begun elsewhere)');
  }
  // Checked again as it will be used: the transaction is storage, and storage is input.
  const returnTo = (() => {
    try {
      return sameOriginPath(tx.returnTo, 'returnTo');
    } catch {
      return '/';
    }
  })();
  try {
    // The callback page needs no discovery round trip: the transaction carries the metadata.
    const md = issuer.useMetadata(tx.metadata);
    const code = parseCallback(callback, {
      state: tx.state,
      issuer: md.issuer,
      tenants: config.multiTenant?.tenants,
      issRequired: md.authorization_response_iss_parameter_supported === true,
    });
    const { tokens, user } = await (await (redemption ?? loadRedemption())).redeemCode(ctx, tx, md, code, callback);
    // Only a sign-in that came through remembers its state: a refused callback (a wrong iss) must not
    // turn the genuine one that follows into a silent no-op.
    await ctx.transactions.complete(state);
    return { tokens, returnTo, appState: tx.appState, user, state };
  } catch (error) {
    if (isPkceError(error, 'oauth_error') && interactionNeeded.has(error.error ?? '')) {
      // The server has no session for this browser any more: hadSession() stops saying so, so an
      // app that redirects returning users with prompt=none does not loop.
      noteNoServerSession(ctx.names);
      throw new LoginRequiredError(`The authorization server needs the user to sign in: ${error.error}`, {
        cause: error,
        error: error.error,
        errorDescription: error.errorDescription,
        errorUri: error.errorUri,
        returnTo,
        appState: tx.appState,
      });
    }
    // Cognito and Google refuse offline_access: the default scope asks for it, so say what to change.
    if (isPkceError(error, 'oauth_error') && error.error === 'invalid_scope' && config.scope.split(' ').includes('offline_access')) {
      error.message += config.defaultScope
        ? ' (the default scope includes "offline_access", which this server may not accept: set scope, e.g. "openid profile"; see docs/providers.md)'
        : ' (this server may not accept "offline_access": remove it from scope; see docs/providers.md)';
    }
    // The app can send the user back where they were going.
    if (isPkceError(error)) Object.assign(error, { returnTo, appState: tx.appState });
    throw error;
  }
}
