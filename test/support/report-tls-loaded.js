// Preloaded into a CLI process by test/functions/tls.test.ts: says on stderr, at exit, whether
// Node's TLS module was ever loaded.
process.on('exit', () => process.stderr.write(`tls-loaded=${process.moduleLoadList.includes('NativeModule tls')}\n`));
