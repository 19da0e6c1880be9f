// The audit log: who changed what, written in the same transaction as the change.
import type { Db } from '../tenancy.js';

export interface AuditEntry {
  tenantId: string;
  actorUserId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

const SECRET_KEY = /secret|token|password|credential|key$/i;

/** Drops anything that looks like a secret from audit details, however deep. */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : withoutSecrets(v)]),
    );
  }
  return value;
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      tenant_id: entry.tenantId,
      actor_user_id: entry.actorUserId,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId ?? null,
      details: JSON.stringify(withoutSecrets(entry.details ?? {})),
    })
    .execute();
}

export async function listAudit(db: Db, tenantId: string, opts: { limit: number; beforeId?: string }) {
  let q = db
    .selectFrom('audit_log')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id', 'desc')
    .limit(opts.limit);
  if (opts.beforeId) q = q.where('id', '<', opts.beforeId);
  return q.execute();
}
