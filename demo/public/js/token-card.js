// The access token card: the current token decoded for display, and its countdown.
import { $, busy } from './dom.js';
import { explain } from './explain.js';
import { decodeJwt, short } from './format.js';

export function createTokenCard({ auth, alert }) {
  let current; // { header, payload } of the token on display
  let refreshes = 0;

  function tick() {
    const exp = current?.payload?.exp;
    if (!exp) {
      $('countdown').textContent = current ? 'No expiry in the token.' : '';
      return;
    }
    const left = exp * 1000 - Date.now();
    const lifetime = Math.max((exp - (current.payload.iat ?? exp)) * 1000, 1);
    const text = left > 0
      ? `Expires in ${Math.ceil(left / 1000)} s (lifetime ${Math.round(lifetime / 1000)} s)`
      : `Expired ${Math.floor(-left / 1000)} s ago: the next request refreshes it first`;
    if ($('countdown').textContent !== text) $('countdown').textContent = text;
    $('countdown').dataset.expired = String(left <= 0);
    const ratio = Math.min(Math.max(left / lifetime, 0), 1);
    $('countdown-bar').style.width = `${(ratio * 100).toFixed(1)}%`;
    $('countdown-bar').dataset.low = String(ratio < 0.34);
  }

  /** Shows the current access token, decoded (display only), or hides the card when signed out. */
  async function show() {
    const signedIn = auth.isAuthenticated();
    $('token-card').hidden = !signedIn;
    if (!signedIn) {
      current = undefined;
      return;
    }
    const token = await auth.getAccessToken();
    const decoded = decodeJwt(token);
    current = { header: decoded?.header, payload: decoded?.payload };
    $('at-short').textContent = short(token);
    $('at-header').textContent = decoded ? JSON.stringify(decoded.header, null, 2) : '(opaque token: nothing to decode)';
    $('at-payload').textContent = decoded ? JSON.stringify(decoded.payload, null, 2) : '';
    $('token-refreshes').textContent = refreshes ? `refreshed ${refreshes}×` : '';
    tick();
  }

  async function refreshNow() {
    await busy($('refresh'), 'Refreshing…', async () => {
      try {
        await auth.getAccessToken({ forceRefresh: true });
      } catch (err) {
        alert.show(explain(err), refreshNow);
      }
    });
  }

  $('refresh').addEventListener('click', refreshNow);
  setInterval(tick, 250);

  return {
    show,
    refreshed() {
      refreshes += 1;
      return show();
    },
  };
}
