const auth = PkceSpa.createPkceClient({
  issuer: config.issuer,
  clientId: config.clientId,
  redirectUri: location.origin + '/callback',
  // Send the token to your API too (the page's own origin always gets it), and ask for a token for it.
  ...(config.apiUrl && { apiOrigins: [new URL(config.apiUrl).origin], resource: config.apiUrl }),
});

const $ = (id) => document.getElementById(id);

function render() {
  const signedIn = auth.isAuthenticated();
  const user = auth.user;
  $('status').textContent = signedIn ? 'Signed in as ' + (user?.name ?? user?.sub) : 'Signed out';
  $('sign-in').hidden = signedIn;
  $('sign-out').hidden = !signedIn;
  $('call-api').hidden = !signedIn || !config.apiUrl;
}

// The session changes without a page load too: a refresh, a refused refresh token, a logout.
for (const event of ['signed-in', 'refreshed', 'session-ended']) auth.on(event, render);

const fail = (error) => {
  $('error').textContent = error.message;
  $('error').hidden = false;
};

// Both leave the page (sign-in comes back to this one); the promise settles only if they fail,
// e.g. when the authorization server cannot be reached.
$('sign-in').onclick = () => auth.login({ returnTo: location.pathname + location.search }).catch(fail);
$('sign-out').onclick = () => auth.logout({ returnTo: '/' }).catch(fail);
$('call-api').onclick = async () => {
  try {
    // auth.fetch adds `Authorization: Bearer …` (refreshing the token first when it is due).
    const response = await auth.fetch(config.apiUrl + '/api/me');
    $('answer').textContent = response.status + ' ' + (await response.text());
    $('answer').hidden = false;
  } catch (error) {
    fail(error);
  }
};

// On every page load: completes the sign-in when this is the callback, else resolves null.
auth.handleRedirect().then(
  async (result) => {
    // Back where login({ returnTo }) was called, with the code and state gone from the address bar.
    if (result) history.replaceState(null, '', result.returnTo);
    // After a reload: the session back without leaving the page (a silent iframe); never throws for "no session".
    else await auth.restoreSession();
    render();
  },
  (error) => {
    // A refused sign-in (cancelled, say): the page says why, from / rather than from /callback.
    if (location.pathname === '/callback') history.replaceState(null, '', '/');
    fail(error);
    render();
  },
);
