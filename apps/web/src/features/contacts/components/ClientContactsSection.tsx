// The contacts section of a client's page: every contact of the client, inactive ones marked.
// The app places it on the client page, so the clients feature does not reach into this one.
import { useState } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/states.tsx';
import { useContacts } from '../api/get-contacts.ts';
import type { Contact } from '../api/types.ts';
import { ContactFormDialog, type FixedClient } from './ContactFormDialog.tsx';
import { ContactsTable } from './ContactsTable.tsx';
import { DeleteContactDialog } from './DeleteContactDialog.tsx';

/** The API's page size limit; a client with more contacts than this is shown in part. */
const CLIENT_CONTACTS_LIMIT = 500;

export function ClientContactsSection({ client }: { client: FixedClient }) {
  const contacts = useContacts({ clientId: client.id, search: '', includeInactive: true, limit: CLIENT_CONTACTS_LIMIT, offset: 0 });
  // null: closed; 'new': the new-contact form; a contact: its edit form.
  const [form, setForm] = useState<Contact | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Contact | null>(null);

  let body;
  if (contacts.isPending) body = <Loading id="client-contacts-loading" label="Loading contacts…" />;
  else if (contacts.isError) body = <ErrorState id="client-contacts-error" error={contacts.error} onRetry={() => void contacts.refetch()} />;
  else if (contacts.data.items.length === 0) body = <Empty id="client-contacts-empty">No contacts for this client yet.</Empty>;
  else {
    const { items, total } = contacts.data;
    body = (
      <>
        <ContactsTable id="client-contacts-table" idPrefix="client-contact" contacts={items} onEdit={setForm} onDelete={setDeleting} />
        {total > items.length && (
          <p id="client-contacts-partial" className="muted">
            Showing the first {items.length} of {total} contacts.
          </p>
        )}
      </>
    );
  }

  return (
    <section id="client-contacts" className="record-section" aria-labelledby="client-contacts-title">
      <header className="record-header">
        <h2 id="client-contacts-title">
          Contacts{contacts.data ? <span className="muted"> ({contacts.data.total})</span> : null}
        </h2>
        <button id="client-contacts-new" type="button" className="primary" onClick={() => setForm('new')}>
          New contact
        </button>
      </header>
      {body}
      <ContactFormDialog open={form !== null} client={client} contact={form === 'new' ? null : form} onClose={() => setForm(null)} />
      <DeleteContactDialog id="client-contact-delete-dialog" contact={deleting} onClose={() => setDeleting(null)} />
    </section>
  );
}
