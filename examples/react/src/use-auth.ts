import { useEffect, useState, useSyncExternalStore } from 'react';
import { auth, redirected } from './auth';

// The client is the store: React re-reads it whenever it says the session changed.
const subscribe = (onChange: () => void) => {
  const offs = (['signed-in', 'refreshed', 'session-ended'] as const).map((event) => auth.on(event, onChange));
  return () => offs.forEach((off) => off());
};

/** The session as React state: `ready` once the page load's callback (if any) is handled. */
export function useAuth() {
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<Error>();
  useEffect(() => {
    // Runs twice under StrictMode: both runs wait on the same promise, so the callback is handled once.
    let current = true;
    redirected.then(
      () => current && setReady(true),
      (e: Error) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, []);
  const signedIn = useSyncExternalStore(subscribe, () => auth.isAuthenticated());
  const user = useSyncExternalStore(subscribe, () => auth.user);
  return { ready, error, signedIn, user };
}
