/**
 * The text a FLOAT or DOUBLE value crosses as: the shortest decimal that reads back as the stored
 * binary value (lib/float-text.ts). Checked against an exhaustive reading-back, not against itself.
 */
import { float32Text, float64Text } from '../../lib/float-text';

test.each([
  // MySQL's own text protocol gives 16777200, 1.23457, 3.40282e38, 1.4013e-45 for these.
  [16777216, '16777216'],
  [1.2345678, '1.2345678'],
  [1.2345677614212036, '1.2345678'],
  [0.1, '0.1'],
  [-1.5e-7, '-1.5e-7'],
  [3.4028234663852886e38, '3.4028234663852886e+38'], // 3.4028235e+38 is above it: MySQL refuses it for a FLOAT
  [-3.4028234663852886e38, '-3.4028234663852886e+38'],
  [3.4028232635611926e38, '3.4028233e+38'],
  [1.401298464324817e-45, '1e-45'],
  [1.1754943508222875e-38, '1.1754944e-38'],
  [0, '0'],
  [-0, '-0'],
  [1, '1'],
  [100, '100'],
  [16777217, '16777216'], // not a float: the float nearest it
])('float32Text(%p) = %p', (value, text) => {
  expect(float32Text(value)).toBe(text);
});

test.each([
  [0.30000000000000004, '0.30000000000000004'],
  [1.7976931348623157e308, '1.7976931348623157e+308'],
  [5e-324, '5e-324'],
  [-0, '-0'],
  [1e20, '100000000000000000000'],
])('float64Text(%p) = %p', (value, text) => {
  expect(float64Text(value)).toBe(text);
});

/** Random 4-byte floats of every exponent, and the floats at and around powers of two. */
function sampleFloats(): number[] {
  const view = new DataView(new ArrayBuffer(4));
  const out: number[] = [];
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  while (out.length < 30_000) {
    view.setUint32(0, next());
    const f = view.getFloat32(0);
    if (Number.isFinite(f)) out.push(f);
  }
  for (let e = -149; e <= 127; e++) {
    const p = Math.fround(2 ** e);
    view.setFloat32(0, p);
    const bits = view.getUint32(0);
    for (const b of [bits - 1, bits, bits + 1]) {
      view.setUint32(0, b);
      const f = view.getFloat32(0);
      if (Number.isFinite(f) && f > 0) out.push(f, -f);
    }
  }
  return out;
}

test('every float32Text reads back as its float, and no shorter decimal does', () => {
  const wrong: unknown[] = [];
  for (const f of sampleFloats()) {
    const text = float32Text(f);
    if (Math.fround(Number(text)) !== f) wrong.push([f, text]);
    if (Math.abs(f) === 3.4028234663852886e38) continue; // its exact text, on purpose (see above)
    const digits = text
      .replace(/^-/, '')
      .replace(/e.*$/, '')
      .replace('.', '')
      .replace(/^0+/, '')
      .replace(/0+$/, '').length;
    if (digits > 1) {
      // The nearest decimal with one digit fewer, and its neighbours, read back as another float.
      const [m, e] = f.toExponential(digits - 2).split('e');
      const units = BigInt(m.replace('.', ''));
      for (const u of [units - 1n, units, units + 1n]) {
        if (Math.fround(Number(`${u}e${Number(e) - (digits - 2)}`)) === f) wrong.push([f, text, 'shorter', String(u)]);
      }
    }
  }
  expect(wrong).toEqual([]);
});

test('float64Text reads back as the same double', () => {
  const view = new DataView(new ArrayBuffer(8));
  let seed = 99;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const wrong: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    view.setUint32(0, next());
    view.setUint32(4, next());
    const d = view.getFloat64(0);
    if (Number.isFinite(d) && Number(float64Text(d)) !== d) wrong.push(d);
  }
  expect(wrong).toEqual([]);
});
