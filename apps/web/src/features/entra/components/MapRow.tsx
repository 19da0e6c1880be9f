// One managed tenant in the mapping table: its match, and the admin's choice for it (a client, skip,
// or a new client made from the tenant, shown as it will be created and undoable until confirmed).
import type { MappingDecision, MappingPreview } from '../api/types.ts';

/** The row's choice: '' (not mapped), 'skip', CREATE, or a client id. */
export type Choice = string;
export const CREATE = 'create';

const STATE_LABELS: Record<MappingPreview['state'], string> = {
  mapped: 'Mapped',
  skipped: 'Skipped',
  auto_matched: 'Domain match',
  needs_review: 'Needs review',
  unmatched: 'No match',
};

/** The choice offered first: the current mapping, the domain match, else nothing. */
export const initialChoice = (p: MappingPreview): Choice => (p.state === 'skipped' ? 'skip' : (p.clientId ?? ''));

/** What confirming sends for the row; nothing when the row stays as it is. */
export function decisionOf(p: MappingPreview, choice: Choice, newName: string | undefined): MappingDecision[] {
  const id = p.managedTenantId;
  if (choice === initialChoice(p) && (p.state === 'mapped' || p.state === 'skipped')) return [];
  if (choice === CREATE) return [{ managedTenantId: id, action: 'create_client', ...(newName !== undefined && newName !== p.newClient?.name ? { name: newName } : {}) }];
  if (choice === 'skip') return [{ managedTenantId: id, action: 'skip' }];
  if (choice) return [{ managedTenantId: id, action: 'map', clientId: choice }];
  return p.state === 'mapped' || p.state === 'skipped' ? [{ managedTenantId: id, action: 'unmap' }] : [];
}

interface Props {
  preview: MappingPreview;
  clients: { id: string; name: string }[];
  choice: Choice;
  newName: string | undefined;
  errors: string[];
  onChoose: (choice: Choice) => void;
  onRename: (name: string) => void;
}

export function MapRow({ preview: p, clients, choice, newName, errors, onChoose, onRename }: Props) {
  const key = p.entraTenantId;
  return (
    <tr id={`entra-map-row-${key}`}>
      <td>{p.displayName}</td>
      <td>{p.domains.join(', ')}</td>
      <td>{p.userCount ?? '—'}</td>
      <td>
        {STATE_LABELS[p.state]}
        {p.candidates.length > 0 && p.state === 'needs_review' && <div className="muted">{p.candidates.map((c) => `${c.clientName} (${Math.round(c.score * 100)}%)`).join(', ')}</div>}
      </td>
      <td>
        {choice === CREATE && p.newClient ? (
          <NewClient id={key} tenantName={p.displayName} name={newName ?? p.newClient.name} domains={p.newClient.domains} onRename={onRename} onUndo={() => onChoose(initialChoice(p))} />
        ) : (
          <div className="record-toolbar">
            <select id={`entra-map-choice-${key}`} aria-label={`Client for ${p.displayName}`} value={choice} onChange={(e) => onChoose(e.target.value)}>
              <option value="">Not mapped</option>
              <option value="skip">Skip this tenant</option>
              {p.newClient && <option value={CREATE}>New client from this tenant</option>}
              {p.candidates.map((c) => (
                <option key={`c-${c.clientId}`} value={c.clientId}>
                  {c.clientName} (suggested)
                </option>
              ))}
              {clients.filter((c) => !p.candidates.some((x) => x.clientId === c.id)).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            {p.state === 'unmatched' && choice === '' && (
              <button id={`entra-map-create-${key}`} type="button" onClick={() => onChoose(CREATE)}>
                Create client
              </button>
            )}
          </div>
        )}
        {errors.map((message, i) => (
          <div key={message} className="error" role="alert" id={`entra-map-row-error-${key}-${i}`}>
            {message}
          </div>
        ))}
      </td>
    </tr>
  );
}

function NewClient(props: { id: string; tenantName: string; name: string; domains: string[]; onRename: (name: string) => void; onUndo: () => void }) {
  return (
    <div id={`entra-map-new-${props.id}`}>
      <div className="record-toolbar">
        <span>New client:</span>
        <input
          id={`entra-map-new-name-${props.id}`}
          aria-label={`Name of the new client for ${props.tenantName}`}
          size={Math.min(40, Math.max(12, props.name.length + 2))}
          value={props.name}
          onChange={(e) => props.onRename(e.target.value)}
        />
      </div>
      <div className="muted">
        — {props.domains.length ? props.domains.join(', ') : 'no domains'}{' '}
        <button id={`entra-map-undo-${props.id}`} type="button" className="record-inline-button" onClick={props.onUndo}>
          Undo
        </button>
      </div>
    </div>
  );
}
