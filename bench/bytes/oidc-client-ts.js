// oidc-client-ts's typical app with UserManager, the in-memory user store (as pkce-spa's default):
// on /callback signinRedirectCallback(), elsewhere getUser() then signinSilent() in a hidden iframe
// answered by its own page (../browser/oidc-client-ts-silent.js); a "Sign in" button. With __DPOP__
// (a build-time constant) its DPoP mode, keys in IndexedDB (IndexedDbDPoPStore).
import { IndexedDbDPoPStore, InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';

const { config: c } = window.bench;
const manager = new UserManager({
  authority: c.issuer,
  client_id: c.clientId,
  redirect_uri: c.redirectUri,
  silent_redirect_uri: c.silentRedirectUri,
  scope: c.scope,
  userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
  ...(__DPOP__ ? { dpop: { store: new IndexedDbDPoPStore() } } : {}),
});
document.querySelector('#sign-in').onclick = () => manager.signinRedirect();
let user;
try {
  if (location.pathname === '/callback') {
    user = await manager.signinRedirectCallback();
    history.replaceState(null, '', '/');
  } else {
    user = (await manager.getUser()) ?? (await manager.signinSilent().catch(() => null)); // login_required: signed out
  }
} catch (error) {
  window.started = { error: String(error) };
  throw error;
}
window.started = { signedIn: !!user };
