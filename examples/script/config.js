// Your authorization server and this app's registration there (a public client, no secret).
// Register the redirect URI <this page's origin>/callback, and serve index.html there too.
const config = {
  issuer: 'https://auth.example.com',
  clientId: 'my-spa',
  // Optional: an API that accepts the access token (RFC 8707 resource and origin).
  apiUrl: undefined,
};
