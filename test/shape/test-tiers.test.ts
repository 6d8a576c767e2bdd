import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS, read by .mocharc.fast.cjs too
const { root, testTiers } = require("../import-graph.cjs") as { root: string; testTiers: () => { fast: string[]; slow: string[] } };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the fast tier's own mocha config
const fastConfig = require("../../.mocharc.fast.cjs") as { spec: string[] };

const allTests = readdirSync(path.join(root, "test"), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".test.ts"))
  .map((f) => path.join("test", f))
  .sort();
const starters = /\b(startTestStack|startLocalStack|startEmbeddedPostgres|startTestDatabase|useTestStore|runChaos)\(/;

describe("test tiers: npm run test:fast", () => {
  const { fast, slow } = testTiers();

  it("runs the fast tier: the config's spec is that tier", () => {
    expect(fastConfig.spec).to.deep.equal(fast);
  });

  it("puts every test file in exactly one tier, so npm test's files are the two tiers together", () => {
    expect([...fast, ...slow].sort()).to.deep.equal(allTests);
    expect(fast.filter((f) => slow.includes(f))).to.deep.equal([]);
  });

  it("leaves out every test that starts the local stack or PostgreSQL", () => {
    const starting = allTests.filter((f) => starters.test(readFileSync(path.join(root, f), "utf8")));
    expect(starting).to.include.members(["test/e2e/single-event-pipeline.test.ts", "test/local-stack/embedded-postgres.test.ts"].map((f) => path.normalize(f)));
    expect(starting.filter((f) => fast.includes(f))).to.deep.equal([]);
    for (const f of ["test/functions/adapters/postgres-event-repository.test.ts", "test/dlq/dlq.test.ts", "test/chaos/chaos.test.ts"]) expect(slow).to.include(path.normalize(f));
  });

  it("keeps the tests that need neither: handlers, infra under mocks, the emulators, the CLIs", () => {
    for (const f of ["test/functions/processor/sqs-batch.test.ts", "test/infra/program.test.ts", "test/local-stack/sqs-event-source.test.ts", "test/scripts/cli.test.ts"]) {
      expect(fast).to.include(path.normalize(f));
    }
  });
});
