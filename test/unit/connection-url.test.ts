import { parseConnectionUrl, redact, scrub } from '../../lib/connection-url';

test('redact hides passwords in URLs and DB2 CLI strings, wherever they appear', () => {
  expect(redact('failed: mysql://app:p%40ss@db:3306/x and postgres://u:pw@h/d')).toBe('failed: mysql://app:***@db:3306/x and postgres://u:***@h/d');
  expect(redact('DATABASE=BLUDB;HOSTNAME=h;UID=me;PWD=abc;SECURITY=SSL')).toBe('DATABASE=BLUDB;HOSTNAME=h;UID=me;PWD=***;SECURITY=SSL');
  expect(redact('postgres://h/d?user=u&password=secret&ssl=1')).toBe('postgres://h/d?user=u&password=***&ssl=1');
  expect(scrub('driver said: bad password s3cr3t!', ['s3cr3t!'])).toBe('driver said: bad password ***');
});

test('URLs are recognised by scheme', () => {
  expect(parseConnectionUrl('mariadb://root@127.0.0.1/sales', 'source')).toMatchObject({ kind: 'mysql' });
  expect(parseConnectionUrl('postgresql://root@127.0.0.1/warehouse', 'warehouse')).toMatchObject({ kind: 'postgres' });
  expect(parseConnectionUrl('db2://u:p@h:50001/BLUDB?security=SSL', 'warehouse')).toMatchObject({ kind: 'db2', redacted: 'db2://u:***@h:50001/BLUDB?security=SSL' });
  expect(parseConnectionUrl('mysql://root@127.0.0.1:3306', 'source')).toBe('source URL names no database: "mysql://root@127.0.0.1:3306" (add /DBNAME after host:port)');
  expect(parseConnectionUrl('oracle://u@h/db', 'warehouse')).toBe('warehouse URL scheme "oracle:" is not supported (use mysql://, postgres:// or db2://)');
});
