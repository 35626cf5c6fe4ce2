import { createPkceClient } from 'pkce-spa';

export const apiUrl = import.meta.env.VITE_API_URL || undefined;

/** One client for the whole app, created once when this module is first imported. */
export const auth = createPkceClient({
  issuer: import.meta.env.VITE_ISSUER,
  clientId: import.meta.env.VITE_CLIENT_ID,
  redirectUri: `${location.origin}/callback`,
  // Send the token to your API too (the page's own origin always gets it), and ask for a token for it.
  ...(apiUrl && { apiOrigins: [new URL(apiUrl).origin], resource: apiUrl }),
});

/** The session as reactive state (a rune, so this file is `.svelte.ts`), kept current by the client's events. */
export const session = $state({
  ready: false,
  error: undefined as Error | undefined,
  signedIn: auth.isAuthenticated(),
  user: auth.user,
});

const sync = () => {
  session.signedIn = auth.isAuthenticated();
  session.user = auth.user;
};
for (const event of ['signed-in', 'refreshed', 'session-ended'] as const) auth.on(event, sync);

// The callback is handled once per page load, here, before any component exists.
auth.handleRedirect().then(
  async (result) => {
    // Back where login({ returnTo }) was called; with SvelteKit, replaceState from $app/navigation.
    if (result) history.replaceState(null, '', result.returnTo);
    // After a reload: the session back without leaving the page (a silent iframe); never throws for "no session".
    else await auth.restoreSession();
    sync();
    session.ready = true;
  },
  (error: Error) => {
    // A refused sign-in (cancelled, say): the app says why, from / rather than from /callback.
    if (location.pathname === '/callback') history.replaceState(null, '', '/');
    session.error = error;
  },
);
