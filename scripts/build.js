// Bundles each entry point with esbuild into dist/: minified, with source maps, ibm_db external
// (a native module, loaded only when a DB2 warehouse is used). Prints each bundle's size.
const path = require('path');
const fs = require('fs');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const ENTRIES = {
  cli: 'functions/cli.ts',
  'aws-handler': 'functions/aws-handler.ts',
  'openwhisk-main': 'functions/openwhisk-main.ts',
};

function build({ only, quiet } = {}) {
  const names = (only || Object.keys(ENTRIES)).filter((n) => fs.existsSync(path.join(root, ENTRIES[n])));
  const sizes = {};
  for (const name of names) {
    const outfile = path.join(root, 'dist', `${name}.js`);
    esbuild.buildSync({
      entryPoints: [path.join(root, ENTRIES[name])],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      sourcemap: true,
      external: ['ibm_db', 'pg-native'],
      legalComments: 'none',
      logLevel: 'error',
    });
    sizes[name] = fs.statSync(outfile).size;
  }
  if (!quiet) {
    for (const [name, size] of Object.entries(sizes)) console.log(`dist/${name}.js  ${(size / 1024).toFixed(1)} KiB`);
  }
  return sizes;
}

module.exports = { build, ENTRIES };
if (require.main === module) build();
