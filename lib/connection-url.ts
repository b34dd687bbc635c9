/** Connection URLs: which database a URL names, and how to print it without its password. */

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

/** Parses a connection URL; returns a problem description instead of throwing. */
export function parseConnectionUrl(text: string, role: string): ConnectionTarget | string {
  if (isDb2CliString(text)) return { kind: 'db2', url: text, redacted: redact(text) };
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return `${role} URL is not a URL: "${redact(text)}" (expected e.g. mysql://user@host:3306/db)`;
  }
  const kind = SCHEMES[parsed.protocol];
  if (!kind) {
    return `${role} URL scheme "${parsed.protocol}" is not supported (use mysql://, postgres:// or db2://)`;
  }
  if (!parsed.hostname) return `${role} URL has no host: "${redact(text)}"`;
  if (parsed.pathname.replace(/^\//, '') === '') {
    return `${role} URL names no database: "${redact(text)}" (add /DBNAME after host:port)`;
  }
  return { kind, url: text, redacted: redact(text) };
}

/** Removes passwords from URLs and DB2 CLI strings found anywhere in `text`. */
export function redact(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@')
    .replace(/((?:^|;)\s*PWD\s*=)[^;]*/gi, '$1***')
    .replace(/((?:\?|&)password=)[^&\s]*/gi, '$1***');
}

/** Removes every occurrence of the given secrets from `text` (for driver messages that echo them). */
export function scrub(text: string, secrets: Iterable<string>): string {
  let out = redact(text);
  for (const secret of secrets) {
    if (secret.length >= 3) out = out.split(secret).join('***');
  }
  return out;
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
