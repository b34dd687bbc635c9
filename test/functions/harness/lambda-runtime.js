// Calls a handler the way the AWS Lambda Node.js runtime (aws-lambda-nodejs-runtime-interface-client)
// does, in this process of its own, and prints what Lambda would record as one line:
//   RESULT {"result": …}                         the handler's return value
//   RESULT {"errorType": …, "errorMessage": …}   the handler threw (errorType is error.name, as the runtime reports it)
//   RESULT {"errorType": "Runtime.ExitError", …} the process would die: an unhandled rejection or
//                                                uncaught exception reached the runtime's own listeners,
//                                                which post the error and exit the process.
//
//   [STRAY_REJECTION_MS=N] node lambda-runtime.js TASK_ROOT HANDLER EVENT_JSON
//   (HANDLER as in serverless.yml: dist/aws-handler.handler)
'use strict';
const path = require('path');

const [taskRoot, handlerSpec, eventJson] = process.argv.slice(2);

function print(record) {
  process.stdout.write(`RESULT ${JSON.stringify(record)}\n`);
}

// The runtime installs these before loading the function's code; a function that lets an error
// through to them loses its invocation.
process.on('unhandledRejection', (reason) => {
  print({
    errorType: 'Runtime.ExitError',
    errorMessage: `Runtime.UnhandledPromiseRejection: ${reason && reason.message}`,
  });
  process.exit(128);
});
process.on('uncaughtException', (error) => {
  print({ errorType: 'Runtime.ExitError', errorMessage: `Uncaught Exception: ${error && error.message}` });
  process.exit(129);
});

const dot = handlerSpec.lastIndexOf('.');
const mod = require(path.resolve(taskRoot, handlerSpec.slice(0, dot)));
const handler = mod[handlerSpec.slice(dot + 1)];
const context = {
  awsRequestId: 'c0ffee00-0000-4000-8000-000000000001',
  functionName: 'warehouse-sync-test-sync',
  getRemainingTimeInMillis: () => 600000,
};
// STRAY_REJECTION_MS: a rejection nobody handles, made that long into the invocation, as an
// unknown defect would make one (proves the handler's last resort; no real input needs it).
if (process.env.STRAY_REJECTION_MS) {
  setTimeout(
    () => Promise.reject(new Error('stray failure for mysql://root:Str4yPw9@10.0.0.5/x')),
    Number(process.env.STRAY_REJECTION_MS),
  );
}
Promise.resolve(handler(JSON.parse(eventJson), context)).then(
  (result) => print({ result }),
  (error) => print({ errorType: error && error.name, errorMessage: error && error.message }),
);
