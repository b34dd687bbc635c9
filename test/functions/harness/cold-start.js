// Cold start of the AWS bundle, measured locally: a fresh Node.js process per run requires
// dist/aws-handler.js and invokes the handler; the clock stops when the first MySQL query
// (a COM_QUERY packet) is written to the source's socket. Reports the median, min and max of
//   load:  require() of the bundle (what Lambda's Init phase spends on our code);
//   first: process start to first query (load + handler start + secrets + connecting).
// Lambda's own runtime start and the network to the databases come on top in AWS.
//
//   npm run build
//   SYNC_SOURCE_URL=mysql://root@127.0.0.1:3306/test_fn_sales \
//   SYNC_WAREHOUSE_URL=postgres://root@127.0.0.1:5432/test_fn_warehouse \
//     node test/functions/harness/cold-start.js [--runs 15] [--secrets] [--source-maps]
//
// --secrets reads both URLs from a Secrets Manager stand-in on 127.0.0.1 (as in production,
// through the bundled AWS SDK; nothing reaches AWS). --source-maps runs with
// NODE_OPTIONS=--enable-source-maps, as serverless.yml configures.
'use strict';
const { fork, spawnSync } = require('child_process');
const http = require('http');
const path = require('path');

const BUNDLE = path.join(__dirname, '..', '..', '..', 'dist', 'aws-handler.js');

if (process.argv[2] === '--child') child();
else if (process.argv[2] === '--stub') secretsManagerStub();
else parent();

function child() {
  const start = process.hrtime.bigint();
  const ms = () => Number(process.hrtime.bigint() - start) / 1e6;
  const net = require('net');
  const write = net.Socket.prototype.write;
  let loaded;
  net.Socket.prototype.write = function (chunk, ...rest) {
    // A client command packet: 3-byte length, sequence 0, command byte 0x03 (COM_QUERY).
    if (this.remotePort === 3306 && Buffer.isBuffer(chunk) && chunk[3] === 0 && chunk[4] === 0x03) {
      process.stdout.write(JSON.stringify({ load: loaded, first: ms() }) + '\n');
      process.exit(0);
    }
    return write.call(this, chunk, ...rest);
  };
  const { handler } = require(BUNDLE);
  loaded = ms();
  handler({ tables: ['sales_data'], dryRun: true }, { getRemainingTimeInMillis: () => 600000 }).catch((error) => {
    process.stderr.write(`${error.name}: ${error.message}\n`);
    process.exit(1);
  });
}

function parent() {
  const runs = Number(argValue('--runs') ?? 15);
  const env = { ...process.env, AWS_REGION: 'us-east-1' };
  delete env.NODE_OPTIONS;
  if (process.argv.includes('--source-maps')) env.NODE_OPTIONS = '--enable-source-maps';
  const urlsFrom = process.argv.includes('--secrets') ? ', URLs from Secrets Manager' : ', URLs from env';
  const label = `${runs} runs${urlsFrom}${env.NODE_OPTIONS ? ', --enable-source-maps' : ''}`;
  if (!process.argv.includes('--secrets')) return measure(runs, env, label);

  // spawnSync blocks this process, so the stand-in answers from a process of its own.
  const urls = { source: env.SYNC_SOURCE_URL, warehouse: env.SYNC_WAREHOUSE_URL };
  const stub = fork(__filename, ['--stub'], { env: { ...process.env, URLS: JSON.stringify(urls) } });
  stub.on('message', (port) => {
    Object.assign(env, {
      SYNC_SOURCE_SECRET_ID: 'source',
      SYNC_WAREHOUSE_SECRET_ID: 'warehouse',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    delete env.SYNC_SOURCE_URL;
    delete env.SYNC_WAREHOUSE_URL;
    try {
      measure(runs, env, label);
    } finally {
      stub.kill();
    }
  });
}

function measure(runs, env, label) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, [__filename, '--child'], { env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`run failed: ${result.stderr}`);
    samples.push(JSON.parse(result.stdout.trim().split('\n').pop()));
  }
  const stat = (key) => {
    const v = samples.map((s) => s[key]).sort((a, b) => a - b);
    return `median ${v[Math.floor(v.length / 2)].toFixed(1)} ms (min ${v[0].toFixed(1)}, max ${v[v.length - 1].toFixed(1)})`;
  };
  console.log(label);
  console.log(`  require(dist/aws-handler.js):       ${stat('load')}`);
  console.log(`  process start -> first MySQL query: ${stat('first')}`);
}

function secretsManagerStub() {
  const urls = JSON.parse(process.env.URLS);
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const id = JSON.parse(body).SecretId;
      res.setHeader('Content-Type', 'application/x-amz-json-1.1');
      res.end(JSON.stringify({ ARN: id, Name: id, SecretString: JSON.stringify({ url: urls[id] }) }));
    });
  });
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
}

function argValue(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}
