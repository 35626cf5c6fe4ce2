import { useState } from 'react';
import { apiUrl, auth } from './auth';
import { useAuth } from './use-auth';

export function App() {
  const { ready, error, signedIn, user } = useAuth();
  const [answer, setAnswer] = useState<string>();

  if (error) return <p role="alert">Sign-in failed: {error.message}</p>;
  if (!ready) return <p>Loading…</p>;
  if (!signedIn) {
    // Come back to this page after signing in.
    return <button onClick={() => auth.login({ returnTo: location.pathname + location.search })}>Sign in</button>;
  }

  const callApi = async () => {
    // auth.fetch adds `Authorization: Bearer …` (refreshing the token first when it is due).
    const response = await auth.fetch(`${apiUrl}/api/me`);
    setAnswer(`${response.status} ${await response.text()}`);
  };

  return (
    <>
      <p>Signed in as {String(user?.name ?? user?.sub)}</p>
      {apiUrl && <button onClick={callApi}>Call the API</button>}
      {answer && <pre>{answer}</pre>}
      <button onClick={() => auth.logout({ returnTo: '/' })}>Sign out</button>
    </>
  );
}
