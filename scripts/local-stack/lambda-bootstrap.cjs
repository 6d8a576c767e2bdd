"use strict";
/**
 * One Lambda execution environment, run in a worker thread: it loads the function's bundle once
 * (the cold start; a throw here is an init error and ends the worker) and then handles the
 * invocations the host posts, one at a time. Plain CommonJS, so no TypeScript loader runs
 * inside the emulated runtime.
 */
const { parentPort, workerData } = require("node:worker_threads");
const { pathToFileURL } = require("node:url");

// Lambda ships what a function writes to stdout to CloudWatch Logs on its own, not line by line through
// the function. Here the lines travel to the host with the invocation's reply, or after at most
// logFlushMs (a long invocation, init), rather than through the worker's stdout stream: that costs two
// thread messages per write (the chunk and the host's flow-control answer), and waking another thread
// is the dearest thing the local stack does. Replacing process.stdout.write also makes pino write
// through it instead of straight to file descriptor 1.
const forwardLogs = workerData.forwardLogs;
const logFlushMs = 100;
let pendingLogs = "";
process.stdout.write = function write(chunk, encoding, callback) {
  if (forwardLogs) {
    if (pendingLogs === "") setTimeout(flushLogs, logFlushMs);
    pendingLogs += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encoding === "string" ? encoding : "utf8");
  }
  const done = typeof encoding === "function" ? encoding : callback;
  if (typeof done === "function") process.nextTick(done);
  return true;
};

function flushLogs() {
  if (pendingLogs !== "") parentPort.postMessage({ logs: takeLogs() });
}

function takeLogs() {
  const logs = pendingLogs;
  pendingLogs = "";
  return logs;
}

const handlerLoaded = loadBundle(workerData.bundlePath);

parentPort.on("message", async ({ event, context }) => {
  const handler = await handlerLoaded;
  let reply;
  try {
    // Lambda returns the handler's result serialised as JSON; undefined becomes null.
    reply = { result: JSON.stringify((await runHandler(handler, event, lambdaContext(context))) ?? null) };
  } catch (error) {
    reply = { error: describeError(error) };
  }
  parentPort.postMessage({ ...reply, logs: takeLogs() });
});

/**
 * The bundle is an ES module, imported as Lambda's runtime does. An init error ends the worker (an
 * uncaught exception); what the bundle logged before it still reaches the host.
 */
async function loadBundle(bundlePath) {
  try {
    const { handler } = await import(pathToFileURL(bundlePath).href);
    if (typeof handler !== "function") throw new Error(`${bundlePath} does not export a handler function`);
    return handler;
  } catch (error) {
    process.nextTick(() => {
      throw error;
    });
    return new Promise(() => undefined);
  } finally {
    flushLogs();
  }
}

function runHandler(handler, event, context) {
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
