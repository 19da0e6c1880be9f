// Query keys for Microsoft profiles and bindings: one root, since a profile change can change the
// consumer matrix (names, readiness) and a binding change a profile's "used by".
export const microsoftKeys = {
  all: ['microsoft'] as const,
  profiles: (includeArchived: boolean) => [...microsoftKeys.all, 'profiles', { includeArchived }] as const,
  consumers: () => [...microsoftKeys.all, 'consumers'] as const,
  loginDomains: () => [...microsoftKeys.all, 'login-domains'] as const,
};
