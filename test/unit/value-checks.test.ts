/** Which columns need their values looked at before writing, and what counts as a failing value. */
import type { Column, ColumnPair, ColumnType } from '../../lib/columns';
import { failedCheckMessage, failsCheck, valueChecks } from '../../lib/value-checks';

const col = (name: string, sqlType: string, type: ColumnType): Column => ({
  name,
  sqlType,
  type,
  nullable: true,
  hasDefault: false,
});
const pair = (source: Column, warehouse: Column): ColumnPair => ({ source, warehouse });
const mysqlText = col('note', 'varchar(20)', { kind: 'text', maxChars: 20, maxBytes: 80, charset: 'unicode' });
const mysqlTime = col('t', 'time', { kind: 'time', fsp: 0 });

test('PostgreSQL text (no U+0000) and time (one day) need checks; MySQL text and TIME, and other kinds, do not', () => {
  const pairs = [
    pair(
      col('id', 'int', { kind: 'integer', bits: 32, unsigned: false }),
      col('id', 'integer', { kind: 'integer', bits: 32, unsigned: false }),
    ),
    pair(mysqlText, col('note', 'text', { kind: 'text', maxChars: null, maxBytes: null, nulFree: true })),
    pair(mysqlText, col('note', 'varchar(20)', { kind: 'text', maxChars: 20, maxBytes: 80 })),
    pair(mysqlTime, col('t', 'time without time zone', { kind: 'time', fsp: 6, day: true })),
    pair(mysqlTime, col('t', 'time', { kind: 'time', fsp: 0 })),
    pair(col('t', 'time', { kind: 'time', fsp: 0, day: true }), col('t', 'time', { kind: 'time', fsp: 6, day: true })),
    pair(col('j', 'json', { kind: 'json' }), col('j', 'jsonb', { kind: 'json' })),
    pair(
      col('n', 'int', { kind: 'integer', bits: 32, unsigned: false }),
      col('n', 'text', { kind: 'text', maxChars: null, maxBytes: null, nulFree: true }),
    ),
    pair(col('d', 'date', { kind: 'date' }), col('d', 'time', { kind: 'time', fsp: 6, day: true })),
  ];
  expect(valueChecks(pairs).map((c) => [c.kind, c.index])).toEqual([
    ['nul', 1],
    ['day-time', 3],
  ]);
});

test.each([
  ['nul', 'a\u0000b', true],
  ['nul', '\u0000', true],
  ['nul', 'no nul here', false],
  ['nul', '', false],
  ['nul', null, false],
  ['day-time', '00:00:00', false],
  ['day-time', '23:59:59.999999', false],
  ['day-time', '24:00:00', false],
  ['day-time', '24:00:00.000000', false],
  ['day-time', '24:00:00.000001', true],
  ['day-time', '24:00:01', true],
  ['day-time', '24:01:00', true],
  ['day-time', '25:00:00', true],
  ['day-time', '100:00:00', true],
  ['day-time', '838:59:59', true],
  ['day-time', '-01:00:00', true],
  ['day-time', '-00:00:00.5', true],
  ['day-time', null, false],
  ['day-time', '12:00:00 and more', true],
  ['day-time', 'noon', true],
] as const)('%s fails for %p: %p', (kind, value, fails) => {
  expect(failsCheck(kind, value)).toBe(fails);
});

test('messages name the row, the column on both sides and the fix', () => {
  const [nul, time] = valueChecks([
    pair(
      mysqlText,
      col('NOTE', 'character varying(20)', { kind: 'text', maxChars: 20, maxBytes: null, nulFree: true }),
    ),
    pair(mysqlTime, col('T', 'time without time zone', { kind: 'time', fsp: 0, day: true })),
  ]);
  expect(failedCheckMessage(nul, 'rowid', '42', 'a\u0000')).toBe(
    'row rowid=42 has a NUL character (U+0000) in column note, which warehouse column NOTE ' +
      'character varying(20) cannot hold; remove it in staging',
  );
  expect(failedCheckMessage(time, 'rowid', '-7', '-01:00:00')).toBe(
    'row rowid=-7 has the TIME "-01:00:00" in column t, which warehouse column T time ' +
      'without time zone cannot hold (00:00:00 to 24:00:00); ' +
      'fix that row in staging, or use a MySQL warehouse for it',
  );
});
