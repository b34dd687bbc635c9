// Lets plain `node -r ./scripts/register-ts.js file.ts` run the project's TypeScript (demo, bench)
// without a build step: each .ts file is stripped of types by esbuild as it is required.
const fs = require('fs');
const { transformSync } = require('esbuild');

require.extensions['.ts'] = function compileTs(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    loader: 'ts',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: filename,
    supported: { 'dynamic-import': false },
  });
  module._compile(code, filename);
};
