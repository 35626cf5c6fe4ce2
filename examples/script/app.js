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

$('sign-in').onclick = () => auth.login({ returnTo: location.pathname + location.search });
$('sign-out').onclick = () => auth.logout({ returnTo: '/' });
$('call-api').onclick = async () => {
  // auth.fetch adds `Authorization: Bearer …` (refreshing the token first when it is due).
  const response = await auth.fetch(config.apiUrl + '/api/me');
  $('answer').textContent = response.status + ' ' + (await response.text());
  $('answer').hidden = false;
};

// On every page load: completes the sign-in when this is the callback, else resolves null.
auth.handleRedirect().then(
  (result) => {
    // Back where login({ returnTo }) was called, with the code and state gone from the address bar.
    if (result) history.replaceState(null, '', result.returnTo);
    render();
  },
  (error) => {
    $('status').textContent = 'Sign-in failed: ' + error.message;
    $('sign-in').hidden = false;
  },
);
