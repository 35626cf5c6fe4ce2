// The app's session card: who is signed in, and the buttons that sign in (in this window or in a
// popup) and sign out. The status pill in the header follows it.
import { $, setStatus } from './dom.js';
import { explain } from './explain.js';

const LABELS = { 'sign-in': 'Sign in', 'sign-in-popup': 'Sign in with a popup', 'sign-out': 'Sign out' };

export function createSessionCard({ auth, flow, alert }) {
  const idle = (id) => {
    $(id).disabled = false;
    $(id).textContent = LABELS[id];
  };
  const working = (id, label) => {
    for (const other of ['sign-in', 'sign-in-popup']) $(other).disabled = true;
    $(id).textContent = label;
  };

  function render() {
    const signedIn = auth.isAuthenticated();
    $('signed-in').hidden = !signedIn;
    $('signed-out').hidden = signedIn;
    if (!signedIn) {
      setStatus('Signed out', 'signed-out');
      idle('sign-in');
      idle('sign-in-popup');
      return;
    }
    const user = auth.user ?? {};
    const name = user.name ?? user.preferred_username ?? user.sub ?? 'someone';
    setStatus(`Signed in as ${name}`, 'signed-in');
    $('user-avatar').textContent = String(name).trim().charAt(0).toUpperCase() || '?';
    $('user-name').textContent = name;
    $('user-email').textContent = user.email ?? '';
    $('user-email').hidden = !user.email;
    $('user-sub').textContent = user.sub ?? '';
    $('id-claims').textContent = JSON.stringify(user, null, 2);
    idle('sign-out');
  }

  async function signIn() {
    alert.hide();
    flow.reset({ via: 'redirect' });
    working('sign-in', 'Redirecting…');
    setStatus('Signing in…');
    try {
      await auth.login({ returnTo: '/' }); // never resolves: the browser leaves
    } catch (err) {
      render();
      alert.show(explain(err), signIn);
    }
  }

  async function signInWithPopup() {
    alert.hide();
    flow.reset({ via: 'popup', authorize: { at: Date.now(), via: 'popup' } });
    // Called in the click itself: browsers block a popup opened after an await.
    const signedIn = auth.loginWithPopup({ returnTo: '/' });
    working('sign-in-popup', 'Waiting for the popup…');
    setStatus('Signing in…');
    try {
      await signedIn; // the signed-in event has shown the user
    } catch (err) {
      // A popup closed, blocked or timed out did nothing to show; a refused answer stays in the steps.
      if (err?.code?.startsWith('popup_')) flow.reset();
      if (err?.code === 'invalid_id_token') flow.set({ idTokenError: err.message });
      render();
      alert.show(explain(err), signInWithPopup);
    }
  }

  async function signOut() {
    alert.hide();
    $('sign-out').disabled = true;
    $('sign-out').textContent = 'Signing out…';
    try {
      await auth.logout({ returnTo: '/' }); // never resolves
    } catch (err) {
      idle('sign-out');
      alert.show(explain(err), signOut);
    }
  }

  $('sign-in').addEventListener('click', signIn);
  $('sign-in-popup').addEventListener('click', signInWithPopup);
  $('sign-out').addEventListener('click', signOut);

  return {
    render,
    signIn,
    /** What the signed-out card says about how the session ended. */
    say: (text) => {
      $('signed-out-text').textContent = text;
    },
  };
}
