// POST /v1.0/$batch (JSON batching): up to 20 requests, run through the same app (so each member
// is counted, throttled and fault-injected on its own), ordered by dependsOn.
// https://learn.microsoft.com/graph/json-batching ; members are evaluated individually against the
// throttling limits, so one may answer 429 with its Retry-After while the others succeed
// (https://learn.microsoft.com/graph/throttling, "Throttling and batching"): two batches, or a batch
// and other requests, on one mailbox at once can exceed its four concurrent requests.
import type { FastifyInstance } from 'fastify';
import type { MicrosoftContext } from './context.js';
import { graphError } from './errors.js';
import { authenticate, sendGraphError } from './graph-request.js';

interface BatchMember {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

interface MemberResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

const MAX_REQUESTS = 20;
/** The controls counter of batch members run (each is counted under its route as well). */
export const BATCH_MEMBER_KEY = '$batch member';
/** Graph hands Outlook at most four requests of one batch at a time (throttling-limits, Outlook). */
const PARALLEL = 4;
/** Headers of a member's response worth passing on, as in the json-batching response example. */
const KEPT_HEADERS: Record<string, string> = {
  'content-type': 'Content-Type',
  etag: 'ETag',
  location: 'Location',
  'retry-after': 'Retry-After',
  'preference-applied': 'Preference-Applied',
};

/** Why the batch is malformed (answered 400 as a whole), or null. */
function malformed(requests: unknown): string | null {
  if (!Array.isArray(requests)) return 'Invalid batch payload format: a requests array is required.';
  if (requests.length > MAX_REQUESTS) return `The number of requests in the batch (${requests.length}) exceeds the limit of ${MAX_REQUESTS}.`;
  const ids = new Set<string>();
  for (const r of requests as BatchMember[]) {
    if (!r || typeof r.id !== 'string' || typeof r.method !== 'string' || typeof r.url !== 'string') {
      return 'Invalid batch payload format: every request needs id, method and url.';
    }
    // ids are not case-sensitive and must be unique.
    if (ids.has(r.id.toLowerCase())) return `Batch request ids must be unique; '${r.id}' is repeated.`;
    ids.add(r.id.toLowerCase());
    const contentType = Object.keys(r.headers ?? {}).some((h) => h.toLowerCase() === 'content-type');
    if (r.body !== undefined && !contentType) return `Write request id : ${r.id} does not contain Content-Type header or body.`;
  }
  for (const r of requests as BatchMember[]) {
    const unknown = (r.dependsOn ?? []).find((d) => !ids.has(String(d).toLowerCase()));
    if (unknown !== undefined) return `Request '${r.id}' depends on '${unknown}', which is not in the batch.`;
  }
  return null;
}

export function registerBatch(app: FastifyInstance, context: MicrosoftContext): void {
  async function dispatch(member: BatchMember, authorization: string | undefined): Promise<MemberResponse> {
    const path = member.url.startsWith('/') ? member.url : `/${member.url}`;
    const headers: Record<string, string> = { ...(member.headers ?? {}) };
    if (authorization) headers.authorization = authorization;
    const payload = member.body === undefined ? undefined : typeof member.body === 'string' ? member.body : JSON.stringify(member.body);
    // Each member also counts under its own route, as the service evaluates it on its own.
    context.controls.record(BATCH_MEMBER_KEY);
    const response = await app.inject({ method: member.method.toUpperCase() as 'GET', url: `/v1.0${path}`, headers, payload });
    const kept: Record<string, string> = { 'Cache-Control': 'no-cache' };
    for (const [name, spelled] of Object.entries(KEPT_HEADERS)) {
      const value = response.headers[name];
      if (value !== undefined) kept[spelled] = String(value);
    }
    const result: MemberResponse = { id: member.id, status: response.statusCode, headers: kept };
    if (response.body) {
      try {
        result.body = JSON.parse(response.body);
      } catch {
        result.body = response.body;
      }
    }
    return result;
  }

  app.post<{ Body: { requests?: unknown } }>('/v1.0/$batch', async (request, reply) => {
    if (!authenticate(context, request, reply)) return reply;
    const problem = malformed(request.body?.requests);
    if (problem) return sendGraphError(reply, 400, 'BadRequest', problem);
    const members = request.body!.requests as BatchMember[];
    const done = new Map<string, MemberResponse>();
    const key = (id: string) => id.toLowerCase();
    const run = async (m: BatchMember): Promise<MemberResponse> => {
      // "If an individual request fails, any request that depends on that request fails with 424."
      const failed = (m.dependsOn ?? []).some((d) => (done.get(key(d))?.status ?? 500) >= 400);
      if (failed) return { id: m.id, status: 424, headers: { 'Content-Type': 'application/json' }, body: failedDependency(m.id) };
      return dispatch(m, request.headers.authorization).catch(() => ({ id: m.id, status: 500, headers: {}, body: graphError(500, {}) }));
    };
    // At most four members at a time, each starting as soon as a slot is free and its dependencies are done.
    await new Promise<void>((resolve) => {
      const started = new Set<string>();
      let running = 0;
      const pump = () => {
        for (const m of members) {
          if (running >= PARALLEL) break;
          if (started.has(key(m.id)) || !(m.dependsOn ?? []).every((d) => done.has(key(d)))) continue;
          started.add(key(m.id));
          running += 1;
          void run(m).then((response) => {
            done.set(key(m.id), response);
            running -= 1;
            pump();
          });
        }
        if (running > 0) return;
        // Nothing runs: all done, or a dependency cycle that nothing can start.
        for (const m of members) if (!done.has(key(m.id))) done.set(key(m.id), { id: m.id, status: 424, headers: {}, body: failedDependency(m.id) });
        resolve();
      };
      pump();
    });
    return { responses: members.map((m) => done.get(key(m.id))) };
  });
}

function failedDependency(id: string) {
  return { error: { code: 'FailedDependency', message: `Request ${id} depends on a request that failed.` } };
}
