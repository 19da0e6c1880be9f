// The contact form, with its client picker, in its "New contact" and "Edit contact" dialogs.
import { useState, type FormEvent } from 'react';
import { Dialog } from '../../../components/Dialog.tsx';
import { Field } from '../../../components/states.tsx';
import { Link } from '../../../lib/router.tsx';
import { useCreateContact } from '../api/create-contact.ts';
import { useClientOptions } from '../api/get-client-options.ts';
import { useUpdateContact } from '../api/update-contact.ts';
import type { Contact, ContactInput } from '../api/types.ts';
import { errorAria, formErrorsOf } from '../../../lib/form-errors.ts';
import { possibleDuplicateOf, PossibleDuplicateWarning } from '../../../components/PossibleDuplicate.tsx';

const ID = 'contact-form';
const FIELDS = ['clientId', 'fullName', 'email', 'phone', 'jobTitle', 'isInactive'];

/** A client the form is fixed to (on that client's page) instead of offering a picker. */
export interface FixedClient {
  id: string;
  name: string;
}

/** `contact` null: a new contact. */
export function ContactFormDialog(props: { open: boolean; contact: Contact | null; client?: FixedClient; onClose: () => void }) {
  return (
    <Dialog id={ID} title={props.contact ? 'Edit contact' : 'New contact'} open={props.open} onClose={props.onClose}>
      {props.contact ? (
        <EditContactForm key={props.contact.id} contact={props.contact} client={props.client} onClose={props.onClose} />
      ) : (
        <NewContactForm client={props.client} onClose={props.onClose} />
      )}
    </Dialog>
  );
}

function NewContactForm(props: { client?: FixedClient; onClose: () => void }) {
  const create = useCreateContact();
  return (
    <ContactForm
      client={props.client}
      initial={{ clientId: props.client?.id ?? '', fullName: '', email: null, phone: null, jobTitle: null, isInactive: false }}
      submitLabel="Create contact"
      confirmLabel="Create anyway"
      pending={create.isPending}
      error={create.error}
      onSubmit={(input, confirm) => create.mutate({ input, confirm }, { onSuccess: props.onClose })}
      onCancel={props.onClose}
    />
  );
}

function EditContactForm(props: { contact: Contact; client?: FixedClient; onClose: () => void }) {
  const update = useUpdateContact(props.contact.id);
  return (
    <ContactForm
      client={props.client}
      initial={props.contact}
      submitLabel="Save changes"
      confirmLabel="Save anyway"
      pending={update.isPending}
      error={update.error}
      onSubmit={(patch, confirm) => update.mutate({ patch, confirm }, { onSuccess: props.onClose })}
      onCancel={props.onClose}
    />
  );
}

const orNull = (text: string) => text.trim() || null;

