// The one module that answers edition questions. Everything else (routes, the SPA) asks it.
import type { MicrosoftConsumerName } from '@switchboard/db';

export type Edition = 'ce' | 'ee';
export type MicrosoftConsumer = MicrosoftConsumerName;

export interface EditionInfo {
  edition: Edition;
  calendarAvailable: boolean;
  entraAvailable: boolean;
  /** Settings → Integrations categories, in display order. */
  settingsCategories: string[];
  /** Profile page tabs, in display order. */
  profileTabs: string[];
  /** Microsoft consumers shown and writable in this edition. */
  microsoftConsumers: MicrosoftConsumer[];
}

export function describeEdition(edition: Edition): EditionInfo {
  const ee = edition === 'ee';
  return {
    edition,
    calendarAvailable: ee,
    entraAvailable: ee,
    settingsCategories: ee ? ['providers', 'calendar', 'entra'] : ['providers'],
    profileTabs: ee ? ['account', 'calendar'] : ['account'],
    microsoftConsumers: ee ? ['msp_sso', 'email', 'calendar', 'teams'] : ['msp_sso'],
  };
}
