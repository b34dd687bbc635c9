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
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const [mode, bundle, paramsJson] = process.argv.slice(2);

function loadPlain(code) {
  // eslint-disable-next-line no-eval
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

const main = mode === 'plain' ? loadPlain(fs.readFileSync(bundle, 'utf8')) : loadZip(bundle);
if (typeof main !== 'function') throw new Error(`Action entrypoint 'main' is not a function.`);

process.env.__OW_ACTIVATION_ID = 'a1b2c3d4e5f6';
process.env.__OW_ACTION_NAME = '/guest/warehouse-sync/sync';
process.env.__OW_NAMESPACE = 'guest';
process.env.__OW_DEADLINE = String(Date.now() + 300000);

Promise.resolve(main(JSON.parse(paramsJson))).then(
  (result) => process.stdout.write(`RESULT ${JSON.stringify(result === undefined ? {} : result)}\n`),
  (error) => process.stdout.write(`RESULT ${JSON.stringify({ error: String(error && error.message || error) })}\n`),
);
