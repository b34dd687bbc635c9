/**
 * The streaming peer, for a same-machine comparison: a Node script streaming mysql2's
 * result rows into pg-copy-streams as one COPY in one transaction (no keyset paging, no
 * watermark, no batches). Bundled and run as its own process by the bench, like the baseline.
 *
 *   node stream-peer.js SOURCE_URL WAREHOUSE_URL SOURCE_TABLE TARGET_TABLE AFTER
 *
 * Prints {"inserted": n}.
 */
import mysql from 'mysql2';
import { Client } from 'pg';
import { from } from 'pg-copy-streams';
import { Transform } from 'stream';
import { pipeline } from 'stream/promises';

async function main(): Promise<void> {
  const [sourceUrl, warehouseUrl, sourceTable, targetTable, after] = process.argv.slice(2);
  const warehouse = new Client({ connectionString: warehouseUrl });
  await warehouse.connect();
  const source = mysql.createConnection({ uri: sourceUrl });
  try {
    await warehouse.query('BEGIN');
    const rows = source
      .query({
        sql:
          `SELECT rowid, product_id, customer_id, quantity FROM \`${sourceTable}\` WHERE rowid > ` + `? ORDER BY rowid`,
        values: [Number(after)],
        rowsAsArray: true,
      })
      .stream({ highWaterMark: 1000 });
    // Rows are gathered into ~64 KB strings: one COPY data message per chunk, not per row.
    let pending = '';
    const toCopyText = new Transform({
      writableObjectMode: true,
      transform(row: Array<number | null>, _encoding, done) {
        pending += row.map((v) => (v === null ? '\\N' : String(v))).join('\t') + '\n';
        if (pending.length < 65536) return done();
        const chunk = pending;
        pending = '';
        done(null, chunk);
      },
      flush(done) {
        done(null, pending || undefined);
      },
    });
    const copy = warehouse.query(from(`COPY ${targetTable} (rowid, product_id, customer_id, quantity) FROM STDIN`));
    await pipeline(rows, toCopyText, copy);
    await warehouse.query('COMMIT');
    process.stdout.write(JSON.stringify({ inserted: copy.rowCount }) + '\n');
  } finally {
    source.end();
    await warehouse.end();
  }
}

main().catch((error) => {
  process.stderr.write(`stream-peer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
