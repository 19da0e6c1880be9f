// Picks the active tab or category from the URL, falling back to the first valid one when the
// URL names one this edition does not have (a stale `?category=calendar` in CE, say).
export function pickValid(requested: string | null, valid: string[]): { value: string; fellBack: boolean } {
  if (requested && valid.includes(requested)) return { value: requested, fellBack: false };
  return { value: valid[0], fellBack: requested !== null };
}

export const TITLES: Record<string, string> = {
  users: 'Users',
  flags: 'Feature flags',
  schedule: 'Schedule',
  providers: 'Providers',
  calendar: 'Calendar',
  entra: 'Microsoft Entra',
  account: 'Account',
};
