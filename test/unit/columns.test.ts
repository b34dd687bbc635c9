import { cannotHold, matchColumns, type Column, type ColumnType } from '../../lib/columns';

const col = (name: string, sqlType: string, type: ColumnType, nullable = true, hasDefault = false): Column => ({ name, sqlType, type, nullable, hasDefault });
const int = (bits: 8 | 16 | 32 | 64, unsigned = false): ColumnType => ({ kind: 'integer', bits, unsigned });
const dec = (precision: number | null, scale: number | null): ColumnType => ({ kind: 'decimal', precision, scale });
const text = (maxChars: number | null, maxBytes: number | null = null): ColumnType => ({ kind: 'text', maxChars, maxBytes });

test.each([
  ['int into bigint', col('a', 'int', int(32)), col('a', 'bigint', int(64)), null],
  ['bigint into int', col('a', 'bigint', int(64)), col('a', 'integer', int(32)), 'source bigint does not fit warehouse integer; widen it to BIGINT'],
  ['bigint unsigned into bigint', col('a', 'bigint unsigned', int(64, true)), col('a', 'bigint', int(64)), 'source bigint unsigned does not fit warehouse bigint; widen it to DECIMAL(20,0)'],
  ['bigint unsigned into decimal(20,0)', col('a', 'bigint unsigned', int(64, true)), col('a', 'DECIMAL(20,0)', dec(20, 0)), null],
  ['bigint unsigned into decimal(19,0)', col('a', 'bigint unsigned', int(64, true)), col('a', 'DECIMAL(19,0)', dec(19, 0)), 'source bigint unsigned does not fit warehouse DECIMAL(19,0); use DECIMAL(20,0) or wider'],
  ['int unsigned into int', col('a', 'int unsigned', int(32, true)), col('a', 'integer', int(32)), 'source int unsigned does not fit warehouse integer; widen it to BIGINT'],
  ['decimal(10,2) into numeric', col('a', 'decimal(10,2)', dec(10, 2)), col('a', 'numeric', dec(null, null)), null],
  ['decimal(10,2) into decimal(12,4)', col('a', 'decimal(10,2)', dec(10, 2)), col('a', 'numeric(12,4)', dec(12, 4)), null],
  ['decimal(10,2) into decimal(10,3)', col('a', 'decimal(10,2)', dec(10, 2)), col('a', 'numeric(10,3)', dec(10, 3)), 'source decimal(10,2) does not fit warehouse numeric(10,3); use DECIMAL(11,3) or wider'],
  ['decimal(10,4) into decimal(10,2)', col('a', 'decimal(10,4)', dec(10, 4)), col('a', 'numeric(10,2)', dec(10, 2)), 'source decimal(10,4) does not fit warehouse numeric(10,2); use DECIMAL(10,4) or wider'],
  ['decimal into float', col('a', 'decimal(10,2)', dec(10, 2)), col('a', 'double precision', { kind: 'float', bits: 64 }), 'source decimal(10,2) does not fit warehouse double precision; use DECIMAL(10,2)'],
  ['varchar(50) into bytes 50', col('a', 'varchar(50)', text(50, 200)), col('A', 'VARCHAR(50)', text(null, 50)), 'source varchar(50) does not fit warehouse VARCHAR(50); it holds 50 bytes but the source can need 200 (4 bytes per utf8mb4 character); make it VARCHAR(200) or declare it in CODEUNITS32'],
  ['varchar(50) into bytes 200', col('a', 'varchar(50)', text(50, 200)), col('A', 'VARCHAR(200)', text(null, 200)), null],
  ['varchar(50) into text', col('a', 'varchar(50)', text(50, 200)), col('a', 'text', text(null)), null],
  ['datetime(6) into timestamp(3)', col('a', 'datetime(6)', { kind: 'timestamp', fsp: 6 }), col('a', 'timestamp(3)', { kind: 'timestamp', fsp: 3 }), 'source datetime(6) does not fit warehouse timestamp(3); use TIMESTAMP(6) or finer'],
  ['date into timestamp', col('a', 'date', { kind: 'date' }), col('a', 'timestamp', { kind: 'timestamp', fsp: 6 }), null],
])('%s', (_name, source, warehouse, expected) => {
  expect(cannotHold(source, warehouse)).toBe(expected);
});

test('nullable source into NOT NULL warehouse column is refused', () => {
  expect(cannotHold(col('a', 'int', int(32), true), col('a', 'integer', int(32), false))).toBe(
    'source is nullable but warehouse integer is NOT NULL; make the warehouse column nullable',
  );
});

test('columns match by name case-insensitively; extra columns are reported or checked', () => {
  const source = [col('rowid', 'int', int(32), false), col('Qty', 'int', int(32), false), col('note', 'text', text(null))];
  const warehouse = [col('ROWID', 'INTEGER', int(32), false), col('QTY', 'INTEGER', int(32), false), col('PRICE', 'DECIMAL(10,2)', dec(10, 2), true)];
  const match = matchColumns(source, warehouse, 'rowid');
  expect(match.pairs.map((p) => [p.source.name, p.warehouse.name])).toEqual([['rowid', 'ROWID'], ['Qty', 'QTY']]);
  expect(match.sourceOnly).toEqual(['note']);
  expect(match.warehouseOnly.map((c) => c.name)).toEqual(['PRICE']);
  expect(match.problems).toEqual([]);
  expect(matchColumns(source, warehouse, 'qty').problems).toEqual([]);
  expect(matchColumns([col('id', 'varchar(5)', text(5), false)], [col('id', 'text', text(null), false)], 'id').problems).toEqual([
    'key column id is varchar(5); the key must be an integer column',
  ]);
});
