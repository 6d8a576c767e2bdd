"use strict";
/**
 * One Lambda execution environment, run in a worker thread: it loads the function's bundle once
 * (the cold start; a throw here is an init error and ends the worker) and then handles the
 * invocations the host posts, one at a time. Plain CommonJS, so no TypeScript loader runs
 * inside the emulated runtime.
 */
const { parentPort, workerData } = require("node:worker_threads");

// pino writes straight to file descriptor 1 unless process.stdout.write has been replaced; going
// through the worker's stdout stream lets the host pass function logs on or silence them.
const writeToWorkerStdout = process.stdout.write;
process.stdout.write = function write(...args) {
  return writeToWorkerStdout.apply(this, args);
};

const { handler } = require(workerData.bundlePath);
if (typeof handler !== "function") throw new Error(`${workerData.bundlePath} does not export a handler function`);

parentPort.on("message", async ({ event, context }) => {
  try {
    const result = await runHandler(event, lambdaContext(context));
    // Lambda returns the handler's result serialised as JSON; undefined becomes null.
    parentPort.postMessage({ result: JSON.stringify(result ?? null) });
  } catch (error) {
    parentPort.postMessage({ error: describeError(error) });
  }
});

function runHandler(event, context) {
  return new Promise((resolve, reject) => {
    const callback = (error, result) => (error ? reject(error) : resolve(result));
    const returned = handler(event, context, callback);
    if (returned && typeof returned.then === "function") returned.then(resolve, reject);
  });
}

function lambdaContext({ deadline, ...fields }) {
  return {
    ...fields,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

function describeError(error) {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: String(error.stack ?? "").split("\n") };
  }
  return { errorType: "Error", errorMessage: String(error), trace: [] };
}
