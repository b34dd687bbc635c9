#!/usr/bin/env node
/**
 * Puts ibm_db's own prebuilt Linux Node-API binding (inside its npm tarball, build.zip) where
 * `require('ibm_db')` looks for it, without running ibm_db's install script (allowScripts: false),
 * which would download IBM's clidriver. Then builds the project's stand-in libdb2.so.1
 * (native/db2-standin) into build/db2-standin. The stand-in is deliberately NOT put next to the
 * binding (whose RPATH has $ORIGIN): a process that does not ask for it (LD_LIBRARY_PATH, as
 * scripts/db2-standin.sh prints) must still see what a user without IBM's clidriver sees.
 * Idempotent; a no-op (exit 0, one line) where ibm_db is not installed, since it is optional.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const pkg = path.join(root, 'node_modules', 'ibm_db');
if (!fs.existsSync(path.join(pkg, 'package.json'))) {
  console.log('ibm-db-binding: ibm_db is not installed (optional dependency); DB2 suites use no real driver');
  process.exit(0);
}
const release = path.join(pkg, 'build', 'Release');
const target = path.join(release, 'odbc_bindings.node');
if (!fs.existsSync(target)) {
  // adm-zip is ibm_db's own dependency, the one its installer uses for this same step.
  const AdmZip = require(require.resolve('adm-zip', { paths: [pkg] }));
  const zip = new AdmZip(path.join(pkg, 'build.zip'));
  const entry = zip.getEntry('build/Release/odbc_bindings_linux.node');
  if (!entry) throw new Error('ibm-db-binding: build.zip has no build/Release/odbc_bindings_linux.node');
  fs.mkdirSync(release, { recursive: true });
  fs.writeFileSync(target + '.tmp', entry.getData());
  fs.renameSync(target + '.tmp', target);
}
const src = path.join(root, 'native', 'db2-standin');
const out = path.join(root, 'build', 'db2-standin');
const lib = path.join(out, 'libdb2.so.1');
const sources = fs
  .readdirSync(src)
  .filter((f) => f.endsWith('.c'))
  .map((f) => path.join(src, f));
const newest = Math.max(
  ...sources.concat(fs.readdirSync(src).map((f) => path.join(src, f))).map((f) => fs.statSync(f).mtimeMs),
);
if (!fs.existsSync(lib) || fs.statSync(lib).mtimeMs < newest) {
  fs.mkdirSync(out, { recursive: true });
  execFileSync(
    'gcc',
    [
      '-shared',
      '-fPIC',
      '-O2',
      '-Wall',
      '-Werror',
      '-Wl,-soname,libdb2.so.1',
      '-o',
      lib + '.tmp',
      ...sources,
      '-lpthread',
    ],
    { stdio: 'inherit' },
  );
  fs.renameSync(lib + '.tmp', lib);
}
fs.rmSync(path.join(release, 'libdb2.so.1'), { force: true });
console.log(
  `ibm-db-binding: real ibm_db binding in ${path.relative(root, release)}, stand-in ` + `${path.relative(root, lib)}`,
);
