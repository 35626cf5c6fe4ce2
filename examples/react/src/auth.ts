import { createPkceClient, type RedirectResult } from 'pkce-spa';

export const apiUrl = import.meta.env.VITE_API_URL || undefined;

/** One client for the whole app, created once when this module is first imported. */
export const auth = createPkceClient({
  issuer: import.meta.env.VITE_ISSUER,
  clientId: import.meta.env.VITE_CLIENT_ID,
  redirectUri: `${location.origin}/callback`,
  // Your API's scopes besides the OpenID ones (the demo API needs api:read), when it asks for any.
  ...(import.meta.env.VITE_SCOPE && { scope: import.meta.env.VITE_SCOPE }),
  // Send the token to your API too (the page's own origin always gets it), and ask for a token for it.
  ...(apiUrl && { apiOrigins: [new URL(apiUrl).origin], resource: apiUrl }),
});

/**
 * The callback is handled once per page load, here at module level, never in a component:
 * React's StrictMode runs every effect twice in development, and a second handleRedirect()
 * on the same callback URL finds its one-time login transaction already used (`invalid_state`).
 * Components wait for this promise instead.
 */
export const redirected: Promise<RedirectResult | null> = auth.handleRedirect().then(
  async (result) => {
    // Back where login({ returnTo }) was called, with the code and state gone from the address bar.
    if (result) history.replaceState(null, '', result.returnTo);
    // After a reload: the session back without leaving the page (a silent iframe); never throws for "no session".
    else await auth.restoreSession();
    return result;
  },
  (error: unknown) => {
    // A refused sign-in (cancelled, say): the app says why, from / rather than from /callback.
    if (location.pathname === '/callback') history.replaceState(null, '', '/');
    throw error;
  },
);
// Components handle a failure once they mount; until then it is not an unhandled rejection.
redirected.catch(() => undefined);
