// /contacts: every client's contacts, searchable by name or email, inactive ones on request.
import { useState } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/states.tsx';
import { Link, useLocation } from '../../../lib/router.tsx';
import { useClientOptions } from '../api/get-client-options.ts';
import { useContacts } from '../api/get-contacts.ts';
import type { Contact, ContactListFilters } from '../api/types.ts';
import { ContactsTable } from './ContactsTable.tsx';
import { DeleteContactDialog } from './DeleteContactDialog.tsx';
import { ContactFormDialog } from './ContactFormDialog.tsx';
import { Pager } from '../../../components/Pager.tsx';
import { intParam, setSearchParams, useDebouncedSearchParam } from '../../../lib/url-state.ts';

const PAGE_SIZE = 25;

export function ContactsPage() {
  const { search } = useLocation();
  const [searchText, setSearchText] = useDebouncedSearchParam();
  // null: closed; 'new': the new-contact form; a contact: its edit form.
  const [form, setForm] = useState<Contact | 'new' | null>(null);
  const filters: ContactListFilters = {
    search: (search.get('search') ?? '').trim(),
    includeInactive: search.get('includeInactive') === 'true',
    limit: intParam(search, 'limit', PAGE_SIZE, 1, 500),
    offset: intParam(search, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };

  return (
    <section id="contacts-page" className="record-page" aria-labelledby="contacts-title">
      <header className="record-header">
        <h1 id="contacts-title">Contacts</h1>
        <button id="contacts-new" type="button" className="primary" onClick={() => setForm('new')}>
          New contact
        </button>
      </header>
      <div className="record-toolbar" role="search">
        <label htmlFor="contacts-search">Search</label>
        <input
          id="contacts-search"
          type="search"
          placeholder="Name or email"
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          autoComplete="off"
          maxLength={200}
        />
        <span className="record-checkbox">
          <input
            id="contacts-include-inactive"
            type="checkbox"
            checked={filters.includeInactive}
            onChange={(e) => setSearchParams({ includeInactive: e.target.checked ? 'true' : null, offset: null })}
          />
          <label htmlFor="contacts-include-inactive">Include inactive</label>
        </span>
      </div>
      <ContactList filters={filters} onEdit={setForm} />
      <ContactFormDialog open={form !== null} contact={form === 'new' ? null : form} onClose={() => setForm(null)} />
    </section>
  );
}

function ContactList(props: { filters: ContactListFilters; onEdit: (contact: Contact) => void }) {
  const { filters } = props;
  const contacts = useContacts(filters);
  const clients = useClientOptions();
  const [deleting, setDeleting] = useState<Contact | null>(null);

  if (contacts.isPending) return <Loading id="contacts-loading" label="Loading contacts…" />;
  if (contacts.isError) return <ErrorState id="contacts-error" error={contacts.error} onRetry={() => void contacts.refetch()} />;

  const { items, total } = contacts.data;
  const clientNames = new Map(clients.data?.items.map((c) => [c.id, c.name]));
  const page = (offset: number) => setSearchParams({ offset: offset ? String(offset) : null });
  return (
    <div className={contacts.isPlaceholderData ? 'record-list record-stale' : 'record-list'} aria-busy={contacts.isFetching}>
      {items.length === 0 ? (
        <EmptyContacts filters={filters} total={total} onFirstPage={() => page(0)} />
      ) : (
        <ContactsTable
          id="contacts-table"
          idPrefix="contact"
          contacts={items}
          client={(contact) => (
            <Link id={`contact-client-link-${contact.id}`} to={`/clients/${contact.clientId}`}>
              {clientNames.get(contact.clientId) ?? (clients.isPending ? '…' : 'View client')}
            </Link>
          )}
          onEdit={props.onEdit}
          onDelete={setDeleting}
        />
      )}
      <Pager id="contacts" offset={filters.offset} limit={filters.limit} shown={items.length} total={total} onPage={page} />
      <DeleteContactDialog id="contact-delete-dialog" contact={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}

function EmptyContacts(props: { filters: ContactListFilters; total: number; onFirstPage: () => void }) {
  if (props.total > 0) {
    // Paged past the end (e.g. after deletions, or an old link).
    return (
      <Empty id="contacts-empty">
        Nothing on this page.{' '}
        <button id="contacts-first-page" type="button" className="record-inline-button" onClick={props.onFirstPage}>
          Go to the first page
        </button>
      </Empty>
    );
  }
  if (props.filters.search) return <Empty id="contacts-empty">No contacts match “{props.filters.search}”.</Empty>;
  if (!props.filters.includeInactive) return <Empty id="contacts-empty">No active contacts yet. Inactive contacts show with “Include inactive”.</Empty>;
  return <Empty id="contacts-empty">No contacts yet. Create the first one with “New contact”.</Empty>;
}
