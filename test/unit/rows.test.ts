import { sliceRows, type Row } from '../../lib/rows';
import { byBytes } from '../../lib/warehouse/mysql/mysql-load';

const rows = (n: number, value: string): Row[] => Array.from({ length: n }, (_, i) => [i + 1, value]);

describe('sliceRows: consecutive slices cut where the meter refuses a row', () => {
  // A meter that allows at most `max` rows' worth of `size` units per slice.
  const units = (max: number, size: (row: Row) => number) => {
    let used = 0;
    let next = 0;
    return {
      fits(row: Row) {
        next = size(row);
        return used + next <= max;
      },
      add(fresh: boolean) {
        used = fresh ? next : used + next;
      },
    };
  };

  it('keeps every row once, in order, and cuts before the refused row', () => {
    const input = rows(7, 'x');
    const slices = sliceRows(
      input,
      units(3, () => 1),
    );
    expect(slices.map((s) => s.map((r) => r[0]))).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('gives a row too large for any slice a slice of its own and starts afresh after it', () => {
    const input: Row[] = [
      [1, 1],
      [2, 5],
      [3, 1],
      [4, 1],
    ];
    const slices = sliceRows(
      input,
      units(2, (r) => r[1] as number),
    );
    expect(slices.map((s) => s.map((r) => r[0]))).toEqual([[1], [2], [3, 4]]);
  });

  it('returns the input itself when nothing is cut, and nothing for no rows', () => {
    const input = rows(3, 'x');
    expect(
      sliceRows(
        input,
        units(10, () => 1),
      )[0],
    ).toBe(input);
    expect(
      sliceRows(
        [],
        units(10, () => 1),
      ),
    ).toEqual([]);
  });
});

describe('byBytes: MySQL INSERT statements of a bounded size', () => {
  it('cuts by the estimated statement size of each row', () => {
    // each row: 8 + 12 (number) + 2 × 10 + 3 (string) = 43 bytes
    const slices = byBytes(rows(10, 'a'.repeat(10)), 43 * 4);
    expect(slices.map((s) => s.length)).toEqual([4, 4, 2]);
  });

  it('counts multi-byte text by its UTF-8 bytes and NULL and Buffers by their own sizes', () => {
    // 8 + 12 + (2 × 3 + 3) = 29 for '日'; 8 + 12 + 4 = 24 for NULL; 8 + 12 + (2 × 4 + 3) = 31 for 4 bytes
    const sizes = (rows: Row[], limit: number) => byBytes(rows, limit).map((s) => s.length);
    const text: Row[] = [
      [1, '日'],
      [2, '日'],
    ];
    const mixed: Row[] = [
      [1, null],
      [2, Buffer.alloc(4)],
    ];
    expect(sizes([[1, '日']], 28)).toEqual([1]);
    expect(sizes(text, 57)).toEqual([1, 1]);
    expect(sizes(text, 58)).toEqual([2]);
    expect(sizes(mixed, 55)).toEqual([2]);
    expect(sizes(mixed, 54)).toEqual([1, 1]);
  });
});
