// What a person does on the emulator's consent page, done with fetch: open the authorize URL, fill in
// the account, press Accept or Cancel, and read where the page sends the browser. Tests of product
// code use it to complete an auth-code sign-in without a browser.

export interface ConsentResult {
  /** The redirect target (the app's redirect URI with code/state or error). */
  location: string;
  params: URLSearchParams;
  status: number;
  /** The page's HTML when it did not redirect (an error shown to the person). */
  html?: string;
}

/** Hidden inputs of the consent form, as a browser would submit them. */
function hiddenFields(html: string): URLSearchParams {
  const fields = new URLSearchParams();
  const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields.append(unescape(match[1]), unescape(match[2]));
  return fields;
}

export async function completeConsent(authorizeUrl: string, options: { login?: string; action?: 'accept' | 'cancel' } = {}): Promise<ConsentResult> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  if (page.status !== 200) {
    const location = page.headers.get('location') ?? '';
    return { location, params: location ? new URL(location).searchParams : new URLSearchParams(), status: page.status, html: location ? undefined : await page.text() };
  }
  const form = hiddenFields(await page.text());
  // The page prefills the account from login_hint, as the real one does.
  form.set('login', options.login ?? form.get('login_hint') ?? '');
  form.set('action', options.action ?? 'accept');
  const target = new URL(authorizeUrl);
  target.search = '';
  const submitted = await fetch(target, { method: 'POST', body: form, redirect: 'manual' });
  const location = submitted.headers.get('location') ?? '';
  if (!location) return { location, params: new URLSearchParams(), status: submitted.status, html: await submitted.text() };
  const url = new URL(location);
  return { location, params: url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams, status: submitted.status };
}
