import { ProgressBar } from '../../lib/progress';

function fakeStream() {
  const writes: string[] = [];
  return { writes, stream: { write: (t: string) => writes.push(t) } as unknown as NodeJS.WriteStream };
}

test('draws nothing for a short run', () => {
  const { writes, stream } = fakeStream();
  const bar = new ProgressBar(stream, 60_000);
  bar.update('sales_data', 10, 0.1);
  bar.finish();
  expect(writes).toEqual([]);
});

test(
  'draws a bar with the share of the key range, rows, rate and time left once the run is ' + 'long, and ends the line',
  () => {
    const { writes, stream } = fakeStream();
    const bar = new ProgressBar(stream, 0);
    bar.update('sales_data', 50_000, 0.25);
    bar.finish();
    expect(writes).toHaveLength(2);
    expect(writes[0]).toMatch(/^\rsales_data \[#{8}-{22}\] {2}25% 50000 rows, \d+ rows\/s, \d+s left $/);
    expect(writes[1]).toBe('\n');
  },
);
