/** Your authorization server and this app's registration there (a public client, no secret). */
export const environment = {
  issuer: 'https://auth.example.com',
  clientId: 'my-spa',
  /** Optional: an API that accepts the access token (RFC 8707 resource and origin). */
  apiUrl: undefined as string | undefined,
};
