// Public mail services: nobody's organization owns gmail.com, so such a domain can never be a login
// domain. The list is the `email-providers` package (derhuerst, built from goware/emailproviders,
// ~8,700 domains, regular releases, no install scripts; `free-email-domains` was the other candidate
// but its install script downloads its list, which fails offline). The explicit names below are the
// big ones we refuse even if a release of the package misses one.
import providers from 'email-providers/all.json' with { type: 'json' };

const listed = new Set<string>(providers);

const BIG = new Set(['gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'yahoo.com', 'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me', 'protonmail.com', 'mail.ru']);
/** Services with a domain per country (gmx.de, yandex.ru, hotmail.co.uk, yahoo.co.jp...). */
const FAMILIES = /^(?:gmx|yandex|hotmail|outlook|live|yahoo)\.[a-z]{2,3}(?:\.[a-z]{2})?$/;

export function isPublicMailDomain(domain: string): boolean {
  const d = domain.toLowerCase();
  return listed.has(d) || BIG.has(d) || FAMILIES.test(d);
}
