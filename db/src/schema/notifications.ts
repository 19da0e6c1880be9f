// Tables of the notifications feature, merged into the Database type in ../schema.ts.
import type { ColumnType, Generated } from 'kysely';

export type NotificationSeverity = 'info' | 'warning' | 'error';

export interface NotificationsTable {
  id: Generated<string>;
  tenant_id: string;
  /** The recipient. */
  user_id: string;
  /** What raised it, e.g. `calendar.reconnect_required`. */
  kind: string;
  severity: NotificationSeverity;
  title: string;
  body: Generated<string>;
  /** An in-app path such as `/profile?tab=calendar`. */
  link: string | null;
  /** One open notification per (tenant, user, dedupe key); null means every raise is new. */
  dedupe_key: string | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  read_at: Date | null;
  resolved_at: Date | null;
}

export interface NotificationsTables {
  notifications: NotificationsTable;
}
