// What this page load did, for the steps view: demo-only display data, observed from outside the
// SDK (observe.js). It lives in this tab's sessionStorage only to carry a sign-in or a sign-out
// across its redirect; any other load starts afresh, so a reload never shows an earlier sign-in as
// done. It holds nothing secret: codes and tokens shortened, the code verifier never kept.

const KEY = 'pkce-spa-demo:flow';

function read() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

function write(data) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(data));
  } catch {
    // Display data only: a full or disabled storage just means the steps are not kept.
  }
}

/**
 * True when this load continues what this tab started before it left: the callback of its
 * sign-in, or the return from its sign-out (which comes back with a `state`).
 */
export function continuesFlow(landing, isCallback) {
  return isCallback || (read().signout?.pending === true && landing.searchParams.has('state'));
}

/**
 * The flow of this page load. `carryOver` keeps what the tab recorded before its redirect;
 * `set()` merges fields, `reset()` starts a new sign-in's record; every change is saved and shown.
 */
export function createFlow({ carryOver }) {
  let data = carryOver ? read() : {};
  const listeners = new Set();
  const changed = () => {
    write(data);
    for (const listener of listeners) listener(data);
  };
  return {
    get data() {
      return data;
    },
    set(fields) {
      data = { ...data, ...fields };
      changed();
    },
    /** A new sign-in begins: what this load learnt about itself (restore, events, discovery) stays. */
    reset(fields = {}) {
      const { restore, events, discovery, silent } = data;
      data = { restore, events, discovery, silent, ...fields };
      changed();
    },
    /** Adds an SDK event to this load's list (the newest few). */
    logEvent(entry) {
      data = { ...data, events: [...(data.events ?? []), { at: Date.now(), ...entry }].slice(-6) };
      changed();
    },
    onChange(listener) {
      listeners.add(listener);
    },
  };
}
