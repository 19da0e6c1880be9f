// How the identity platform reads a `scope` parameter: OpenID Connect scopes plus permissions of ONE
// resource (https://learn.microsoft.com/en-us/entra/identity-platform/scopes-oidc).
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

export interface ParsedScopes {
  oidc: Set<string>;
  /** `https://graph.microsoft.com`, `api://{appId}` or another application ID URI. */
  resource: string;
  /** Permission names without the resource prefix (`User.Read`, `.default`). */
  permissions: string[];
}

/** Null when the scopes name more than one resource (AADSTS28000). */
export function parseScopes(scope: string | undefined): ParsedScopes | null {
  const oidc = new Set<string>();
  const resources = new Set<string>();
  const permissions: string[] = [];
  for (const raw of (scope ?? '').split(/\s+/).filter(Boolean)) {
    if (OIDC_SCOPES.has(raw.toLowerCase())) {
      oidc.add(raw.toLowerCase());
      continue;
    }
    // The permission is the last segment: an application ID URI may have a path (`https://contoso.com/cipp/.default`,
    // https://learn.microsoft.com/en-us/entra/identity-platform/scopes-oidc#the-default-scope).
    const match = /^((?:https?|api):\/\/.+)\/([^/]+)$/i.exec(raw);
    // A bare permission (`User.Read`) means Microsoft Graph.
    resources.add(match ? match[1].replace(/^https:\/\/graph\.microsoft\.com$/i, GRAPH_RESOURCE) : GRAPH_RESOURCE);
    permissions.push(match ? match[2] : raw);
  }
  if (resources.size > 1) return null;
  return { oidc, resource: [...resources][0] ?? GRAPH_RESOURCE, permissions };
}

/** The `scope` string of a token response: the resource's permissions in full form plus OIDC scopes. */
export function responseScope(parsed: ParsedScopes, granted: string[]): string {
  const prefix = parsed.resource === GRAPH_RESOURCE ? `${GRAPH_RESOURCE}/` : `${parsed.resource}/`;
  const oidc = [...parsed.oidc].filter((s) => s !== 'offline_access');
  return [...granted.map((p) => `${prefix}${p}`), ...oidc].join(' ');
}
