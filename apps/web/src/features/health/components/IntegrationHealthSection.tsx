// Integration health at the top of Settings → Integrations: each condition with its reason and
// the action to take, or a line saying all is well.
import { Empty, ErrorState, Loading } from '../../../components/states.tsx';
import { useIntegrationHealth, type HealthCondition } from '../api/integration-health.ts';
import '../health.css';

const KIND_LABEL: Record<HealthCondition['kind'], string> = {
  calendar_provider_error: 'Calendar sync stopped',
  calendar_renewal_failed: 'Calendar updates delayed',
  stuck_jobs: 'Background jobs stuck',
  calendar_push_unavailable: 'Calendar push unavailable',
  entra_run_failed: 'Entra sync failed',
  entra_needs_reconnect: 'Entra needs reconnecting',
};

export function IntegrationHealthSection() {
  const health = useIntegrationHealth();
  return (
    <section id="integration-health" aria-labelledby="integration-health-title">
      <h2 id="integration-health-title">Integration health</h2>
      {health.isPending && <Loading id="integration-health-loading" />}
      {health.isError && <ErrorState id="integration-health-error" error={health.error} onRetry={() => void health.refetch()} />}
      {health.data && health.data.items.length === 0 && <Empty id="integration-health-ok">All integrations are healthy.</Empty>}
      {health.data && health.data.items.length > 0 && (
        <ul id="integration-health-list" className="health-list">
          {health.data.items.map((c, i) => (
            <li key={`${c.kind}:${c.subject}`} id={`integration-health-item-${i}`} className={`health-item ${c.severity}`}>
              <strong>
                {c.severity === 'error' ? 'Error' : 'Warning'} · {KIND_LABEL[c.kind] ?? c.kind}: {c.subject}
              </strong>
              <p>{c.reason}</p>
              <p>
                <em>What to do:</em> {c.action}
              </p>
              <small className="muted">Since {new Date(c.since).toLocaleString()}</small>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
