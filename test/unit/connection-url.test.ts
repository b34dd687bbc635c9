import { parseConnectionUrl, redact, scrub } from '../../lib/connection-url';
import { oneLine } from '../../lib/errors';
import { forgetSecrets, redactDeep, rememberSecrets } from '../../lib/redact';
import { corpusPasswords, corpusUrls, spellingsOf } from '../support/password-corpus';

beforeEach(() => forgetSecrets());

test('redact hides passwords in URLs and DB2 CLI strings, wherever they appear', () => {
  expect(redact('failed: mysql://app:p%40ss@db:3306/x and postgres://u:pw@h/d')).toBe(
    'failed: mysql://app:***@db:3306/x and postgres://u:***@h/d',
  );
  expect(redact('DATABASE=BLUDB;HOSTNAME=h;UID=me;PWD=abc;SECURITY=SSL')).toBe(
    'DATABASE=BLUDB;HOSTNAME=h;UID=me;PWD=***;SECURITY=SSL',
  );
  expect(redact('postgres://h/d?user=u&password=secret&ssl=1')).toBe('postgres://h/d?user=u&password=***&ssl=1');
  expect(scrub('driver said: bad password s3cr3t!', ['s3cr3t!'])).toBe('driver said: bad password ***');
});

test('by shape alone: a password holding "@" is masked to the last "@", and malformed URLs are masked too', () => {
  expect(redact('at postgres://root:Xy@Secret9@db:5432/w now')).toBe('at postgres://root:***@db:5432/w now');
  expect(redact('mysql//root:S3cr3tPW@host/db')).toBe('mysql//root:***@host/db');
  expect(redact('mysql:/root:S3cr3tPW@host/db')).toBe('mysql:***@host/db');
  expect(redact('postgres:root:S3cr3tPW@host/db')).toBe('postgres:***@host/db');
  expect(redact('(mysql://root@127.0.0.1:3306/db): (postgres://u:pw@h/d)')).toBe(
    '(mysql://root@127.0.0.1:3306/db): (postgres://u:***@h/d)',
  );
  // Not passwords: a user at a host, an e-mail address, a time.
  expect(redact("Access denied for user 'root'@'10.0.0.1' at 12:30")).toBe(
    "Access denied for user 'root'@'10.0.0.1' at 12:30",
  );
});

test('a remembered password is removed in every spelling, also where nothing marks it as one', () => {
  rememberSecrets('postgres://root:Xy%20Secret9@db:5432/w');
  expect(redact('password authentication failed: "Xy Secret9" / Xy%20Secret9')).toBe(
    'password authentication failed: "***" / ***',
  );
  expect(oneLine(new Error('login\nwith Xy Secret9 refused'))).toBe('login with *** refused');
  expect(redactDeep({ ok: false, tables: [{ error: 'pw Xy Secret9' }], n: 3 })).toEqual({
    ok: false,
    tables: [{ error: 'pw ***' }],
    n: 3,
  });
});

test('URLs are recognised by scheme', () => {
  expect(parseConnectionUrl('mariadb://root@127.0.0.1/sales', 'source')).toMatchObject({ kind: 'mysql' });
  expect(parseConnectionUrl('postgresql://root@127.0.0.1/warehouse', 'warehouse')).toMatchObject({ kind: 'postgres' });
  expect(parseConnectionUrl('db2://u:p@h:50001/BLUDB?security=SSL', 'warehouse')).toMatchObject({
    kind: 'db2',
    redacted: 'db2://u:***@h:50001/BLUDB?security=SSL',
  });
  expect(parseConnectionUrl('mysql://root@127.0.0.1:3306', 'source')).toBe(
    'source URL names no database: "mysql://root@127.0.0.1:3306" (add /DBNAME after ' +
      'host:port; a # or ? in the password must be written %23 or %3F)',
  );
  expect(parseConnectionUrl('oracle://u@h/db', 'warehouse')).toBe(
    'warehouse URL scheme "oracle:" is not supported (use mysql://, postgres:// or db2://)',
  );
});

test('malformed URLs are described, never quoted', () => {
  expect(parseConnectionUrl('mysql//root:S3cr3tPW@host/db', 'warehouse')).toBe(
    'warehouse URL is not a URL: a ":" is missing after "mysql" (write mysql://…) ' +
      '(expected e.g. mysql://user@host:3306/db, with :password after the user; the value is ' +
      'not shown, as it may hold a password)',
  );
  expect(parseConnectionUrl('postgres:root:S3cr3tPW@host/db', 'warehouse')).toBe(
    'warehouse URL has no host: write "//" after "postgres:", then user, password, host, ' +
      'port and database (e.g. mysql://user@host:3306/db, with :password after the user; the ' +
      'value is not shown, as it may hold a password)',
  );
  expect(parseConnectionUrl('mysql:/root:S3cr3tPW@host/db', 'source')).toMatch(
    /^source URL has no host: write "\/\/" after "mysql:"/,
  );
});

test(
  'a "%" that starts no valid escape in the password, user or database is refused (not ' + '"URI malformed" later)',
  () => {
    const refusal = (part: string) =>
      `warehouse URL's ${part} has a "%" that does not start a valid escape: write a literal ` +
      `% as %25 (and @ : / ? # as %40 %3A %2F %3F %23)`;
    expect(parseConnectionUrl('postgres://root:ab%zzSecret9@h:5432/w', 'warehouse')).toBe(refusal('password'));
    expect(parseConnectionUrl('postgres://root:ab%ffSecret9@h:5432/w', 'warehouse')).toBe(refusal('password')); // valid hex, not UTF-8
    expect(parseConnectionUrl('postgres://ro%2root@h:5432/w', 'warehouse')).toBe(refusal('user name'));
    expect(parseConnectionUrl('postgres://root@h:5432/w%', 'warehouse')).toBe(refusal('database name'));
    expect(parseConnectionUrl('postgres://root:ab%25Secret9@h:5432/w', 'warehouse')).toMatchObject({
      kind: 'postgres',
      redacted: 'postgres://root:***@h:5432/w',
    });
  },
);

test(
  'generated corpus: no password survives parsing, the problem line, the redacted URL or ' +
    'a message quoting the input',
  () => {
    let cases = 0;
    for (const password of corpusPasswords()) {
      for (const url of corpusUrls(password)) {
        forgetSecrets();
        const parsed = parseConnectionUrl(url, 'warehouse');
        const shown = typeof parsed === 'string' ? parsed : parsed.redacted;
        // A driver or an argument error that echoes the whole input, as the found defects did.
        const echoed = [oneLine(new Error(`connect ECONNREFUSED for "${url}"`)), redact(`unknown argument ${url}`)];
        for (const text of [shown, ...echoed]) {
          for (const spelling of spellingsOf(password)) {
            if (text.includes(spelling))
              throw new Error(`password ${JSON.stringify(password)} of ${JSON.stringify(url)} leaked: ${text}`);
          }
        }
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(1500);
  },
);

test(
  'a PWD already masked as a remembered password keeps the rest of the message; an ' +
    'unknown one is masked to the next ;',
  () => {
    rememberSecrets('db2://u:hunter2@h:50000/DB');
    expect(redact('login for PWD=hunter2 failed SQLSTATE=08001')).toBe('login for PWD=*** failed SQLSTATE=08001');
    expect(redact('login for PWD=other secret failed')).toBe('login for PWD=***');
    expect(redact('UID=u;PWD=other secret;HOST=h')).toBe('UID=u;PWD=***;HOST=h');
  },
);
