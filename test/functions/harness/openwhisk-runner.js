// Loads an action bundle the way the Apache OpenWhisk Node.js runtime (openwhisk-runtime-nodejs,
// core/nodejsActionBase/runner.js) does, then runs one activation and prints its result.
//
//   node openwhisk-runner.js plain|zip BUNDLE PARAMS_JSON
//
// plain: `wsk action create NAME bundle.js`: the runtime evaluates the file's text inside a
//        function in its own module scope and takes `main`, falling back to module.exports.main.
// zip:   `wsk action create NAME action.zip`: the runtime unzips into a fresh directory and
//        requires that directory (package.json "main", else index.js), taking `.main`.
// Like the runtime's /run, it sets the __OW_* variables of the activation before calling main.
//
//   node openwhisk-runner.js serve
//
// serve: the runtime's HTTP side (core/nodejsActionBase/app.js and src/service.js): POST /init
//        {value: {main, code, binary: false}} loads the code as above; POST /run {value, activation_id,
//        deadline, …} sets __OW_* from the body, calls main, answers 200 with its result (502 when it
//        is not an object, 500 {error: "An error has occurred: …"} when it rejects). Like the runtime,
//        it installs no process listener: an unhandled rejection kills the process, and the invoker
//        gets no response at all. Prints "LISTENING <port>" when ready.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const [mode, bundle, paramsJson] = process.argv.slice(2);

function loadPlain(code) {
  // eslint-disable-next-line no-eval -- the OpenWhisk runtime evaluates a single-file action this way
  return eval(`(function(){
    ${code}
    try { return main } catch (e) {
      if (e.name === 'ReferenceError') return module.exports.main || exports.main
      throw e
    }
  })()`);
}

function loadZip(file) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ow-action-'));
  fs.copyFileSync(file, path.join(dir, 'index.js'));
  if (fs.existsSync(`${file}.map`)) fs.copyFileSync(`${file}.map`, path.join(dir, path.basename(`${file}.map`)));
  process.chdir(dir);
  return require(dir).main;
}

if (mode === 'serve') {
  serve();
  return;
}

const main = mode === 'plain' ? loadPlain(fs.readFileSync(bundle, 'utf8')) : loadZip(bundle);
if (typeof main !== 'function') throw new Error(`Action entrypoint 'main' is not a function.`);

process.env.__OW_ACTIVATION_ID = 'a1b2c3d4e5f6';
process.env.__OW_ACTION_NAME = '/guest/warehouse-sync/sync';
process.env.__OW_NAMESPACE = 'guest';
process.env.__OW_DEADLINE = String(Date.now() + 300000);

Promise.resolve(main(JSON.parse(paramsJson))).then(
  (result) => process.stdout.write(`RESULT ${JSON.stringify(result === undefined ? {} : result)}\n`),
  (error) => process.stdout.write(`RESULT ${JSON.stringify({ error: String((error && error.message) || error) })}\n`),
);

function serve() {
  const http = require('http');
  let action;
  const answer = (res, code, body) => {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const body = JSON.parse(text || '{}');
      if (req.url === '/init') {
        const message = body.value || {};
        if (typeof message.code !== 'string' || message.binary)
          return answer(res, 500, { error: 'Missing main/no code to execute.' });
        try {
          action = loadPlain(message.code);
          if (typeof action !== 'function') throw new Error("Action entrypoint 'main' is not a function.");
        } catch (error) {
          return answer(res, 502, { error: `Initialization has failed due to: ${error && error.stack}` });
        }
        return answer(res, 200, { OK: true });
      }
      if (req.url === '/run') {
        for (const p of ['api_key', 'namespace', 'action_name', 'activation_id', 'deadline'])
          process.env[`__OW_${p.toUpperCase()}`] = body[p];
        // STRAY_REJECTION_MS (tests only): a rejection nobody handles, that long into the activation.
        if (process.env.STRAY_REJECTION_MS) {
          setTimeout(
            () => Promise.reject(new Error('stray failure for mysql://root:Str4yPw9@10.0.0.5/x')),
            Number(process.env.STRAY_REJECTION_MS),
          );
        }
        Promise.resolve()
          .then(() => action(body.value))
          .then(
            (result) =>
              typeof result === 'object' && result !== null
                ? answer(res, 200, result)
                : answer(res, 502, { error: 'The action did not return a dictionary.' }),
            (error) => answer(res, 500, { error: `An error has occurred: ${error}` }),
          );
        return undefined;
      }
      return answer(res, 500, { error: 'Bad request.' });
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING ${server.address().port}\n`));
}
