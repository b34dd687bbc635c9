/**
 * The byte-level MySQL row → COPY text encoder, on row payloads built by hand in MySQL's wire
 * format (each field length-prefixed with 1, 3, 4 or 9 bytes, 0xFB for NULL).
 */
import type { Column, ColumnType } from '../../lib/columns';
import { CopyTextEncoder, fieldModes } from '../../lib/source/mysql/mysql-copy-text';
import { COPY_CHUNK_BYTES } from '../../lib/rows';

const column = (name: string, type: ColumnType): Column => ({
  name,
  sqlType: type.kind,
  type,
  nullable: true,
  hasDefault: false,
});
const COLUMNS = [
  column('id', { kind: 'integer', bits: 64, unsigned: false }),
  column('amount', { kind: 'decimal', precision: 30, scale: 10 }),
  column('at', { kind: 'timestamp', fsp: 6 }),
  column('note', { kind: 'text', maxChars: null, maxBytes: null }),
  column('raw', { kind: 'binary', maxBytes: null }),
];

/** MySQL's length-encoded string; null = the NULL marker. */
function field(value: string | Buffer | null, prefix?: 0xfc | 0xfd | 0xfe): Buffer {
  if (value === null) return Buffer.from([0xfb]);
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const n = bytes.length;
  let head: Buffer;
  if ((prefix ?? (n < 0xfb ? 0 : n < 0x10000 ? 0xfc : n < 0x1000000 ? 0xfd : 0xfe)) === 0) head = Buffer.from([n]);
  else if ((prefix ?? (n < 0x10000 ? 0xfc : 0xfd)) === 0xfc) head = Buffer.from([0xfc, n & 0xff, n >> 8]);
  else if ((prefix ?? 0xfd) === 0xfd) head = Buffer.from([0xfd, n & 0xff, (n >> 8) & 0xff, n >> 16]);
  else {
    head = Buffer.alloc(9);
    head[0] = 0xfe;
    head.writeBigUInt64LE(BigInt(n), 1);
  }
  return Buffer.concat([head, bytes]);
}

function encode(rows: Buffer[][]): { text: string; chunks: Buffer[]; encoder: CopyTextEncoder } {
  const chunks: Buffer[] = [];
  const encoder = new CopyTextEncoder(COLUMNS, fieldModes(COLUMNS), 0, (chunk) => chunks.push(chunk));
  for (const fields of rows) {
    // Each payload sits inside a larger buffer, as packets do inside a socket chunk.
    const payload = Buffer.concat([Buffer.from('xx'), ...fields, Buffer.from('yy')]);
    encoder.row(payload, 2, payload.length - 2);
  }
  encoder.flush();
  return { text: Buffer.concat(chunks).toString('utf8'), chunks, encoder };
}

test(
  'numbers and temporal text are copied as they are, NULL becomes \\N, text is escaped, ' + 'binary becomes bytea hex',
  () => {
    const { text, encoder } = encode([
      [
        field('1'),
        field('-99999999999999999999.9999999999'),
        field('2021-03-14 02:30:00.000001'),
        field('tab\there, back\\slash, new\nline, cr\rend 😀'),
        field(Buffer.from([0, 255, 16])),
      ],
      [field('18446744073709551615'), field(null), field(null), field(''), field(Buffer.alloc(0))],
    ]);
    expect(text).toBe(
      '1\t-99999999999999999999.9999999999\t2021-03-14 02:30:00.000001\ttab\\there, ' +
        'back\\\\slash, new\\nline, cr\\rend 😀\t\\\\x00ff10\n' +
        '18446744073709551615\t\\N\t\\N\t\t\\\\x\n',
    );
    expect(encoder.rows).toBe(2);
    expect(encoder.lastKey()).toBe('18446744073709551615');
  },
);

test('every length prefix MySQL uses is read: 1, 3, 4 and 9 bytes', () => {
  const long = 'a\tb'.repeat(30_000); // 90,000 bytes: a 4-byte prefix
  const { text } = encode([
    [field('7'), field('1.5', 0xfc), field('2024-01-02 03:04:05', 0xfd), field(long), field(Buffer.from([1, 2]), 0xfe)],
  ]);
  expect(text).toBe(`7\t1.5\t2024-01-02 03:04:05\t${'a\\tb'.repeat(30_000)}\t\\\\x0102\n`);
});

test('output comes in chunks of about 64 KiB of whole rows, and a row larger than a chunk is whole in one', () => {
  const rows = Array.from({ length: 20_000 }, (_, i) => [
    field(String(i)),
    field('0.5'),
    field(null),
    field('note'),
    field(null),
  ]);
  const big = 'x'.repeat(200_000);
  rows.push([field('20000'), field(null), field(null), field(big), field(null)]);
  const { text, chunks, encoder } = encode(rows);
  expect(encoder.rows).toBe(20_001);
  expect(text.split('\n')).toHaveLength(20_002);
  expect(text.endsWith(`20000\t\\N\t\\N\t${big}\t\\N\n`)).toBe(true);
  for (const chunk of chunks.slice(0, -2)) {
    expect(chunk.length).toBeGreaterThan(COPY_CHUNK_BYTES - 100);
    expect(chunk.toString('latin1').endsWith('\n')).toBe(true);
  }
  expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(COPY_CHUNK_BYTES + 200_100);
});

