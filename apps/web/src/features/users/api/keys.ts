// Query keys for the users feature.
export const userKeys = {
  all: ['users'] as const,
  list: () => [...userKeys.all, 'list'] as const,
  /** Client names for the portal-user picker, under the clients root so client changes refresh it. */
  clientOptions: () => ['clients', 'options-for-users'] as const,
};
