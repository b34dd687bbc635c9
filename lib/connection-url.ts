/** Connection URLs: which database a URL names, and how to print it without its password. */

import { redact, rememberSecrets } from './redact';
import { db2ParameterProblem } from './dialect/db2/db2-keywords';

export type DatabaseKind = 'mysql' | 'postgres' | 'db2';

export interface ConnectionTarget {
  kind: DatabaseKind;
  /** The URL exactly as given (with its password): only ever handed to a driver. */
  url: string;
  /** Safe to print or log. */
  redacted: string;
}

const SCHEMES: Record<string, DatabaseKind> = {
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'db2:': 'db2',
};

/** A raw DB2 CLI string, the course's `db2connect.py` form: `DATABASE=…;HOSTNAME=…;PWD=…;`. */
export function isDb2CliString(text: string): boolean {
  return /^\s*[A-Za-z]+\s*=/.test(text) && /(^|;)\s*(DATABASE|HOSTNAME)\s*=/i.test(text);
}

/**
 * Parses a connection URL; returns a problem description instead of throwing. Whatever the text's
 * shape, its password is remembered for redaction before anything else, and a problem never
 * quotes the text: only parts that were parsed and hold no password (scheme, user, host, database).
 */
export function parseConnectionUrl(text: string, role: string): ConnectionTarget | string {
  rememberSecrets(text);
  if (isDb2CliString(text)) return { kind: 'db2', url: text, redacted: redact(text) };
  // Not "user:password@host": that shape is masked by redact wherever it appears.
  const example = 'e.g. mysql://user@host:3306/db, with :password after the user';
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return (
      `${role} URL is not a URL${shapeHint(text)} (expected ${example}; the value is not ` +
      `shown, as it may hold a password)`
    );
  }
  const kind = SCHEMES[parsed.protocol];
  if (!kind) {
    const scheme = /^[a-z][a-z0-9+.-]{0,20}:$/i.test(parsed.protocol) ? ` "${parsed.protocol}"` : '';
    return `${role} URL scheme${scheme} is not supported (use mysql://, postgres:// or db2://)`;
  }
  if (!parsed.hostname || !text.slice(parsed.protocol.length).startsWith('//')) {
    return (
      `${role} URL has no host: write "//" after "${parsed.protocol}", then user, password, ` +
      `host, port and database (${example}; the value is not shown, as it may hold a password)`
    );
  }
  for (const [part, value] of [
    ['user name', parsed.username],
    ['password', parsed.password],
    ['database name', parsed.pathname],
  ] as const) {
    try {
      decodeURIComponent(value);
    } catch {
      return (
        `${role} URL's ${part} has a "%" that does not start a valid escape: write a literal % ` +
        `as %25 (and @ : / ? # as %40 %3A %2F %3F %23)`
      );
    }
  }
  const redacted = safeUrl(parsed);
  if (parsed.pathname.replace(/^\//, '') === '') {
    return (
      `${role} URL names no database: "${redacted}" (add /DBNAME after host:port; a # or ? ` +
      `in the password must be written %23 or %3F)`
    );
  }
  if (kind === 'db2') {
    const problem = db2ParameterProblem(parsed.searchParams);
    if (problem) return problem;
  }
  return { kind, url: text, redacted };
}

/** The URL rebuilt from its parsed parts, with the password and password parameters masked. */
function safeUrl(url: URL): string {
  const userinfo = url.username || url.password ? `${url.username}${url.password ? ':***' : ''}@` : '';
  return redact(`${url.protocol}//${userinfo}${url.host}${url.pathname}${url.search}`);
}

/** What is wrong with the shape of text that is not a URL at all, in words that quote none of it. */
function shapeHint(text: string): string {
  const scheme = /^\s*([a-z][a-z0-9+.-]{0,20})(:?)(\/*)/i.exec(text);
  if (!scheme) return ': it must start with a scheme such as mysql://';
  if (!scheme[2] && scheme[3]) return `: a ":" is missing after "${scheme[1]}" (write ${scheme[1]}://…)`;
  if (!scheme[2]) return `: it must start with a scheme such as mysql://`;
  if (scheme[3].length !== 2) return `: write "//" after "${scheme[1]}:"`;
  return ': check the port (digits only) and that an @ : / ? # in the password is written %40 %3A %2F %3F %23';
}

/** Removes passwords from `text` (see lib/redact.ts): every message passes through it. */
export { redact };

/** Removes every occurrence of the given secrets from `text` (for driver messages that echo them). */
export function scrub(text: string, secrets: Iterable<string>): string {
  // The known secrets first: a PWD they leave masked keeps the rest of the message (see redact).
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 3) out = out.split(secret).join('***');
  }
  return redact(out);
}

/** The password inside a URL or CLI string, so it can be scrubbed from messages. */
export function passwordOf(target: ConnectionTarget): string | undefined {
  if (isDb2CliString(target.url)) return /(?:^|;)\s*PWD\s*=([^;]*)/i.exec(target.url)?.[1];
  try {
    const pw = new URL(target.url).password;
    return pw ? decodeURIComponent(pw) : undefined;
  } catch {
    return undefined;
  }
}
