// Query keys of the Entra feature: one root, since a sync or a mapping change touches most views.
export const entraKeys = {
  all: ['entra'] as const,
  connection: () => [...entraKeys.all, 'connection'] as const,
  tenants: () => [...entraKeys.all, 'tenants'] as const,
  preview: () => [...entraKeys.all, 'preview'] as const,
  clients: () => [...entraKeys.all, 'clients'] as const,
  profiles: () => [...entraKeys.all, 'profiles'] as const,
  runs: (clientId?: string) => [...entraKeys.all, 'runs', { clientId }] as const,
  run: (id: string) => [...entraKeys.all, 'run', id] as const,
  ambiguous: () => [...entraKeys.all, 'ambiguous'] as const,
  settings: () => [...entraKeys.all, 'settings'] as const,
};
