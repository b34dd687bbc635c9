/**
 * Passwords and URL shapes for the redaction tests (unit: test/unit/connection-url.test.ts; built
 * processes: test/functions/bad-input-processes.test.ts).
 */

/**
 * The corpus: passwords holding each of @ : / % # ? ; and a space (alone, in pairs, all at once,
 * and malformed escapes), inside every URL shape a user could type by mistake. Whatever the parse
 * says (a target or a problem), neither it nor any message that quotes the input may carry the
 * password in any spelling.
 */
export const SPECIALS = ['@', ':', '/', '%', '#', '?', ';', ' '];
export function corpusPasswords(): string[] {
  const out = new Set<string>();
  for (const a of SPECIALS) {
    out.add(`Xy${a}Secret9`);
    out.add(`${a}Secret9${a}`);
    for (const b of SPECIALS) out.add(`Pa${a}ss${b}Word7`);
  }
  out.add('a@b:c/d%e#f?g;h i9');
  out.add('Secret%zz9');
  out.add('Secret%4');
  out.add('100%Secret');
  return [...out];
}
export function corpusUrls(password: string): string[] {
  const encoded = encodeURIComponent(password);
  return ['mysql', 'postgres', 'db2']
    .flatMap((scheme) => [
      `${scheme}://root:${password}@127.0.0.1:1/db`,
      `${scheme}://root:${encoded}@127.0.0.1:1/db`,
      `${scheme}//root:${password}@127.0.0.1:1/db`,
      `${scheme}:/root:${password}@127.0.0.1:1/db`,
      `${scheme}:root:${password}@127.0.0.1:1/db`,
      `${scheme}://root:${password}@127.0.0.1:1`,
      `${scheme}://root:${password}`,
      `${scheme}://root:${password}@127.0.0.1:99999/db`,
    ])
    .concat(password.includes(';') ? [] : [`DATABASE=db;HOSTNAME=127.0.0.1;PORT=1;UID=root;PWD=${password};`]);
}
/** Every way the password could be printed: as typed, decoded, encoded. */
export function spellingsOf(password: string): string[] {
  const out = new Set([password, encodeURIComponent(password), encodeURI(password)]);
  try {
    out.add(decodeURIComponent(password));
  } catch {
    // not an escape sequence: only the typed form exists
  }
  return [...out].filter((s) => s.length >= 4);
}

/** The inputs the hostile run found, as warehouse URLs, each with its password. */
export function badWarehouses(
  database: string,
): Array<{ label: string; url: string; password: string; table?: string; message: RegExp }> {
  return [
    {
      label: 'no "://"',
      url: 'mysql//root:S3cr3tPW@host/db',
      password: 'S3cr3tPW',
      message: /^warehouse URL is not a URL: a ":" is missing after "mysql"/,
    },
    {
      label: 'one slash',
      url: 'mysql:/root:S3cr3tPW@host/db',
      password: 'S3cr3tPW',
      message: /^warehouse URL has no host/,
    },
    {
      label: 'no slashes',
      url: 'postgres:root:S3cr3tPW@host/db',
      password: 'S3cr3tPW',
      message: /^warehouse URL has no host/,
    },
    {
      label: 'unencoded @ in the password, echoed by the missing-table refusal',
      url: `postgres://root:Xy@Secret9@127.0.0.1:5432/${database}`,
      password: 'Xy@Secret9',
      table: 'sales_data:no_such_table',
      message:
        /^table sales_data:no_such_table: warehouse table no_such_table not found in postgres:\/\/root:\*\*\*@127\.0\.0\.1:5432\//,
    },
    {
      label: 'malformed %-escape',
      url: `postgres://root:ab%zzSecret9@127.0.0.1:5432/${database}`,
      password: 'ab%zzSecret9',
      message: /^warehouse URL's password has a "%" that does not start a valid escape/,
    },
    {
      label: 'db2: without the driver',
      url: 'db2://root:S3cr3tPW@127.0.0.1:50000/BLUDB',
      password: 'S3cr3tPW',
      message: /^DB2 driver missing: /,
    },
    {
      label: 'MySQL warehouse on a closed port',
      url: 'mysql://root:S3cr3tPW@127.0.0.1:1/x',
      password: 'S3cr3tPW',
      message: /^warehouse at 127\.0\.0\.1:1 refused the connection/,
    },
    {
      label: 'sslrootcert that is not there',
      url: `postgres://root:S3cr3tPW@127.0.0.1:5432/${database}?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem`,
      password: 'S3cr3tPW',
      message:
        /^warehouse postgres:\/\/root:\*\*\*@127\.0\.0\.1:5432\/\S+ could not be opened: ENOENT: .*'\/nonexistent\/ca\.pem' \(a file the URL names, e\.g\. sslrootcert/,
    },
  ];
}
