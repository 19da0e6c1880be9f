// The contact form on a client's page: the client is fixed to the one being viewed.
import { useState, type FormEvent } from 'react';
import { Dialog } from '../../../components/Dialog.tsx';
import { Field } from '../../../components/states.tsx';
import { useCreateClientContact } from '../api/create-client-contact.ts';
import { useUpdateClientContact } from '../api/update-client-contact.ts';
import type { Client, ClientContact, ClientContactInput } from '../api/types.ts';
import { errorAria, formErrorsOf } from '../../../lib/form-errors.ts';

const ID = 'client-contact-form';
const FIELDS = ['fullName', 'email', 'phone', 'jobTitle', 'isInactive'];

/** `contact` null: a new contact for `client`. */
export function ClientContactFormDialog(props: { open: boolean; client: Client; contact: ClientContact | null; onClose: () => void }) {
  return (
    <Dialog id={ID} title={props.contact ? 'Edit contact' : 'New contact'} open={props.open} onClose={props.onClose}>
      {props.contact ? (
        <EditContactForm key={props.contact.id} client={props.client} contact={props.contact} onClose={props.onClose} />
      ) : (
        <NewContactForm client={props.client} onClose={props.onClose} />
      )}
    </Dialog>
  );
}

function NewContactForm(props: { client: Client; onClose: () => void }) {
  const create = useCreateClientContact(props.client.id);
  return (
    <ContactForm
      client={props.client}
      initial={{ fullName: '', email: null, phone: null, jobTitle: null, isInactive: false }}
      submitLabel="Create contact"
      pending={create.isPending}
      error={create.error}
      onSubmit={(input) => create.mutate(input, { onSuccess: props.onClose })}
      onCancel={props.onClose}
    />
  );
}

function EditContactForm(props: { client: Client; contact: ClientContact; onClose: () => void }) {
  const update = useUpdateClientContact(props.contact.id);
  return (
    <ContactForm
      client={props.client}
      initial={props.contact}
      submitLabel="Save changes"
      pending={update.isPending}
      error={update.error}
      onSubmit={(input) => update.mutate(input, { onSuccess: props.onClose })}
      onCancel={props.onClose}
    />
  );
}

const orNull = (text: string) => text.trim() || null;

function ContactForm(props: {
  client: Client;
  initial: ClientContactInput;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (input: ClientContactInput) => void;
  onCancel: () => void;
}) {
  const [fullName, setFullName] = useState(props.initial.fullName);
  const [email, setEmail] = useState(props.initial.email ?? '');
  const [phone, setPhone] = useState(props.initial.phone ?? '');
  const [jobTitle, setJobTitle] = useState(props.initial.jobTitle ?? '');
  const [isInactive, setIsInactive] = useState(props.initial.isInactive);
  const errors = formErrorsOf(props.error, (field, message) => (FIELDS.includes(field) ? [field, message] : null));

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    props.onSubmit({ fullName: fullName.trim(), email: orNull(email), phone: orNull(phone), jobTitle: orNull(jobTitle), isInactive });
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <Field id={`${ID}-client`} label="Client">
        <input id={`${ID}-client`} className="record-readonly" value={props.client.name} readOnly />
      </Field>
      <Field id={`${ID}-full-name`} label="Full name" error={errors.fields.fullName}>
        <input
          id={`${ID}-full-name`}
          value={fullName}
          onChange={(e) => setFullName(e.target.value)}
          autoFocus
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
      {errors.general && (
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
