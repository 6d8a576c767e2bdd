import assert from "node:assert/strict";
import * as path from "node:path";
import { InvocationError, LambdaRuntime, type FunctionConfiguration } from "../../scripts/local-stack/lambda-runtime";

const probe: FunctionConfiguration = {
  name: "probe",
  bundleDir: path.join(__dirname, "fixtures", "probe-function"),
  timeoutSeconds: 1,
  memoryMb: 256,
  environment: { ONLY_THIS: "for the probe", AWS_REGION: "us-east-1" },
  region: "us-east-1",
  quiet: true,
};

interface Description {
  env: Record<string, string>;
  context: Record<string, unknown>;
  threadId: number;
}

async function invocationError(invocation: Promise<unknown>): Promise<InvocationError> {
  try {
    await invocation;
  } catch (error) {
    assert.ok(error instanceof InvocationError, `not an InvocationError: ${String(error)}`);
    return error;
  }
  throw new Error("the invocation succeeded");
}

describe("local stack: Lambda runtime", () => {
  let runtime: LambdaRuntime;
  const hostOnlyVariable = "FLUXA_TEST_HOST_ONLY";

  beforeEach(() => {
    process.env[hostOnlyVariable] = "must not leak";
    runtime = new LambdaRuntime([probe], 1);
  });

  afterEach(async () => {
    delete process.env[hostOnlyVariable];
    await runtime.stop();
  });

  it("gives a function exactly its own environment and a Lambda-like context", async () => {
    const { env, context } = (await runtime.invoke("probe", { action: "describe" })) as Description;

    assert.deepEqual(env, { ONLY_THIS: "for the probe", AWS_REGION: "us-east-1" });
    const { awsRequestId, logStreamName, remainingTimeInMillis, ...fixed } = context;
    assert.deepEqual(fixed, {
      functionName: "probe",
      functionVersion: "$LATEST",
      invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:probe",
      memoryLimitInMB: "256",
      logGroupName: "/aws/lambda/probe",
      callbackWaitsForEmptyEventLoop: true,
    });
    assert.match(String(awsRequestId), /^[0-9a-f-]{36}$/);
    assert.match(String(logStreamName), /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.ok(Number(remainingTimeInMillis) > 0 && Number(remainingTimeInMillis) <= 1000);
  });

  it("reuses a warm execution environment between invocations", async () => {
    const first = (await runtime.invoke("probe", { action: "describe" })) as Description;
    const second = (await runtime.invoke("probe", { action: "describe" })) as Description;

    assert.equal(second.threadId, first.threadId);
    assert.equal(runtime.invocationCount("probe"), 2);
  });

  it("reports a thrown error as an invocation error", async () => {
    const error = await invocationError(runtime.invoke("probe", { action: "throw" }));

    assert.equal(error.errorType, "TypeError");
    assert.equal(error.message, "probe failed on purpose");
  });

  it("ends an invocation that outlives the timeout and serves the next one from a fresh worker", async () => {
    const before = (await runtime.invoke("probe", { action: "describe" })) as Description;

    const error = await invocationError(runtime.invoke("probe", { action: "sleep", ms: 10_000 }));
    const after = (await runtime.invoke("probe", { action: "describe" })) as Description;

    assert.equal(error.errorType, "Sandbox.Timedout");
    assert.equal(error.message, "Task timed out after 1.00 seconds");
    assert.notEqual(after.threadId, before.threadId);
  });

  it("fails the in-flight invocation when the runtime crashes, then recovers", async () => {
    const error = await invocationError(runtime.invoke("probe", { action: "crash" }));

    assert.equal(error.errorType, "Runtime.ExitError");
    assert.deepEqual(await runtime.invoke("probe", { action: "echo-me" }), { echo: { action: "echo-me" } });
  });

  it("kills a function's workers mid-invocation", async () => {
    const sleeping = invocationError(runtime.invoke("probe", { action: "sleep", ms: 800 }));
    await new Promise((resolve) => setTimeout(resolve, 100));

    const killed = await runtime.kill("probe");

    assert.equal(killed, 1);
    assert.equal((await sleeping).errorType, "Runtime.ExitError");
    assert.deepEqual(await runtime.invoke("probe", { action: "sleep", ms: 1 }), { slept: 1 });
  });

  it("hands each line the function writes to stdout to onLogLine, in order, before the invocation returns", async () => {
    const lines: string[] = [];
    const logging = new LambdaRuntime([{ ...probe, onLogLine: (line) => lines.push(line) }], 1);
    try {
      await logging.invoke("probe", { action: "log" });
      assert.deepEqual(lines, ['{"n":1}', '{"n":2}', '{"n":3}']);
      await logging.invoke("probe", { action: "log" });
      assert.equal(lines.length, 6);
    } finally {
      await logging.stop();
    }
  });

  it("prints each complete line as formatLogLine renders it, unless quiet", async () => {
    const printed: string[] = [];
    const formatting = new LambdaRuntime([{ ...probe, quiet: false, formatLogLine: (line) => `<${line}>\n` }], 1);
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string | Uint8Array) => printed.push(String(chunk)) > 0;
    try {
      await formatting.invoke("probe", { action: "log" });
    } finally {
      process.stdout.write = write;
      await formatting.stop();
    }
    assert.equal(printed.join(""), '<{"n":1}>\n<{"n":2}>\n<{"n":3}>\n');
  });

  it("queues invocations beyond the pool size instead of running them in parallel", async () => {
    const results = await Promise.all([1, 2, 3].map((ms) => runtime.invoke("probe", { action: "sleep", ms })));

    assert.deepEqual(results, [{ slept: 1 }, { slept: 2 }, { slept: 3 }]);
    assert.equal(runtime.invocationCount("probe"), 3);
  });

  it("throttles invocations beyond reserved concurrency at once, as Lambda does, and serves them again once a slot frees", async () => {
    const throttles: Array<[number, number]> = [];
    const reserved = new LambdaRuntime([{ ...probe, reservedConcurrency: 2, onThrottle: (reservation, count) => throttles.push([reservation, count]) }], 1);
    try {
      const running = [reserved.invoke("probe", { action: "sleep", ms: 300 }), reserved.invoke("probe", { action: "sleep", ms: 300 })];

      const throttled = await invocationError(reserved.invoke("probe", { action: "sleep", ms: 1 }));

      assert.deepEqual([throttled.errorType, throttled.message], ["TooManyRequestsException", "Rate Exceeded."]);
      assert.deepEqual(throttles, [[2, 1]]);
      assert.deepEqual(await Promise.all(running), [{ slept: 300 }, { slept: 300 }]);
      assert.deepEqual(await reserved.invoke("probe", { action: "sleep", ms: 1 }), { slept: 1 });
      assert.deepEqual([reserved.invocationCount("probe"), reserved.throttleCount("probe"), reserved.peakConcurrency("probe")], [3, 1, 2]);
    } finally {
      await reserved.stop();
    }
  });
});
