/**
 * Cases that kill mutants of lib/connection-url.ts the original unit tests let live (npm run
 * mutate): the password handed to scrubbing for each URL form, what counts as a DB2 CLI string,
 * and scrub's floor on secret length.
 */
import { isDb2CliString, parseConnectionUrl, passwordOf, scrub, type ConnectionTarget } from '../../lib/connection-url';
import { forgetSecrets } from '../../lib/redact';

beforeEach(() => forgetSecrets());

const target = (url: string) => parseConnectionUrl(url, 'warehouse') as ConnectionTarget;

test('passwordOf: percent-decoded from a URL, as written from a CLI string, none when absent', () => {
  expect(passwordOf(target('postgres://u:p%40ss%3Aw0rd@h:5432/db'))).toBe('p@ss:w0rd');
  expect(passwordOf(target('mysql://u@h/db'))).toBeUndefined();
  expect(passwordOf(target('DATABASE=BLUDB;HOSTNAME=h;UID=me;PWD=s3c;r%20;SECURITY=SSL'))).toBe('s3c');
  expect(passwordOf(target('DATABASE=BLUDB;HOSTNAME=h; pwd = Tail'))).toBe(' Tail');
  expect(passwordOf(target('PWD=first;DATABASE=BLUDB;HOSTNAME=h'))).toBe('first');
  expect(passwordOf(target('DATABASE=BLUDB;HOSTNAME=h;UID=me'))).toBeUndefined();
  expect(passwordOf({ kind: 'postgres', url: 'not a url', redacted: '' })).toBeUndefined();
});

test('a DB2 CLI string starts with KEY= and names DATABASE or HOSTNAME', () => {
  expect(isDb2CliString('DATABASE=BLUDB;')).toBe(true);
  expect(isDb2CliString('  uid = me; hostname=h')).toBe(true);
  expect(isDb2CliString('UID=me;PWD=x')).toBe(false);
  expect(isDb2CliString('db2://u@h/DATABASE=x')).toBe(false);
  expect(isDb2CliString('1X=2;DATABASE=d')).toBe(false);
  expect(isDb2CliString('X=1;XDATABASE=d')).toBe(false);
  expect(target('DATABASE=BLUDB;HOSTNAME=h;PWD=abc').kind).toBe('db2');
});

test(
  'scrub removes secrets of three characters or more, every occurrence; shorter ones ' + 'would eat ordinary text',
  () => {
    expect(scrub('ab and abc and abc', ['ab', 'abc'])).toBe('ab and *** and ***');
    expect(scrub('no secret here', [])).toBe('no secret here');
  },
);

test('a URL without a database or a host is refused, with or without a trailing slash', () => {
  expect(parseConnectionUrl('postgres://u@h/', 'warehouse')).toMatch(
    /^warehouse URL names no database: "postgres:\/\/u@h\/"/,
  );
  expect(parseConnectionUrl('postgres:///db', 'source')).toMatch(/^source URL has no host/);
  expect(target('postgres://u:pw@h:5432/db?sslmode=require')).toEqual({
    kind: 'postgres',
    url: 'postgres://u:pw@h:5432/db?sslmode=require',
    redacted: 'postgres://u:***@h:5432/db?sslmode=require',
  });
});
