// The entry form's client and contact: a client found by typing part of its name or a domain, then
// optionally one of that client's contacts. The lists are the clients' and contacts' own queries
// (same keys, so their pages and this form share the cache and the invalidations).
import { useDeferredValue, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Field } from '../../../components/states.tsx';
import { messageOf } from '../../../lib/api.ts';
import { clientQueryOptions } from '../../clients/api/get-client.ts';
import { clientsQueryOptions } from '../../clients/api/get-clients.ts';
import { contactsQueryOptions } from '../../contacts/api/get-contacts.ts';

/** Matches offered per search; a client beyond them is found by typing more of its name. */
const CLIENT_MATCHES = 50;
/** The API's page limit: a client with more contacts offers the first ones. */
const CONTACTS_LIMIT = 500;

export function EntryClientFields(props: {
  clientId: string | null;
  contactId: string | null;
  errors: { clientId?: string; contactId?: string };
  onChange: (links: { clientId: string | null; contactId: string | null }) => void;
}) {
  const { clientId, contactId } = props;
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search.trim());
  const matches = useQuery(clientsQueryOptions({ search: deferredSearch, limit: CLIENT_MATCHES, offset: 0 }));
  // The chosen client's name, when the matches for the current search do not include it.
  const chosen = useQuery({ ...clientQueryOptions(clientId ?? ''), enabled: Boolean(clientId) });
  const contacts = useQuery({
    ...contactsQueryOptions({ clientId: clientId ?? '', search: '', includeInactive: true, limit: CONTACTS_LIMIT, offset: 0 }),
    enabled: Boolean(clientId),
  });

  const clientOptions = matches.data?.items ?? [];
  const chosenMissing = clientId && !clientOptions.some((c) => c.id === clientId);
  // Inactive contacts are not offered, except the one already linked (so it can be seen and changed).
  const contactOptions = (contacts.data?.items ?? []).filter((c) => !c.isInactive || c.id === contactId);

  let clientHint: string | undefined;
  if (matches.isError) clientHint = `Clients could not be loaded: ${messageOf(matches.error)}`;
  else if (matches.data && matches.data.total > clientOptions.length) clientHint = `Showing ${clientOptions.length} of ${matches.data.total} clients; type to narrow them down.`;
  else if (matches.data && deferredSearch && clientOptions.length === 0) clientHint = 'No client matches the search.';

  return (
    <div className="entry-form-row">
      <Field id="entry-form-client" label="Client" error={props.errors.clientId} hint={clientHint}>
        <input
          id="entry-form-client-search"
          type="search"
          value={search}
          placeholder="Search clients"
          aria-label="Search clients"
          aria-controls="entry-form-client"
          onChange={(e) => setSearch(e.target.value)}
        />
        <select
          id="entry-form-client"
          value={clientId ?? ''}
          aria-invalid={Boolean(props.errors.clientId)}
          aria-busy={matches.isFetching}
          onChange={(e) => props.onChange({ clientId: e.target.value || null, contactId: null })}
        >
          <option value="">No client</option>
          {chosenMissing && <option value={clientId}>{chosen.data?.name ?? 'Loading…'}</option>}
          {clientOptions.map((client) => (
            <option key={client.id} value={client.id}>
              {client.name}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id="entry-form-contact"
        label="Contact"
        error={props.errors.contactId}
        hint={contacts.isError ? `Contacts could not be loaded: ${messageOf(contacts.error)}` : clientId ? undefined : 'Choose a client first.'}
      >
        <select
          id="entry-form-contact"
          value={contactId ?? ''}
          disabled={!clientId}
          aria-invalid={Boolean(props.errors.contactId)}
          aria-busy={contacts.isFetching}
          onChange={(e) => props.onChange({ clientId, contactId: e.target.value || null })}
        >
          <option value="">{clientId && contacts.isPending ? 'Loading contacts…' : 'No contact'}</option>
          {contactOptions.map((contact) => (
            <option key={contact.id} value={contact.id}>
              {contact.fullName}
              {contact.isInactive ? ' (inactive)' : ''}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}
