/** How the MySQL source and warehouse read a table name as written in --table (lib/dialect/mysql/mysql-sql.ts). */
import { isQuoted, unquote } from '../../lib/dialect/mysql/mysql-sql';

test.each([
  ['sales_data', 'sales_data', false],
  ['Sales', 'Sales', false],
  ['"Sales Data"', 'Sales Data', true],
  ['"we""ird"', 'we"ird', true],
  ['""""', '"', true],
  ['"a""""b"', 'a""b', true],
  ['`tick``ed`', 'tick`ed', true],
  ['`say "hi"`', 'say "hi"', true],
  ['"', '"', false],
  ['a"b', 'a"b', false],
])('%s is the table %s (quoted: %s)', (written, name, quoted) => {
  expect(unquote(written)).toBe(name);
  expect(isQuoted(written)).toBe(quoted);
});
