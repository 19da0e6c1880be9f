// The table of contacts, shared by the contacts page and a client's contacts section.
import type { ReactNode } from 'react';
import type { Contact } from '../api/types.ts';

const dash = <span className="muted">—</span>;

export function ContactsTable(props: {
  /** The table's id; row controls are `${idPrefix}-edit-<id>` and so on. */
  id: string;
  idPrefix: string;
  contacts: Contact[];
  /** A Client column, where the table mixes clients. */
  client?: (contact: Contact) => ReactNode;
  onEdit: (contact: Contact) => void;
  onDelete: (contact: Contact) => void;
}) {
  const { idPrefix } = props;
  return (
    <div className="record-scroll">
      <table id={props.id} className="record-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            {props.client && <th scope="col">Client</th>}
            <th scope="col">Job title</th>
            <th scope="col">Email</th>
            <th scope="col">Phone</th>
            <th scope="col">
              <span className="record-sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.contacts.map((contact) => (
            <tr key={contact.id} className={contact.isInactive ? 'record-inactive' : undefined}>
              <td>
                {contact.fullName}
                {contact.isInactive && <span className="record-badge">Inactive</span>}
              </td>
              {props.client && <td>{props.client(contact)}</td>}
              <td>{contact.jobTitle ?? dash}</td>
              <td>
                {contact.email ? (
                  <a id={`${idPrefix}-email-${contact.id}`} href={`mailto:${contact.email}`}>
                    {contact.email}
                  </a>
                ) : (
                  dash
                )}
              </td>
              <td>{contact.phone ?? dash}</td>
              <td className="record-row-actions">
                <button id={`${idPrefix}-edit-${contact.id}`} type="button" onClick={() => props.onEdit(contact)} aria-label={`Edit ${contact.fullName}`}>
                  Edit
                </button>
                <button id={`${idPrefix}-delete-${contact.id}`} type="button" onClick={() => props.onDelete(contact)} aria-label={`Delete ${contact.fullName}`}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
