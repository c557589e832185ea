// A local OpenID provider for the tests (oidc-provider with its development login pages).
//
// Environment:
//   OIDC_PORT          listen on 127.0.0.1:PORT; the issuer is http://127.0.0.1:PORT
//   OIDC_CLIENTS       JSON list of client metadata ({client_id, client_secret, redirect_uris, ...})
//   OIDC_ACCOUNTS      JSON object: login name -> claims (email, name, oid, ...); sub is the login name
//   OIDC_API_AUDIENCE  the "aud" of the access tokens (JWTs); default "meldbot"
//
// Prints "READY <issuer>" on stdout once it accepts connections. Stops on SIGTERM, SIGINT or, when
// stdin is a pipe, once it closes (so it does not outlive the test process that started it).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fstatSync } from 'node:fs';

import Provider from 'oidc-provider';

const port = Number.parseInt(process.env.OIDC_PORT ?? '', 10);
if (!Number.isInteger(port) || port <= 0) {
  console.error('OIDC_PORT must be a port number');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const audience = process.env.OIDC_API_AUDIENCE || 'meldbot';
const clients = JSON.parse(process.env.OIDC_CLIENTS || '[]');
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');

// Resource indicators must be absolute URIs; the audience in the tokens is the plain value.
const apiResource = URL.canParse(audience) ? audience : `urn:${audience}`;
const apiScope = 'openid email profile';

// A fresh signing key per run.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };

function claimsOf(login) {
  const claims = { ...(accounts[login] ?? {}) };
  if (claims.email !== undefined && claims.email_verified === undefined) {
    claims.email_verified = true;
  }
  return { ...claims, sub: login };
}

const configuration = {
  clients: clients.map((client) => ({
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub', 'oid'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
  },
  // Release the scope's claims in the ID token too, not only at the userinfo endpoint.
  conformIdTokenClaims: false,
  findAccount(_ctx, id) {
    return {
      accountId: id,
      claims() {
        return claimsOf(id);
      },
    };
  },
  // First-party clients: grant whatever is asked, so no consent page is shown.
  async loadExistingGrant(ctx) {
    const { oidc } = ctx;
    const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
    let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    if (!grant || grant.accountId !== oidc.session.accountId) {
      grant = new oidc.provider.Grant({ accountId: oidc.session.accountId, clientId: oidc.client.clientId });
    }
    grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
    grant.addOIDCClaims([...oidc.requestParamClaims]);
    for (const [indicator, resourceServer] of Object.entries(oidc.resourceServers)) {
      grant.addResourceScope(indicator, resourceServer.scope);
    }
    await grant.save();
    return grant;
  },
  // Refresh tokens for every client allowed the grant, without requiring offline_access.
  issueRefreshToken(_ctx, client) {
    return client.grantTypeAllowed('refresh_token');
  },
  // The account's email and oid in the access token, as an API would want them.
  extraTokenClaims(_ctx, token) {
    if (token.kind !== 'AccessToken' || !token.accountId) {
      return undefined;
    }
    const { email, oid } = claimsOf(token.accountId);
    return Object.fromEntries(Object.entries({ email, oid }).filter(([, value]) => value !== undefined));
  },
  features: {
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => apiResource,
      useGrantedResource: () => true,
      getResourceServerInfo(_ctx, indicator) {
        if (indicator !== apiResource) {
          throw new Provider.errors.InvalidTarget();
        }
        return { audience, scope: apiScope, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
};

const provider = new Provider(issuer, configuration);

for (const event of ['server_error', 'authorization.error', 'grant.error', 'introspection.error',
  'revocation.error', 'userinfo.error', 'end_session.error']) {
  provider.on(event, (_ctx, error) => {
    console.error(`${event}: ${error.name}: ${error.message}${error.error_description ? ` (${error.error_description})` : ''}`);
  });
}

// Check the clients' metadata now rather than at the first request.
try {
  for (const client of configuration.clients) {
    await provider.Client.find(client.client_id);
  }
} catch (error) {
  console.error(`invalid OIDC_CLIENTS: ${error.message}${error.error_description ? ` (${error.error_description})` : ''}`);
  process.exit(2);
}

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`READY ${issuer}`);
});

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (fstatSync(0).isFIFO()) {
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}
