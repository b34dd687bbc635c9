/**
 * How FLOAT and DOUBLE values cross: as the shortest decimal text that reads back as the very
 * binary value the source stores. A DOUBLE's is JavaScript's own rendering of the number. A FLOAT
 * (4-byte) needs its own search: JavaScript's shortest text is for 8-byte doubles and would spell
 * out the float's binary expansion (1.2345677614212036 for the float nearest 1.2345678).
 *
 * The text is checked the way every reader in the chain parses it: decimal → double → float
 * (Math.fround), which is also what MySQL and DB2 do when a float column is assigned from text.
 */

const FLOAT_MAX = 3.4028234663852886e38;

/** The shortest text of the 8-byte double `value`; `-0` keeps its sign. */
export function float64Text(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/** The shortest text that reads back (decimal → double → float) as the 4-byte float nearest `value`. */
export function float32Text(value: number): string {
  const f = Math.fround(value);
  // The largest float's shortest text, 3.4028235e+38, lies above it: MySQL checks a FLOAT column's
  // range before rounding and refuses it. Its exact value reads back the same everywhere.
  if (f === 0 || !Number.isFinite(f) || Math.abs(f) === FLOAT_MAX) return float64Text(f);
  for (let digits = 1; digits <= 9; digits++) {
    const found = shortestAt(f, digits);
    if (found !== null) return found;
  }
  return String(Number(f.toPrecision(9))); // not reached: 9 significant digits always round-trip a float
}

/**
 * A `digits`-digit decimal that reads back as `f`, or null. The decimal nearest f may fall just
 * outside f's rounding interval where that interval is lopsided (at a power of two) while its
 * neighbour one unit away is inside: both are tried.
 */
function shortestAt(f: number, digits: number): string | null {
  const [mantissa, exponent] = f.toExponential(digits - 1).split('e');
  const units = BigInt(mantissa.replace('.', ''));
  const scale = Number(exponent) - (digits - 1);
  const candidates = [units, units + 1n, units - 1n];
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const u of candidates) {
    const text = `${u}e${scale}`;
    const read = Number(text);
    if (Math.fround(read) !== f) continue;
    const distance = Math.abs(read - f);
    if (distance < bestDistance) {
      best = String(read);
      bestDistance = distance;
    }
  }
  return best;
}
