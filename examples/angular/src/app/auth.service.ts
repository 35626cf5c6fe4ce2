import { Injectable, signal } from '@angular/core';
import { createPkceClient, type IdTokenClaims } from 'pkce-spa';
import { environment } from '../environment';

const { issuer, clientId, apiUrl } = environment;

/** The app's one pkce-spa client, with its session as signals. */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly client = createPkceClient({
    issuer,
    clientId,
    redirectUri: `${location.origin}/callback`,
    // Send the token to your API too (the page's own origin always gets it), and ask for a token for it.
    ...(apiUrl && { apiOrigins: [new URL(apiUrl).origin], resource: apiUrl }),
  });

  readonly apiUrl = apiUrl;
  readonly ready = signal(false);
  readonly error = signal<Error | undefined>(undefined);
  readonly signedIn = signal(false);
  readonly user = signal<IdTokenClaims | undefined>(undefined);

  constructor() {
    // The session also changes without a page load: a refresh, a refused refresh token, another tab.
    for (const event of ['signed-in', 'refreshed', 'session-ended'] as const) this.client.on(event, () => this.sync());
  }

  private sync() {
    this.signedIn.set(this.client.isAuthenticated());
    this.user.set(this.client.user);
  }

  /**
   * Completes a sign-in when this page load is the callback. Called once, by the app
   * initializer (see app.config.ts), before the first component renders.
   */
  async handleRedirect(): Promise<void> {
    try {
      const result = await this.client.handleRedirect();
      // Back where login({ returnTo }) was called. The router's first navigation comes after the
      // initializers, so with @angular/router it starts from this URL.
      if (result) history.replaceState(null, '', result.returnTo);
      // After a reload: the session back without leaving the page (a silent iframe); never throws for "no session".
      else await this.client.restoreSession();
      this.sync();
      this.ready.set(true);
    } catch (error) {
      // A refused sign-in (cancelled, say): the app says why, from / rather than from /callback.
      if (location.pathname === '/callback') history.replaceState(null, '', '/');
      this.error.set(error as Error);
    }
  }

  /**
   * Goes to the authorization server and comes back to this page (or `returnTo`) signed in. Like
   * logout(), it leaves the page: it returns only if it fails (the server cannot be reached).
   */
  async login(returnTo = location.pathname + location.search): Promise<void> {
    await this.client.login({ returnTo }).catch((error: Error) => this.error.set(error));
  }

  async logout(): Promise<void> {
    await this.client.logout({ returnTo: '/' }).catch((error: Error) => this.error.set(error));
  }

  /** `fetch` with `Authorization: Bearer …` for the page's origin and `apiUrl`'s, refreshed when due. */
  fetch(input: RequestInfo | URL, init?: RequestInit) {
    return this.client.fetch(input, init);
  }
}
