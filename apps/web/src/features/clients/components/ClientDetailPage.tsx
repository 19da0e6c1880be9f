// /clients/:id: one client, its email domains, edit and delete, its contacts and upcoming schedule.
import { useState, type ReactNode } from 'react';
import { ConfirmDialog } from '../../../components/Dialog.tsx';
import { ErrorState, Loading } from '../../../components/states.tsx';
import { messageOf } from '../../../lib/api.ts';
import { Link, navigate } from '../../../lib/router.tsx';
import { useDeleteClient } from '../api/delete-client.ts';
import { isClientNotFound, useClient } from '../api/get-client.ts';
import { useClientContactCount } from '../api/get-client-contact-count.ts';
import type { Client } from '../api/types.ts';
import { EditClientDialog } from './ClientFormDialog.tsx';
import { ClientUpcomingSchedule } from './ClientUpcomingSchedule.tsx';

/** `contacts` renders the client's contacts section (the app passes the contacts feature's); `actions` more client actions (e.g. Entra sync). */
export function ClientDetailPage({ id, contacts, actions }: { id: string; contacts: (client: Client) => ReactNode; actions?: (client: Client) => ReactNode }) {
  const client = useClient(id);
  if (client.isPending) return <Loading id="client-loading" label="Loading client…" />;
  if (client.isError) {
    if (isClientNotFound(client.error)) return <ClientNotFound />;
    return <ErrorState id="client-error" error={client.error} onRetry={() => void client.refetch()} />;
  }
  return <ClientDetail key={client.data.id} client={client.data} contacts={contacts} actions={actions} />;
}

function ClientNotFound() {
  return (
    <section id="client-not-found" className="card record-not-found">
      <h1>Client not found</h1>
      <p>This client does not exist or has been deleted.</p>
      <Link id="client-not-found-back" to="/clients" className="record-back">
        Back to clients
      </Link>
    </section>
  );
}

function ClientDetail({ client, contacts, actions }: { client: Client; contacts: (client: Client) => ReactNode; actions?: (client: Client) => ReactNode }) {
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const remove = useDeleteClient(client.id);
  const contactCount = useClientContactCount(client.id).data;

  const closeDelete = () => {
    setDeleting(false);
    remove.reset();
  };

  return (
    <section id="client-page" className="record-page" aria-labelledby="client-name">
      <Link id="client-back" to="/clients" className="record-back">
        ← Clients
      </Link>
      <header className="record-header">
        <h1 id="client-name">{client.name}</h1>
        <div className="record-header-actions">
          <button id="client-edit" type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
          <button id="client-delete" type="button" className="danger" onClick={() => setDeleting(true)}>
            Delete
          </button>
        </div>
      </header>
      <dl className="facts record-facts">
        <dt>Email domains</dt>
        <dd id="client-domains">
          {client.domains.length ? (
            <ul className="record-chips">
              {client.domains.map((domain) => (
                <li key={domain} className="record-chip">
                  {domain}
                </li>
              ))}
            </ul>
          ) : (
            <span className="muted">None</span>
          )}
        </dd>
        <dt>Created</dt>
        <dd>
          <time dateTime={client.createdAt}>{new Date(client.createdAt).toLocaleString()}</time>
        </dd>
        <dt>Updated</dt>
        <dd>
          <time dateTime={client.updatedAt}>{new Date(client.updatedAt).toLocaleString()}</time>
        </dd>
      </dl>

      {actions?.(client)}
      {contacts(client)}
      <ClientUpcomingSchedule clientId={client.id} />

      <EditClientDialog open={editing} client={client} onClose={() => setEditing(false)} />
      <ConfirmDialog
        id="client-delete-dialog"
        title="Delete client"
        message={
          <>
            Delete <strong>{client.name}</strong>
            {contactCount ? ` and its ${contactCount === 1 ? 'contact' : `${contactCount} contacts`}` : ''}? This cannot be undone.
          </>
        }
        confirmLabel="Delete client"
        open={deleting}
        pending={remove.isPending}
        error={remove.error ? messageOf(remove.error) : null}
        onConfirm={() => remove.mutate(undefined, { onSuccess: () => navigate('/clients') })}
        onClose={closeDelete}
      />
    </section>
  );
}