function ContactForm(props: {
  client?: FixedClient;
  initial: ContactInput;
  submitLabel: string;
  /** The button of the possible-duplicate warning that saves anyway. */
  confirmLabel: string;
  pending: boolean;
  error: unknown;
  /** `confirm`: the user saw the possible-duplicate warning and saves anyway. */
  onSubmit: (input: ContactInput, confirm: boolean) => void;
  onCancel: () => void;
}) {
  const [clientId, setClientId] = useState(props.initial.clientId);
  const [fullName, setFullName] = useState(props.initial.fullName);
  const [email, setEmail] = useState(props.initial.email ?? '');
  const [phone, setPhone] = useState(props.initial.phone ?? '');
  const [jobTitle, setJobTitle] = useState(props.initial.jobTitle ?? '');
  const [isInactive, setIsInactive] = useState(props.initial.isInactive);
  // The API's message for an empty client id ("must be a valid client id") reads oddly; say it here.
  const [clientMissing, setClientMissing] = useState(false);
  const errors = formErrorsOf(props.error, (field, message) => (FIELDS.includes(field) ? [field, message] : null));
  const clientError = clientMissing ? 'Choose a client' : errors.fields.clientId;
  const duplicate = possibleDuplicateOf(props.error);

  function submit(confirm: boolean) {
    setClientMissing(!clientId);
    if (!clientId) return;
    props.onSubmit({ clientId, fullName: fullName.trim(), email: orNull(email), phone: orNull(phone), jobTitle: orNull(jobTitle), isInactive }, confirm);
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    submit(false);
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <Field id={`${ID}-client`} label="Client" error={clientError}>
        {props.client ? (
          <input id={`${ID}-client`} className="record-readonly" value={props.client.name} readOnly />
        ) : (
          <ClientPicker
            value={clientId}
            onChange={(id) => {
              setClientId(id);
              setClientMissing(false);
            }}
            error={clientError}
          />
        )}
      </Field>
      <Field id={`${ID}-full-name`} label="Full name" error={errors.fields.fullName}>
        <input
          id={`${ID}-full-name`}
          value={fullName}
          onChange={(e) => setFullName(e.target.value)}
          autoComplete="off"
          maxLength={200}
          {...errorAria(`${ID}-full-name`, errors.fields.fullName)}
        />
      </Field>
      <Field id={`${ID}-email`} label="Email" error={errors.fields.email}>
        <input
          id={`${ID}-email`}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          {...errorAria(`${ID}-email`, errors.fields.email)}
        />
      </Field>
      <Field id={`${ID}-phone`} label="Phone" error={errors.fields.phone}>
        <input
          id={`${ID}-phone`}
          type="tel"
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
          autoComplete="off"
          maxLength={50}
          {...errorAria(`${ID}-phone`, errors.fields.phone)}
        />
      </Field>
      <Field id={`${ID}-job-title`} label="Job title" error={errors.fields.jobTitle}>
        <input
          id={`${ID}-job-title`}
          value={jobTitle}
          onChange={(e) => setJobTitle(e.target.value)}
          autoComplete="off"
          maxLength={200}
          {...errorAria(`${ID}-job-title`, errors.fields.jobTitle)}
        />
      </Field>
      <div className="field record-checkbox">
        <input id={`${ID}-inactive`} type="checkbox" checked={isInactive} onChange={(e) => setIsInactive(e.target.checked)} />
        <label htmlFor={`${ID}-inactive`}>Inactive (kept for history, hidden from the default contact list)</label>
        {errors.fields.isInactive && (
          <small id={`${ID}-inactive-error`} role="alert" className="error">
            {errors.fields.isInactive}
          </small>
        )}
      </div>
      {duplicate && (
        <PossibleDuplicateWarning
          id={`${ID}-duplicate`}
          duplicate={duplicate}
          confirmLabel={props.confirmLabel}
          pending={props.pending}
          onOpen={props.onCancel}
          onConfirm={() => submit(true)}
        />
      )}
      {errors.general && !duplicate && (
        <p id={`${ID}-error`} role="alert" className="error">
          {errors.general}
        </p>
      )}
      <div className="actions">
        <button id={`${ID}-cancel`} type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button id={`${ID}-submit`} type="submit" className="primary" disabled={props.pending}>
          {props.pending ? 'Saving…' : props.submitLabel}
        </button>
      </div>
    </form>
  );
}

function ClientPicker(props: { value: string; onChange: (clientId: string) => void; error?: string }) {
  const clients = useClientOptions();
  const id = `${ID}-client`;
  if (clients.isError) {
    return (
      <div className="record-inline-error">
        <select id={id} disabled>
          <option>Clients could not be loaded</option>
        </select>
        <button id={`${id}-retry`} type="button" onClick={() => void clients.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  const options = clients.data?.items ?? [];
  if (clients.isSuccess && options.length === 0) {
    return (
      <p className="muted">
        <select id={id} disabled>
          <option>No clients</option>
        </select>{' '}
        Create a client first on the{' '}
        <Link id={`${id}-create-link`} to="/clients">
          Clients page
        </Link>
        .
      </p>
    );
  }
  // A contact's client beyond the loaded page still needs an option to stay selected.
  const missing = props.value && clients.isSuccess && !options.some((c) => c.id === props.value);
  return (
    <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value)} disabled={clients.isPending} {...errorAria(id, props.error)}>
      <option value="">{clients.isPending ? 'Loading clients…' : 'Choose a client…'}</option>
      {missing && <option value={props.value}>Current client</option>}
      {options.map((client) => (
        <option key={client.id} value={client.id}>
          {client.name}
        </option>
      ))}
    </select>
  );
}
