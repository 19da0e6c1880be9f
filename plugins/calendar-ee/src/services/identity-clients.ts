// The OAuth clients a provider connects and refreshes through: google-auth-library's OAuth2Client
// with the tenant's Google app, msal-node with the Microsoft profile bound to `calendar`. Endpoints
// come from configuration (the emulators in tests and the demo).
import { OAuth2Client } from 'google-auth-library';
import type { ConfidentialClientApplication } from '@azure/msal-node';
import type { ProviderUrls } from '@switchboard/core';
import { confidentialClient, type MicrosoftCredentials } from '@switchboard/microsoft-bindings';
import { GOOGLE_CALLBACK_PATH, type GoogleApp } from './settings.js';

export const GOOGLE_SCOPES = ['openid', 'email', 'https://www.googleapis.com/auth/calendar.events', 'https://www.googleapis.com/auth/calendar.readonly'];
export const MICROSOFT_SCOPES = ['Calendars.ReadWrite', 'User.Read', 'offline_access'];

export function googleOAuthClient(app: GoogleApp, urls: ProviderUrls, publicUrl: string): OAuth2Client {
  return new OAuth2Client({
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    redirectUri: `${publicUrl}${GOOGLE_CALLBACK_PATH}`,
    endpoints: {
      oauth2AuthBaseUrl: `${urls.googleAccounts}/o/oauth2/v2/auth`,
      oauth2TokenUrl: `${urls.googleOAuth2}/token`,
      oauth2RevokeUrl: `${urls.googleOAuth2}/revoke`,
      tokenInfoUrl: `${urls.googleOAuth2}/tokeninfo`,
      oauth2FederatedSignonPemCertsUrl: `${urls.googleApi}/oauth2/v1/certs`,
      oauth2FederatedSignonJwkCertsUrl: `${urls.googleApi}/oauth2/v3/certs`,
    },
  });
}

export function microsoftClient(credentials: MicrosoftCredentials, urls: ProviderUrls): ConfidentialClientApplication {
  return confidentialClient(credentials, urls.microsoftLogin);
}
