// /clients: the MSP's clients, searchable by name or domain, a page at a time.
import { useState } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/states.tsx';
import { Link, navigate, useLocation } from '../../../lib/router.tsx';
import { useClients } from '../api/get-clients.ts';
import type { Client, ClientListFilters } from '../api/types.ts';
import { NewClientDialog } from './ClientFormDialog.tsx';
import { Pager } from '../../../components/Pager.tsx';
import { intParam, setSearchParams, useDebouncedSearchParam } from '../../../lib/url-state.ts';

const PAGE_SIZE = 25;

export function ClientsPage() {
  const { search } = useLocation();
  const [searchText, setSearchText] = useDebouncedSearchParam();
  const [creating, setCreating] = useState(false);
  const filters: ClientListFilters = {
    search: (search.get('search') ?? '').trim(),
    limit: intParam(search, 'limit', PAGE_SIZE, 1, 500),
    offset: intParam(search, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };

  return (
    <section id="clients-page" className="record-page" aria-labelledby="clients-title">
      <header className="record-header">
        <h1 id="clients-title">Clients</h1>
        <button id="clients-new" type="button" className="primary" onClick={() => setCreating(true)}>
          New client
        </button>
      </header>
      <div className="record-toolbar" role="search">
        <label htmlFor="clients-search">Search</label>
        <input
          id="clients-search"
          type="search"
          placeholder="Name or domain"
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
          autoComplete="off"
          maxLength={200}
        />
      </div>
      <ClientList filters={filters} />
      <NewClientDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(client) => {
          setCreating(false);
          navigate(`/clients/${client.id}`);
        }}
      />
    </section>
  );
}

function ClientList({ filters }: { filters: ClientListFilters }) {
  const clients = useClients(filters);
  if (clients.isPending) return <Loading id="clients-loading" label="Loading clients…" />;
  if (clients.isError) return <ErrorState id="clients-error" error={clients.error} onRetry={() => void clients.refetch()} />;

  const { items, total } = clients.data;
  const page = (offset: number) => setSearchParams({ offset: offset ? String(offset) : null });
  return (
    <div className={clients.isPlaceholderData ? 'record-list record-stale' : 'record-list'} aria-busy={clients.isFetching}>
      {items.length === 0 ? (
        <EmptyClients filters={filters} total={total} onFirstPage={() => page(0)} />
      ) : (
        <div className="record-scroll">
          <table id="clients-table" className="record-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email domains</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {items.map((client) => (
                <ClientRow key={client.id} client={client} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager id="clients" offset={filters.offset} limit={filters.limit} shown={items.length} total={total} onPage={page} />
    </div>
  );
}

function ClientRow({ client }: { client: Client }) {
  return (
    <tr>
      <td>
        <Link id={`client-link-${client.id}`} to={`/clients/${client.id}`}>
          {client.name}
        </Link>
      </td>
      <td>{client.domains.length ? client.domains.join(', ') : <span className="muted">—</span>}</td>
      <td>
        <time dateTime={client.updatedAt}>{new Date(client.updatedAt).toLocaleDateString()}</time>
      </td>
    </tr>
  );
}

function EmptyClients(props: { filters: ClientListFilters; total: number; onFirstPage: () => void }) {
  if (props.total > 0) {
    // Paged past the end (e.g. after deletions, or an old link).
    return (
      <Empty id="clients-empty">
        Nothing on this page.{' '}
        <button id="clients-first-page" type="button" className="record-inline-button" onClick={props.onFirstPage}>
          Go to the first page
        </button>
      </Empty>
    );
  }
  if (props.filters.search) return <Empty id="clients-empty">No clients match “{props.filters.search}”.</Empty>;
  return <Empty id="clients-empty">No clients yet. Create the first one with “New client”.</Empty>;
}
