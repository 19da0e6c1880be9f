// The benchmark's data set: one tenant, one admin (Admin role) and exactly 100 schedule entries
// assigned to that admin, written through the real services; and a second tenant with one admin
// that the write benchmark creates entries in (so the list's tenant keeps its 100). Used by serve.ts.
import { createScheduleEntry, createTenant, createUser } from '@switchboard/core';
import type { DatabaseHandle } from '@switchboard/db';

export const BENCH_EMAIL = 'bench-admin@bench.test';
export const BENCH_PASSWORD = 'bench password that is long enough';
export const ENTRY_COUNT = 100;
export const WRITER_EMAIL = 'bench-writer@bench.test';

type EntryInput = Parameters<typeof createScheduleEntry>[3];

export async function seed(database: DatabaseHandle): Promise<{ tenantId: string; adminId: string; writer: { tenantId: string; userId: string } }> {
  return database.db.transaction().execute(async (trx) => {
    const { id: writerTenantId } = await createTenant(trx, 'Bench writer tenant');
    const writer = await createUser(trx, writerTenantId, {
      email: WRITER_EMAIL,
      displayName: 'Bench Writer',
      userType: 'internal',
      password: BENCH_PASSWORD,
      roleNames: ['Admin'],
    });
    const { id: tenantId } = await createTenant(trx, 'Bench tenant');
    const admin = await createUser(trx, tenantId, {
      email: BENCH_EMAIL,
      displayName: 'Bench Admin',
      userType: 'internal',
      password: BENCH_PASSWORD,
      roleNames: ['Admin'],
    });
    const day0 = Date.UTC(2026, 0, 5, 8, 0, 0);
    for (let i = 0; i < ENTRY_COUNT; i++) {
      const allDay = i % 10 === 9;
      const start = new Date(day0 + Math.floor(i / 4) * 86_400_000 + (i % 4) * 2 * 3_600_000);
      const input: EntryInput = allDay
        ? {
            title: `All-day entry ${i}`,
            notes: null,
            start: start.toISOString().slice(0, 10),
            end: new Date(start.getTime() + 86_400_000).toISOString().slice(0, 10),
            timeZone: 'Europe/Berlin',
            allDay: true,
            recurrence: null,
            workItemType: 'ad_hoc',
            workItemId: null,
            assigneeIds: [admin.id],
          }
        : {
            title: `Onsite visit ${i}: quarterly maintenance window`,
            notes: i % 3 === 0 ? `Bring the replacement switch. Contact the office manager on arrival (entry ${i}).` : null,
            start: start.toISOString(),
            end: new Date(start.getTime() + 90 * 60_000).toISOString(),
            timeZone: 'Europe/Berlin',
            allDay: false,
            recurrence: i % 25 === 0 ? 'FREQ=WEEKLY;BYDAY=MO' : null,
            workItemType: i % 2 === 0 ? 'ticket' : 'appointment',
            workItemId: i % 2 === 0 ? `T-${10_000 + i}` : null,
            assigneeIds: [admin.id],
          };
      await createScheduleEntry(trx, tenantId, admin.id, input);
    }
    return { tenantId, adminId: admin.id, writer: { tenantId: writerTenantId, userId: writer.id } };
  });
}

