// The profile form in its "New Microsoft profile" and "Edit profile" dialogs. The client secret
// is write-only: the edit form never shows it, and leaving it empty keeps the stored one.
import { useState, type FormEvent } from 'react';
import { Dialog } from '../../../components/Dialog.tsx';
import { Field } from '../../../components/states.tsx';
import { errorAria, formErrorsOf } from '../../../lib/form-errors.ts';
import { useCreateProfile, useUpdateProfile } from '../api/profile-mutations.ts';
import type { MicrosoftProfile, ProfileInput, ProfilePatch } from '../api/types.ts';

const FIELDS = ['displayName', 'clientId', 'authorityTenant', 'clientSecret'] as const;

export function NewProfileDialog(props: { open: boolean; onClose: () => void }) {
  const create = useCreateProfile();
  return (
    <Dialog id="profile-form" title="New Microsoft profile" open={props.open} onClose={props.onClose}>
      <ProfileForm
        initial={{ displayName: '', clientId: '', authorityTenant: 'common' }}
        hasSecret={false}
        submitLabel="Create profile"
        pending={create.isPending}
        error={create.error}
        onSubmit={(input) => create.mutate(input as ProfileInput, { onSuccess: props.onClose })}
        onCancel={props.onClose}
      />
    </Dialog>
  );
}

export function EditProfileDialog(props: { profile: MicrosoftProfile; onClose: () => void }) {
  const update = useUpdateProfile(props.profile.id);
  return (
    <Dialog id="profile-form" title={`Edit ${props.profile.displayName}`} open onClose={props.onClose}>
      <ProfileForm
        initial={props.profile}
        hasSecret={props.profile.hasClientSecret}
        submitLabel="Save changes"
        pending={update.isPending}
        error={update.error}
        onSubmit={(patch) => update.mutate(patch, { onSuccess: props.onClose })}
        onCancel={props.onClose}
      />
    </Dialog>
  );
}

function ProfileForm(props: {
  initial: Omit<ProfileInput, 'clientSecret'>;
  hasSecret: boolean;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (input: ProfilePatch) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState({ ...props.initial, clientSecret: '' });
  const errors = formErrorsOf(props.error, (field, message) => ((FIELDS as readonly string[]).includes(field) ? [field, message] : null));
  const set = (field: keyof typeof values) => (e: { target: { value: string } }) => setValues({ ...values, [field]: e.target.value });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const { clientSecret, ...rest } = values;
    // An empty secret on edit keeps the stored one; on create the API says it is required.
    props.onSubmit(clientSecret || !props.hasSecret ? { ...rest, clientSecret } : rest);
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <Field id="profile-form-name" label="Display name" error={errors.fields.displayName}>
        <input id="profile-form-name" value={values.displayName} onChange={set('displayName')} autoFocus autoComplete="off" maxLength={100} {...errorAria('profile-form-name', errors.fields.displayName)} />
      </Field>
      <Field id="profile-form-client-id" label="Application (client) ID" hint="From the app registration's Overview page in Azure." error={errors.fields.clientId}>
        <input
          id="profile-form-client-id"
          value={values.clientId}
          onChange={set('clientId')}
          autoComplete="off"
          spellCheck={false}
          placeholder="00000000-0000-0000-0000-000000000000"
          {...errorAria('profile-form-client-id', errors.fields.clientId)}
        />
      </Field>
      <Field id="profile-form-authority" label="Directory (tenant)" hint='"common" for a multi-tenant app, or your directory ID or domain.' error={errors.fields.authorityTenant}>
        <input id="profile-form-authority" value={values.authorityTenant} onChange={set('authorityTenant')} autoComplete="off" spellCheck={false} {...errorAria('profile-form-authority', errors.fields.authorityTenant)} />
      </Field>
      <Field
        id="profile-form-secret"
        label="Client secret"
        hint={props.hasSecret ? 'A secret is stored. Leave empty to keep it, or enter a new one to replace it.' : 'Stored encrypted; it is never shown again.'}
        error={errors.fields.clientSecret}
      >
        <input id="profile-form-secret" type="password" value={values.clientSecret} onChange={set('clientSecret')} autoComplete="new-password" {...errorAria('profile-form-secret', errors.fields.clientSecret)} />
      </Field>
      {errors.general && (
        <p id="profile-form-error" role="alert" className="error">
          {errors.general}
        </p>
      )}
      <div className="actions">
        <button id="profile-form-cancel" type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button id="profile-form-submit" type="submit" className="primary" disabled={props.pending}>
          {props.pending ? 'Saving…' : props.submitLabel}
        </button>
      </div>
    </form>
  );
}
