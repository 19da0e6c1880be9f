// The stable Entra URLs under /api/integrations/entra (DESIGN.md → Edition contract).
import type { StableRoute } from './surface.js';
import { ALL_METHODS } from './surface.js';

export const ENTRA_HANDLERS = [
  'getConnection',
  'connect',
  'disconnect',
  'testConnection',
  'directCallback',
  'discover',
  'listManagedTenants',
  'previewMappings',
  'listMappings',
  'confirmMappings',
  'startSync',
  'listRuns',
  'getRun',
  'listAmbiguous',
  'resolveAmbiguous',
  'getSettings',
  'updateSettings',
  'syncClient',
  'notFound',
] as const;
export type EntraHandler = (typeof ENTRA_HANDLERS)[number];

const base = '/api/integrations/entra';

export const ENTRA_ROUTES: StableRoute<EntraHandler>[] = [
  { method: 'GET', url: `${base}/connection`, handler: 'getConnection' },
  { method: 'POST', url: `${base}/connection`, handler: 'connect' },
  { method: 'DELETE', url: `${base}/connection`, handler: 'disconnect' },
  { method: 'POST', url: `${base}/connection/test`, handler: 'testConnection' },
  { method: 'GET', url: `${base}/callback`, handler: 'directCallback' },
  { method: 'POST', url: `${base}/discover`, handler: 'discover' },
  { method: 'GET', url: `${base}/tenants`, handler: 'listManagedTenants' },
  { method: 'GET', url: `${base}/mappings/preview`, handler: 'previewMappings' },
  { method: 'GET', url: `${base}/mappings`, handler: 'listMappings' },
  { method: 'POST', url: `${base}/mappings`, handler: 'confirmMappings' },
  { method: 'POST', url: `${base}/sync`, handler: 'startSync' },
  { method: 'GET', url: `${base}/runs`, handler: 'listRuns' },
  { method: 'GET', url: `${base}/runs/:id`, handler: 'getRun' },
  { method: 'GET', url: `${base}/ambiguous`, handler: 'listAmbiguous' },
  { method: 'POST', url: `${base}/ambiguous/:id/resolve`, handler: 'resolveAmbiguous' },
  { method: 'GET', url: `${base}/settings`, handler: 'getSettings' },
  { method: 'PUT', url: `${base}/settings`, handler: 'updateSettings' },
  { method: 'POST', url: `${base}/clients/:clientId/sync`, handler: 'syncClient' },
  { method: ALL_METHODS, url: `${base}/*`, handler: 'notFound' },
];

export const ENTRA_CE_ERROR = 'Microsoft Entra integration is only available in Enterprise Edition.';
