// oidc-client-ts with UserManager: it reads the metadata when first needed, not at load. Restore:
// the user from its userStore (sessionStorage, its default) or, with the in-memory store, a
// signinSilent() in a hidden iframe answered by its own page (oidc-client-ts-silent.js).
import { InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';

const { config: c, mode, store } = window.bench;
const started = performance.now();
const manager = new UserManager({
  authority: c.issuer,
  client_id: c.clientId,
  redirect_uri: c.redirectUri,
  silent_redirect_uri: c.silentRedirectUri,
  scope: c.scope,
  userStore: store === 'sessionStorage' ? undefined : new WebStorageStateStore({ store: new InMemoryWebStorage() }),
});
document.querySelector('#sign-in').onclick = () => manager.signinRedirect();
let user = null;
if (location.pathname === '/callback') {
  user = await manager.signinRedirectCallback();
  history.replaceState(null, '', '/');
} else if (mode === 'restore') {
  user = await manager.getUser();
  const via = user ? 'store' : 'iframe';
  if (!user) user = await manager.signinSilent().catch(() => null); // login_required: signed out
  window.started = { ms: performance.now() - started, signedIn: !!user, via: user ? via : 'none' };
}
window.started ??= { signedIn: !!user };
