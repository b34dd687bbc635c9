// Jest transformer: strips types with esbuild (type checking is `tsc --noEmit`, run by `npm test`).
const crypto = require('crypto');
const fs = require('fs');
const { transformSync } = require('esbuild');

const SELF = crypto.createHash('sha1').update(fs.readFileSync(__filename)).digest('hex');

module.exports = {
  getCacheKey(source, filename) {
    return crypto.createHash('sha1').update(SELF).update(filename).update(source).digest('hex');
  },
  process(source, filename) {
    const result = transformSync(source, {
      loader: filename.endsWith('.ts') ? 'ts' : 'js',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: filename,
      supported: { 'dynamic-import': false }, // jest's CommonJS sandbox cannot run native import()
    });
    return { code: result.code };
  },
};
