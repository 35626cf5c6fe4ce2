import { useState } from 'react';
import { apiUrl, auth } from './auth';
import { useAuth } from './use-auth';

export function App() {
  const { ready, error, signedIn, user } = useAuth();
  const [failure, setFailure] = useState<Error>();
  const [answer, setAnswer] = useState<string>();

  // Both leave the page (sign-in comes back to this one); the promise settles only if they fail,
  // e.g. when the authorization server cannot be reached.
  const signIn = () => auth.login({ returnTo: location.pathname + location.search }).catch(setFailure);
  const signOut = () => auth.logout({ returnTo: '/' }).catch(setFailure);
  const callApi = async () => {
    try {
      // auth.fetch adds the access token (`Authorization: Bearer …`, or `DPoP …` with dpop: true),
      // refreshing it first when it is due.
      const response = await auth.fetch(`${apiUrl}/api/me`);
      setAnswer(`${response.status} ${await response.text()}`);
    } catch (e) {
      setFailure(e as Error);
    }
  };

  if (!ready && !error) return <p>Loading…</p>;
  const problem = failure ?? error;
  return (
    <>
      {problem && <p role="alert">{problem.message}</p>}
      {signedIn ? (
        <>
          <p>Signed in as {String(user?.name ?? user?.sub)}</p>
          {apiUrl && <button onClick={callApi}>Call the API</button>}
          {answer && <pre>{answer}</pre>}
          <button onClick={signOut}>Sign out</button>
        </>
      ) : (
        <button onClick={signIn}>Sign in</button>
      )}
    </>
  );
}
