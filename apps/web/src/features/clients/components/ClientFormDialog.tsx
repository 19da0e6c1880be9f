// The client form (a name and the email domains the client owns) in its "New client" and "Edit
// client" dialogs.
import { useState, type FormEvent } from 'react';
import { Dialog } from '../../../components/Dialog.tsx';
import { Field } from '../../../components/states.tsx';
import { useCreateClient } from '../api/create-client.ts';
import { useUpdateClient } from '../api/update-client.ts';
import type { Client, ClientInput } from '../api/types.ts';
import { errorAria, formErrorsOf } from '../../../lib/form-errors.ts';
import { possibleDuplicateOf, PossibleDuplicateWarning } from '../../../components/PossibleDuplicate.tsx';

/** "acme.com, acme.co.uk  example.org" → ['acme.com', 'acme.co.uk', 'example.org'] */
export const parseDomains = (text: string) => text.split(/[\s,;]+/).filter(Boolean);

export function NewClientDialog(props: { open: boolean; onClose: () => void; onCreated: (client: Client) => void }) {
  return (
    <Dialog id="client-form" title="New client" open={props.open} onClose={props.onClose}>
      <NewClientForm onClose={props.onClose} onCreated={props.onCreated} />
    </Dialog>
  );
}

function NewClientForm(props: { onClose: () => void; onCreated: (client: Client) => void }) {
  const create = useCreateClient();
  return (
    <ClientForm
      initial={{ name: '', domains: [] }}
      submitLabel="Create client"
      confirmLabel="Create anyway"
      pending={create.isPending}
      error={create.error}
      onSubmit={(input, confirm) => create.mutate({ input, confirm }, { onSuccess: props.onCreated })}
      onCancel={props.onClose}
    />
  );
}

export function EditClientDialog(props: { open: boolean; client: Client; onClose: () => void }) {
  return (
    <Dialog id="client-form" title="Edit client" open={props.open} onClose={props.onClose}>
      <EditClientForm client={props.client} onClose={props.onClose} />
    </Dialog>
  );
}

function EditClientForm(props: { client: Client; onClose: () => void }) {
  const update = useUpdateClient(props.client.id);
  return (
    <ClientForm
      initial={props.client}
      submitLabel="Save changes"
      confirmLabel="Save anyway"
      pending={update.isPending}
      error={update.error}
      onSubmit={(patch, confirm) => update.mutate({ patch, confirm }, { onSuccess: props.onClose })}
      onCancel={props.onClose}
    />
  );
}

function ClientForm(props: {
  initial: ClientInput;
  submitLabel: string;
  /** The button of the possible-duplicate warning that saves anyway. */
  confirmLabel: string;
  pending: boolean;
  error: unknown;
  /** `confirm`: the user saw the possible-duplicate warning and saves anyway. */
  onSubmit: (input: ClientInput, confirm: boolean) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(props.initial.name);
  const [domainsText, setDomainsText] = useState(props.initial.domains.join(', '));
  const [sentDomains, setSentDomains] = useState<string[]>([]);
  // `domains.2`: name the typed domains that are wrong rather than their positions.
  const badDomains: string[] = [];
  const errors = formErrorsOf(props.error, (apiField, message) => {
    if (apiField === 'name' || apiField === 'domains') return [apiField, message];
    const index = /^domains\.(\d+)$/.exec(apiField)?.[1];
    if (index === undefined) return null;
    badDomains.push(sentDomains[Number(index)] ?? `#${Number(index) + 1}`);
    return ['domains', message];
  });
  if (badDomains.length) errors.fields.domains = `${badDomains.join(', ')}: ${errors.fields.domains}`;
  const duplicate = possibleDuplicateOf(props.error);

  function submit(confirm: boolean) {
    const domains = parseDomains(domainsText);
    setSentDomains(domains);
    props.onSubmit({ name: name.trim(), domains }, confirm);
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    submit(false);
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <Field id="client-form-name" label="Name" error={errors.fields.name}>
        <input
          id="client-form-name"
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoFocus
          autoComplete="off"
          maxLength={200}
          {...errorAria('client-form-name', errors.fields.name)}
        />
      </Field>
      <Field id="client-form-domains" label="Email domains" hint="Separate with commas or spaces, e.g. acme.com, acme.co.uk" error={errors.fields.domains}>
        <input
          id="client-form-domains"
          name="domains"
          value={domainsText}
          onChange={(e) => setDomainsText(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          {...errorAria('client-form-domains', errors.fields.domains)}
        />
      </Field>
      {duplicate && (
        <PossibleDuplicateWarning
          id="client-form-duplicate"
          duplicate={duplicate}
          confirmLabel={props.confirmLabel}
          pending={props.pending}
          onOpen={props.onCancel}
          onConfirm={() => submit(true)}
        />
      )}
      {errors.general && !duplicate && (
        <p id="client-form-error" role="alert" className="error">
          {errors.general}
        </p>
      )}
      <div className="actions">
        <button id="client-form-cancel" type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button id="client-form-submit" type="submit" className="primary" disabled={props.pending}>
          {props.pending ? 'Saving…' : props.submitLabel}
        </button>
      </div>
    </form>
  );
}
