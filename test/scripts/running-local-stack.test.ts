import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { dlqMain } from "../../scripts/dlq";
import { replayMain } from "../../scripts/replay";
import {
  dataDirOf,
  defaultDataDir,
  LocalStackAlreadyRunning,
  recordRunningStack,
  refuseIfRunning,
  runningLocalStack,
  runningStackFile,
} from "../../scripts/lib/running-local-stack";

describe("the running local stack's record (stack.json in its data directory)", () => {
  let dataDir: string;
  const stack = {
    apiUrl: "http://127.0.0.1:3000",
    awsEndpointUrl: "http://127.0.0.1:41001",
    region: "us-east-1",
    queueUrl: "http://127.0.0.1:41001/000000000000/fluxa-events",
    dlqUrl: "http://127.0.0.1:41001/000000000000/fluxa-events-dlq",
    lambdaEndpointUrl: "http://127.0.0.1:41002",
    replayFunction: "replay",
    eraseFunction: "erase",
    maintainFunction: "maintain",
  };

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "fluxa-record-"));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it("is read back while this process runs, and gone once removed", () => {
    const forget = recordRunningStack(dataDir, stack);

    assert.deepEqual(runningLocalStack(dataDir), { pid: process.pid, ...stack });
    forget();
    assert.equal(existsSync(path.join(dataDir, runningStackFile)), false);
    assert.equal(runningLocalStack(dataDir), undefined);
  });

  it("refuses a second stack on a directory a live stack holds, naming its pid and API", () => {
    recordRunningStack(dataDir, stack);

    assert.throws(() => refuseIfRunning(dataDir), (error: Error) => {
      assert.ok(error instanceof LocalStackAlreadyRunning);
      const file = path.join(dataDir, runningStackFile);
      assert.equal(
        error.message,
        `a local stack (pid ${process.pid}, API http://127.0.0.1:3000) already runs on ${dataDir}: stop it, or give this one another FLUXA_DATA_DIR (if pid ${process.pid} is no longer a Fluxa stack, delete ${file})`,
      );
      return true;
    });
  });

  it("ignores a record left by a process that has exited (a killed stack), and a missing or garbled one", () => {
    const exited = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    writeFileSync(path.join(dataDir, runningStackFile), JSON.stringify({ pid: Number(exited.stdout), ...stack }));
    assert.equal(runningLocalStack(dataDir), undefined);
    assert.doesNotThrow(() => refuseIfRunning(dataDir));

    writeFileSync(path.join(dataDir, runningStackFile), "{garbled");
    assert.equal(runningLocalStack(dataDir), undefined);
    rmSync(path.join(dataDir, runningStackFile));
    assert.equal(runningLocalStack(dataDir), undefined);
  });

  it("is looked for where npm start keeps its data: FLUXA_DATA_DIR, else the repository's .fluxa", () => {
    assert.equal(dataDirOf({ FLUXA_DATA_DIR: dataDir }), dataDir);
    assert.equal(dataDirOf({}), defaultDataDir);
    assert.equal(dataDirOf({ FLUXA_DATA_DIR: " " }), defaultDataDir);
  });

  it("is what dlq and replay fall back on without URLs: when none runs, their error says so", async () => {
    const noStack = `; no local stack is running on ${dataDir} to take it from`;
    const io = { print: () => undefined, progressStream: { write: () => true, isTTY: false }, signal: new AbortController().signal };

    const dlq = await dlqMain(["list"], { FLUXA_DATA_DIR: dataDir }, () => undefined).catch((error: unknown) => error);
    const replay = await replayMain(["--from", "2026-12-01T00:00:00Z", "--to", "2026-12-02T00:00:00Z"], { FLUXA_DATA_DIR: dataDir }, io).catch((error: unknown) => error);

    assert.equal(String(dlq), `UsageError: missing required setting: --dlq-url (or FLUXA_DLQ_URL)${noStack}`);
    assert.equal(String(replay), `UsageError: missing required setting: --function (or FLUXA_REPLAY_FUNCTION)${noStack}`);
  });
});
