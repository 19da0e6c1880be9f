// The Microsoft consumers: what each one is for and which redirect URIs its Azure app registration
// needs. Which consumers an edition shows is decided by core's edition module, not here.
import type { MicrosoftConsumer } from '@switchboard/core';

export interface ConsumerDefinition {
  label: string;
  description: string;
  /** Paths on this server that Microsoft redirects back to for this consumer. */
  redirectPaths: string[];
}

export const CONSUMERS: Record<MicrosoftConsumer, ConsumerDefinition> = {
  msp_sso: {
    label: 'MSP single sign-on',
    description: 'MSP staff sign in to Switchboard with their Microsoft work account.',
    redirectPaths: ['/api/auth/msp/sso/callback'],
  },
  email: {
    label: 'Email',
    description: 'Microsoft 365 mailboxes the PSA reads tickets from and sends mail through.',
    redirectPaths: ['/api/auth/microsoft/email/callback'],
  },
  calendar: {
    label: 'Calendar',
    description: 'Technicians connect their Microsoft 365 calendar for two-way schedule sync.',
    redirectPaths: ['/api/auth/microsoft/calendar/callback'],
  },
  teams: {
    label: 'Microsoft Teams',
    description: 'The Switchboard app in Microsoft Teams: notifications and a personal tab.',
    redirectPaths: ['/api/auth/microsoft/teams/callback'],
  },
};

export const consumerLabel = (consumer: MicrosoftConsumer): string => CONSUMERS[consumer].label;

/** Name of the secret holding a profile's client secret in the tenant secret store. */
export const clientSecretName = (profileId: string): string => `microsoft_profile:${profileId}:client_secret`;
