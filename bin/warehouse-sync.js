#!/usr/bin/env node
// `npx warehouse-sync`: runs the built CLI bundle, building it first when it is missing or older
// than the sources (a fresh `npm ci` builds through `prepare`; this covers edits since).
const path = require('path');
const fs = require('fs');

const root = path.join(__dirname, '..');
const bundle = path.join(root, 'dist', 'cli.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

const stale = () => {
  if (!fs.existsSync(bundle)) return true;
  if (!fs.existsSync(path.join(root, 'lib'))) return false;
  const built = fs.statSync(bundle).mtimeMs;
  return newestSource(path.join(root, 'lib')) > built || newestSource(path.join(root, 'functions')) > built;
};

if (stale()) require(path.join(root, 'scripts', 'build.js')).build({ only: ['cli-bundle'], quiet: true });
require(bundle).main();
