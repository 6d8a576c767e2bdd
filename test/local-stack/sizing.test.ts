import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stackSizing, topologySizing, withOverrides } from "../../scripts/local-stack/sizing";

describe("local stack: sizing", () => {
  let root: string;

  before(() => {
    root = mkdtempSync(path.join(tmpdir(), "fluxa-sizing-"));
    chmodSync(root, 0o755);
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it("defaults to the topology: query and migrate reserved, the processor bounded by its mapping", () => {
    const sizing = topologySizing();

    assert.deepEqual(
      [sizing.functions.ingest.reservedConcurrency, sizing.functions.processor.reservedConcurrency, sizing.functions.query.reservedConcurrency, sizing.functions.migrate.reservedConcurrency],
      [undefined, undefined, 10, 1],
    );
    assert.deepEqual(sizing.queue, { batchSize: 10, batchingWindowSeconds: 1, maximumConcurrency: 5 });
  });

  it("loads prod's limits from Pulumi.prod.yaml", () => {
    const sizing = stackSizing("prod");

    assert.deepEqual(
      [sizing.functions.ingest.reservedConcurrency, sizing.functions.processor.reservedConcurrency, sizing.functions.query.reservedConcurrency],
      [200, 50, 50],
    );
    assert.deepEqual(sizing.queue, { batchSize: 50, batchingWindowSeconds: 2, maximumConcurrency: 50 });
    assert.equal(sizing.functions.processor.memoryMb, 1024);
  });

  it("refuses a stack file that a deploy would refuse, naming the keys", () => {
    writeFileSync(
      path.join(root, "Pulumi.over.yaml"),
      "config:\n  aws:region: eu-west-1\n  fluxa:processorMaximumConcurrency: \"200\"\n  fluxa:processorReservedConcurrency: \"100\"\n",
    );

    assert.throws(() => stackSizing("over", root), /fluxa:processorMaximumConcurrency[\s\S]*fluxa:dbPoolSize|fluxa:dbPoolSize[\s\S]*fluxa:processorMaximumConcurrency/);
  });

  it("says which stack file is missing", () => {
    assert.throws(() => stackSizing("nowhere", root), /^Error: FLUXA_STACK=nowhere: there is no Pulumi\.nowhere\.yaml/);
  });

  it("lets explicit limits override the stack's, unchecked, to reproduce what a deploy refuses", () => {
    const sizing = withOverrides(topologySizing(), { reservedConcurrency: { processor: 1 }, maximumConcurrency: 3 });

    assert.deepEqual([sizing.functions.processor.reservedConcurrency, sizing.functions.query.reservedConcurrency, sizing.queue.maximumConcurrency], [1, 10, 3]);
  });
});
