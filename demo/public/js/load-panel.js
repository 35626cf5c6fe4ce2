// The top of the steps view: what this page load did before anyone clicked. restoreSession()'s
// path (store, iframe, or none and why), and the SDK's events, those caused by other tabs marked.
import { el, kv } from './dom.js';
import { ms, time } from './format.js';

const NEEDS_USER = new Set(['login_required', 'interaction_required', 'consent_required', 'account_selection_required']);

function describe(r, silent) {
  if (!r || r.running) {
    return { state: 'waiting', badge: 'In progress', text: 'restoreSession() looks for a session: in memory, in the persistent store, then, if this browser signed in here before, with a hidden iframe (prompt=none).' };
  }
  switch (r.via) {
    case 'iframe':
      return { state: 'done', badge: 'Restored', text: 'Nothing in memory (a reload empties it) and no persistent store, so a hidden iframe asked the authorization server with prompt=none. Your session there was still on: new tokens, and the page never moved (steps 1–5).' };
    case 'store':
      return { state: 'done', badge: 'Restored', text: 'The session came from the persistent tokenStore, without asking the server.' };
    case 'none':
      break;
    default:
      return { state: 'done', badge: 'Not needed', text: `Nothing to restore: this load completed a sign-in (${r.via}, steps 1–5).` };
  }
  if (r.reason === 'signed_out') {
    return { state: 'skipped', badge: 'Signed out', text: 'You signed out in this browser: the steps below are the session that ended. No silent sign-in is tried until you sign in again, so a session at the authorization server that outlived the sign-out cannot bring you back.' };
  }
  if (r.reason === 'skipped' && r.anonymous) {
    return { state: 'skipped', badge: 'First visit', text: 'This browser has not signed in here before (hadSession() is false), so restoreSession() asked the authorization server nothing: no iframe, no round trip, signed out at once. Once you sign in, a reload brings you back with a hidden iframe.' };
  }
  if (r.reason === 'skipped') {
    return { state: 'skipped', badge: 'Skipped', text: 'No silent sign-in on this load: it was the answer to a sign-in or a sign-out, shown as it came.' };
  }
  const asked = silent ? 'A hidden iframe asked the authorization server with prompt=none' : 'The silent sign-in';
  if (NEEDS_USER.has(r.reason)) {
    return { state: 'pending', badge: 'No session', text: `${asked}; it answered ${r.reason}: you have no session there (or it needs you), so you stay signed out. The page did not move.` };
  }
  return { state: 'failed', badge: 'No session', text: `${asked}, and it ended with ${r.reason}. You stay signed out; the page did not move.` };
}

function eventList(events) {
  if (!events?.length) return null;
  return [
    el('p', { class: 'kv-title' }, 'Events'),
    el('ul', { class: 'events', 'data-testid': 'events' }, events.map((e) => el('li', {},
      el('span', { class: 'event-time' }, time(e.at)), ' ',
      el('code', {}, e.name), ' ', e.text,
      e.elsewhere ? [' ', el('span', { class: 'pill' }, 'another tab')] : null))),
  ];
}

/** The panel for `f` (the page load's flow). */
export function renderLoadPanel(f) {
  const r = f.restore;
  const { state, badge, text } = describe(r, f.silent);
  const answer = f.silent?.answer;
  // A load that completed a sign-in has nothing to tell about a restore but its events.
  const rows = r && !r.running && (r.via === 'none' || r.via === 'iframe' || r.via === 'store') ? [
    ['via', r.via],
    ['reason', r.reason],
    ['iframe', f.silent ? `GET ${f.silent.endpoint}?…` : undefined],
    ['prompt', f.silent ? `${f.silent.prompt ?? '(none)'}${f.silent.pushed ? ', pushed first (PAR)' : ''}` : undefined],
    ['answer', answer ? (answer.code ? `code ${answer.code}` : `error=${answer.error}`) : undefined],
    ['took', typeof r.ms === 'number' ? ms(r.ms) : undefined],
  ] : [];
  return el('section', { class: 'step load', 'data-testid': 'restore', 'data-state': state, 'data-via': r?.via, 'data-reason': r?.reason },
    el('div', { class: 'step-head' },
      el('h3', { class: 'step-title' }, 'On load: restoreSession()'),
      el('span', { class: `badge ${state}` }, badge)),
    el('p', { class: 'step-text' }, text),
    kv(rows),
    eventList(f.events));
}
