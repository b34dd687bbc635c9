/**
 * What parseConnectionUrl says about each shape of text that is not a usable URL (the words that
 * tell a user what to fix, quoting none of the text), and how a good URL is printed.
 */
import { parseConnectionUrl } from '../../lib/connection-url';
import { forgetSecrets } from '../../lib/redact';

beforeEach(() => forgetSecrets());

const HIDDEN = 'the value is not shown, as it may hold a password';
const EXAMPLE = 'e.g. mysql://user@host:3306/db, with :password after the user';
const notAUrl = (hint: string) => `source URL is not a URL${hint} (expected ${EXAMPLE}; ${HIDDEN})`;
const noHost = (scheme: string) =>
  `source URL has no host: write "//" after "${scheme}", then user, password, host, port and database (${EXAMPLE}; ${HIDDEN})`;
const badEscape = (part: string) =>
  `source URL's ${part} has a "%" that does not start a valid escape: write a literal % as %25 (and @ : / ? # as %40 %3A %2F %3F %23)`;

test.each([
  ['no scheme', '127.0.0.1:3306/db', notAUrl(': it must start with a scheme such as mysql://')],
  ['a scheme not starting with a letter', '1mysql://h/d', notAUrl(': it must start with a scheme such as mysql://')],
  ['a word alone', 'localhost', notAUrl(': it must start with a scheme such as mysql://')],
  ['a space in the scheme', 'x y://h/d', notAUrl(': it must start with a scheme such as mysql://')],
  ['no colon after the scheme', 'mysql//root:pw@h/db', notAUrl(': a ":" is missing after "mysql" (write mysql://…)')],
  ['one slash after a scheme the URL parser treats as special', 'http:/h:99x/d', notAUrl(': write "//" after "http:"')],
  [
    'a port that is not digits',
    'mysql://h:99x/db',
    notAUrl(': check the port (digits only) and that an @ : / ? # in the password is written %40 %3A %2F %3F %23'),
  ],
  ['one slash', 'mysql:/u@h:x/db', noHost('mysql:')],
  ['no slash', 'mysql:h/db', noHost('mysql:')],
  ['three slashes', 'postgres:///db', noHost('postgres:')],
  [
    'an unsupported scheme',
    'foo://h/d',
    'source URL scheme "foo:" is not supported (use mysql://, postgres:// or db2://)',
  ],
  [
    'an unsupported scheme with + in it',
    'ab+c://h/d',
    'source URL scheme "ab+c:" is not supported (use mysql://, postgres:// or db2://)',
  ],
  [
    'an unsupported scheme too long to quote',
    `${'a'.repeat(25)}://h/d`,
    'source URL scheme is not supported (use mysql://, postgres:// or db2://)',
  ],
  ['a bad escape in the password', 'postgres://u:a%zz@h/d', badEscape('password')],
  ['a bad escape in the user', 'postgres://u%zz@h/d', badEscape('user name')],
  ['a bad escape in the database', 'postgres://h/d%zz', badEscape('database name')],
  [
    'no database',
    'mysql://u:pw@h',
    'source URL names no database: "mysql://u:***@h" (add /DBNAME after host:port; a # or ? in the password must be written %23 or %3F)',
  ],
])('%s', (_shape, text, message) => {
  expect(parseConnectionUrl(text, 'source')).toBe(message);
});

test('a DB2 URL with a query parameter DB2 does not take is refused; a keyword is passed on', () => {
  expect(parseConnectionUrl('db2://u:pw@h:50000/BLUDB?Bogus=1', 'warehouse')).toMatch(
    /^warehouse URL query parameter "Bogus" is not a DB2 CLI keyword/,
  );
  expect(parseConnectionUrl('db2://u:pw@h:50000/BLUDB?security=SSL', 'warehouse')).toEqual({
    kind: 'db2',
    url: 'db2://u:pw@h:50000/BLUDB?security=SSL',
    redacted: 'db2://u:***@h:50000/BLUDB?security=SSL',
  });
  // The same parameter on another database is that driver's business.
  expect(parseConnectionUrl('postgres://u@h/d?Bogus=1', 'warehouse')).toEqual({
    kind: 'postgres',
    url: 'postgres://u@h/d?Bogus=1',
    redacted: 'postgres://u@h/d?Bogus=1',
  });
});

test('printed without the password: user and password, password alone, neither', () => {
  expect(parseConnectionUrl('mysql://u:pw@h:3306/db', 'source')).toMatchObject({ redacted: 'mysql://u:***@h:3306/db' });
  expect(parseConnectionUrl('mysql://:pw@h/db', 'source')).toMatchObject({ redacted: 'mysql://:***@h/db' });
  expect(parseConnectionUrl('mysql://u@h/db', 'source')).toMatchObject({ redacted: 'mysql://u@h/db' });
  expect(parseConnectionUrl('mysql://h/db', 'source')).toMatchObject({ redacted: 'mysql://h/db' });
  expect(parseConnectionUrl('mariadb://h/db', 'source')).toMatchObject({ kind: 'mysql' });
  expect(parseConnectionUrl('postgresql://h/db', 'source')).toMatchObject({ kind: 'postgres' });
});

test("a DB2 CLI string may have spaces around its first keyword's =", () => {
  expect(parseConnectionUrl('DATABASE = BLUDB;HOSTNAME=h;PWD=abc', 'warehouse')).toMatchObject({
    kind: 'db2',
    redacted: 'DATABASE = BLUDB;HOSTNAME=h;PWD=***',
  });
  expect(parseConnectionUrl('UID=me; HOSTNAME = h;PWD=abc', 'warehouse')).toMatchObject({ kind: 'db2' });
});
