// How a refresh names the API it wants a token for, in each server's dialect (src/protocol/api-token.ts).
import { describe, expect, it } from 'vitest';
import { apiTokenParams } from '../../../src/protocol/api-token.js';
import { defaultResourceParameter } from '../../../src/protocol/resource-indicators.js';

const SIGN_IN = 'openid profile offline_access orders:read';

describe('apiTokenParams', () => {
  it('resource (RFC 8707 §2.2): the resource indicator, and the scope when given', () => {
    expect(apiTokenParams({ resource: 'https://billing.example/', scope: 'invoices:read' }, 'resource', SIGN_IN)).toEqual({
      grant: { scope: 'invoices:read' },
      resource: 'https://billing.example/',
    });
    expect(apiTokenParams({ resource: 'urn:example:billing' }, 'resource', SIGN_IN)).toEqual({ grant: {}, resource: 'urn:example:billing' });
    expect(apiTokenParams({ scope: 'invoices:read' }, 'resource', SIGN_IN)).toEqual({ grant: { scope: 'invoices:read' } });
  });

  it("audience (Auth0): the API identifier as audience, never as resource", () => {
    expect(apiTokenParams({ resource: 'https://billing.example/', scope: 'read:invoices' }, 'audience', SIGN_IN)).toEqual({
      grant: { scope: 'read:invoices', audience: 'https://billing.example/' },
    });
  });

  it("scope (Entra ID): each scope prefixed with the resource, the sign-in's OpenID scopes alongside, no resource parameter", () => {
    expect(apiTokenParams({ resource: 'https://graph.microsoft.com', scope: 'User.Read Mail.Read' }, 'scope', SIGN_IN)).toEqual({
      grant: { scope: 'https://graph.microsoft.com/User.Read https://graph.microsoft.com/Mail.Read openid profile offline_access' },
    });
    // A trailing slash is not doubled; no scope asks for the API's .default.
    expect(apiTokenParams({ resource: 'api://orders/' }, 'scope', 'openid offline_access')).toEqual({ grant: { scope: 'api://orders/.default openid offline_access' } });
    // Scopes already written in full, and OpenID's, are kept as they are.
    expect(apiTokenParams({ resource: 'api://orders', scope: 'api://orders/Orders.Read offline_access' }, 'scope', 'openid')).toEqual({
      grant: { scope: 'api://orders/Orders.Read offline_access openid' },
    });
    expect(apiTokenParams({ scope: 'https://graph.microsoft.com/User.Read' }, 'scope', 'openid profile')).toEqual({
      grant: { scope: 'https://graph.microsoft.com/User.Read openid profile' },
    });
  });
});

describe('defaultResourceParameter', () => {
  it.each([
    ['https://login.microsoftonline.com/4a1c2b3d-5e6f-4708-9a1b-2c3d4e5f6a7b/v2.0', 'scope'],
    ['https://login.microsoftonline.us/common/v2.0', 'scope'],
    ['https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signin/v2.0/', 'scope'],
    ['https://contoso.ciamlogin.com/contoso.onmicrosoft.com/v2.0', 'scope'],
    ['https://pkce-spa.eu.auth0.com/', 'audience'],
    ['https://login.example.com/', 'resource'],
    ['https://auth0.com.evil.example/', 'resource'],
    ['https://notlogin.microsoftonline.com.evil.example/', 'resource'],
  ] as const)('%s → %s', (issuer, parameter) => {
    expect(defaultResourceParameter(issuer)).toBe(parameter);
  });
});
