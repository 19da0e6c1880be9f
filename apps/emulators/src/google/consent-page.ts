// The HTML a person sees at the emulator's accounts.google.com: choose or type an account, then Allow
// or Deny. Every control has an id so browser tests can click it. The request's parameters travel as
// hidden fields, so the decision POST is self-contained.
import type { GoogleAccount } from './oauth-store.js';

const escape = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
body{font-family:system-ui,sans-serif;background:#f1f3f4;margin:0;display:flex;justify-content:center}
main{background:#fff;border:1px solid #dadce0;border-radius:8px;padding:32px 40px;margin-top:48px;max-width:460px;width:100%}
h1{font-size:22px;font-weight:400}.note{color:#5f6368;font-size:13px}.error{color:#d93025}
label{display:block;margin:8px 0}input[type=email]{width:100%;padding:8px;box-sizing:border-box}
.buttons{display:flex;gap:12px;justify-content:flex-end;margin-top:24px}
button{padding:8px 20px;border-radius:4px;border:1px solid #dadce0;background:#fff;cursor:pointer}
button#allow-button{background:#1a73e8;color:#fff;border-color:#1a73e8}
</style></head><body><main>${body}</main></body></html>`;

export interface ConsentView {
  clientName: string;
  scopes: string[];
  accounts: GoogleAccount[];
  loginHint?: string;
  /** The original authorization request parameters, re-posted with the decision. */
  params: Record<string, string>;
  error?: string;
}

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Associate you with your personal info on Google',
  email: 'See your primary Google Account email address',
  profile: 'See your personal info, including any personal info you’ve made publicly available',
  'https://www.googleapis.com/auth/calendar': 'See, edit, share, and permanently delete all the calendars you can access using Google Calendar',
  'https://www.googleapis.com/auth/calendar.events': 'View and edit events on all your calendars',
  'https://www.googleapis.com/auth/calendar.readonly': 'See and download any calendar you can access using your Google Calendar',
  'https://www.googleapis.com/auth/userinfo.email': 'See your primary Google Account email address',
};

export function consentPage(view: ConsentView): string {
  const hint = view.loginHint?.toLowerCase();
  const known = view.accounts.some((a) => a.email === hint);
  const accounts = view.accounts
    .map(
      (a, i) => `<label for="account-${i}"><input type="radio" id="account-${i}" name="account" value="${escape(a.email)}"${
        a.email === hint || (!hint && i === 0) ? ' checked' : ''
      }> ${escape(a.name)} &lt;${escape(a.email)}&gt;</label>`,
    )
    .join('\n');
  const hidden = Object.entries(view.params)
    .map(([name, value]) => `<input type="hidden" id="param-${escape(name)}" name="${escape(name)}" value="${escape(value)}">`)
    .join('\n');
  const scopes = view.scopes.map((s, i) => `<li id="scope-${i}">${escape(SCOPE_TEXT[s] ?? s)}</li>`).join('');
  return page(
    'Sign in - Google Accounts (emulator)',
    `<h1 id="consent-title">${escape(view.clientName)} wants to access your Google Account</h1>
<p class="note">Google emulator — no real Google account is involved.</p>
${view.error ? `<p class="error" id="consent-error">${escape(view.error)}</p>` : ''}
<form method="post" action="/o/oauth2/v2/auth/decision" id="consent-form">
${hidden}
<fieldset id="account-choice"><legend>Choose an account</legend>
${accounts}
<label for="email-input">Or use another account
<input type="email" id="email-input" name="email" placeholder="name@example.com" value="${hint && !known ? escape(hint) : ''}"></label>
</fieldset>
<p>This will allow ${escape(view.clientName)} to:</p><ul id="scope-list">${scopes}</ul>
<div class="buttons">
<button type="submit" name="decision" value="deny" id="deny-button">Cancel</button>
<button type="submit" name="decision" value="allow" id="allow-button">Allow</button>
</div></form>`,
  );
}

/** Google's "Access blocked" page for a request it will not send back to the app (bad client or redirect). */
export function errorPage(code: number, error: string, detail: string): string {
  return page(
    `Error ${code}: ${error}`,
    `<h1 id="error-title">Access blocked: This app’s request is invalid</h1>
<p id="error-code"><strong>Error ${code}: ${escape(error)}</strong></p><p id="error-detail">${escape(detail)}</p>`,
  );
}