test.each([['0000-00-00 00:00:00'], ['2024-00-10 00:00:00'], ['2024-01-00 00:00:00']])(
  'the zero date %s is refused with the row key and column named',
  (zero) => {
    expect(() => encode([[field('41'), field(null), field(zero), field(null), field(null)]])).toThrow(
      `row id=41 has the MySQL zero date "${zero}" in column at, which the warehouse cannot ` +
        `hold; fix that row in staging (e.g. set it to NULL)`,
    );
  },
);

test('no rows: no chunk and no last key', () => {
  const { chunks, encoder } = encode([]);
  expect(chunks).toEqual([]);
  expect(encoder.lastKey()).toBeNull();
});

describe('floats, TIME and NUL (values read as the source selects them: floats as `col + 0e0`)', () => {
  const TYPED = [
    column('id', { kind: 'integer', bits: 64, unsigned: false }),
    column('f', { kind: 'float', bits: 32 }),
    column('d', { kind: 'float', bits: 64 }),
    column('tm', { kind: 'time', fsp: 0 }),
    column('note', { kind: 'text', maxChars: null, maxBytes: null }),
  ];
  const encodeTyped = (rows: Array<Array<string | null>>) => {
    const chunks: Buffer[] = [];
    const encoder = new CopyTextEncoder(TYPED, fieldModes(TYPED), 0, (chunk) => chunks.push(chunk));
    for (const values of rows) {
      const payload = Buffer.concat(values.map((v) => field(v)));
      encoder.row(payload, 0, payload.length);
    }
    encoder.flush();
    return Buffer.concat(chunks).toString('utf8');
  };

  test("a FLOAT becomes its 4-byte float's shortest text, a DOUBLE its own; times within a day are copied", () => {
    expect(
      encodeTyped([
        ['1', '16777216', '0.30000000000000004', '24:00:00', 'a'],
        ['2', '1.2345677614212036', '1e20', '00:00:00', null],
        ['3', '-0.0000001500000053056283', '5e-324', '23:59:59', ''],
        ['4', '3.4028234663852886e38', '1.7976931348623157e308', null, null],
        ['5', null, null, '12:00:00', null],
      ]),
    ).toBe(
      '1\t16777216\t0.30000000000000004\t24:00:00\ta\n' +
        '2\t1.2345678\t100000000000000000000\t00:00:00\t\\N\n' +
        '3\t-1.5e-7\t5e-324\t23:59:59\t\n' +
        '4\t3.4028234663852886e+38\t1.7976931348623157e+308\t\\N\t\\N\n' +
        '5\t\\N\t\\N\t12:00:00\t\\N\n',
    );
  });

  test("floats whose text is longer than MySQL's (1e20 → 21 characters) are never cut at a chunk's end", () => {
    const wide = Array.from({ length: 60 }, (_, i) => column(`d${i}`, { kind: 'float', bits: 64 }));
    const columns = [TYPED[0], TYPED[4], ...wide];
    const chunks: Buffer[] = [];
    const encoder = new CopyTextEncoder(columns, fieldModes(columns), 0, (chunk) => chunks.push(chunk));
    let expected = '';
    for (let id = 1; id <= 500; id++) {
      // Rows of many lengths, so that some start just before a chunk's end.
      const note = 'n'.repeat((id * 37) % 997);
      const payload = Buffer.concat([field(String(id)), field(note), ...wide.map(() => field('1e20'))]);
      encoder.row(payload, 0, payload.length);
      expected += `${id}\t${note}\t${Array(60).fill('100000000000000000000').join('\t')}\n`;
    }
    encoder.flush();
    expect(Buffer.concat(chunks).toString() === expected).toBe(true);
  });

  test.each([['-01:00:00'], ['100:00:00'], ['24:00:01'], ['-00:00:00.5'], ['838:59:59']])(
    'the TIME %s is refused with the row key and column named',
    (time) => {
      expect(() => encodeTyped([['7', null, null, time, null]])).toThrow(
        `row id=7 has the TIME "${time}" in column tm, which PostgreSQL's time cannot hold ` +
          `(00:00:00 to 24:00:00); fix that row in staging, or use a MySQL warehouse for it`,
      );
    },
  );

  test('a NUL character in text is refused with the row key and column named', () => {
    expect(() => encodeTyped([['9', null, null, null, 'a\u0000b']])).toThrow(
      'row id=9 has a NUL character (U+0000) in column note, which PostgreSQL text cannot hold; remove it in staging',
    );
  });
});
