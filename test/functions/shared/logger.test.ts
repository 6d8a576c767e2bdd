import { assert } from "chai";
import { Writable } from "node:stream";
import { createLogger } from "../../../functions/shared/logger";

/** The levels Lambda's JSON log filtering understands (case-insensitive). */
const lambdaLevels = ["trace", "debug", "info", "warn", "error", "fatal"];
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function capture(env: NodeJS.ProcessEnv): { log: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString("utf8"));
      done();
    },
  });
  const log = createLogger("ingest", env, sink);
  const lines = () => chunks.join("").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, lines };
}

describe("function logs", () => {
  it("give every line the level and RFC 3339 timestamp Lambda's log-level filtering reads", () => {
    const { log, lines } = capture({ LOG_LEVEL: "trace" });
    log.trace("t");
    log.debug("d");
    log.info({ event_id: "e1" }, "i");
    log.warn("w");
    log.error(new Error("boom"), "e");
    log.fatal("f");
    const written = lines();
    assert.deepEqual(written.map((line) => line.level), lambdaLevels);
    for (const line of written) {
      assert.match(String(line.timestamp), rfc3339);
      assert.equal(line.function, "ingest");
    }
  });

  it("writes nothing below LOG_LEVEL", () => {
    const { log, lines } = capture({ LOG_LEVEL: "warn" });
    log.info("dropped");
    log.warn("kept");
    assert.deepEqual(lines().map((line) => line.msg), ["kept"]);
  });
});
