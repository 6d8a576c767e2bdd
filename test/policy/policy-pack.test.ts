import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createFluxa } from "../../components/program";
import { lambdaRuntime } from "../../functions/topology";
import { runOffline, type Registration } from "../../scripts/preview/mock-engine";
import { loadPack, runPolicies, type Violation } from "../../scripts/preview/policy-run";
import { readStackConfig } from "../../scripts/preview/stack-file";
import { loadConfig } from "../../stack-config/config";
import type { PackDefinition } from "../../policy/pack";
import { runStack } from "../infra/harness";

const packDir = path.resolve(__dirname, "..", "..", "policy");

/** "policy resource-name" for each violation, sorted: what a reader of the output would look for. */
const named = (violations: readonly Violation[]) => violations.map((v) => `${v.policy} ${v.urn.split("::").pop()}`).sort();

/** The registrations with `name`'s inputs (and state) changed, as if the program had asked for that. */
function changed(registrations: readonly Registration[], name: string, change: (props: Record<string, unknown>) => Record<string, unknown>): Registration[] {
  assert.ok(registrations.some((r) => r.name === name), `no registration named ${name}`);
  return registrations.map((r) => (r.name === name ? { ...r, inputs: change({ ...r.inputs }), state: change({ ...r.state }) } : r));
}

describe("policy pack (policy/) over the program", function () {
  this.timeout(180_000);
  let pack: PackDefinition;
  before(() => (pack = loadPack(packDir)));

  for (const stack of ["dev", "prod"] as const) {
    it(`finds no violation in ${stack}`, async () => {
      assert.deepEqual(await runPolicies(pack, (await runStack(stack)).registrations), []);
    });
  }

  it("names every function on a deprecated runtime and every log group that keeps logs forever when the program is broken so", async () => {
    const bundleDir = mkdtempSync(path.join(tmpdir(), "fluxa-bundles-policy-"));
    const runtime = lambdaRuntime as { identifier: string };
    const { registrations } = await runOffline("dev", readStackConfig("dev"), () => {
      runtime.identifier = "nodejs18.x";
      try {
        return createFluxa({ ...loadConfig(), logRetentionDays: 0 }, { bundleDir });
      } finally {
        runtime.identifier = "nodejs24.x";
      }
    });
    const violations = await runPolicies(pack, registrations);
    assert.ok(violations.every((v) => v.enforcementLevel === "mandatory"));
    assert.deepEqual(named(violations), [
      ...["api-access", "ingest", "migrate", "processor", "query", "replay", "erase", "maintain"].map((group) => `fluxa-log-group-retention fluxa-observability-${group}-logs`),
      ...["ingest", "migrate", "processor", "query", "replay", "erase", "maintain"].map((fn) => `fluxa-lambda-runtime-supported fluxa-pipeline-${fn}`),
    ].sort());
    assert.match(violations.find((v) => v.policy === "fluxa-lambda-runtime-supported")!.message, /runtime nodejs18\.x was deprecated on 2025-09-01/);
  });

  describe("each rule, on a stack's resources with one thing changed", () => {
    const wildcard = { Sid: "Everything", Effect: "Allow", Action: ["s3:*"], Resource: ["*"] };
    const cases: { stack: "dev" | "prod"; what: string; name: string; change: (props: Record<string, unknown>) => Record<string, unknown>; expected: string[] }[] = [
      { stack: "dev", what: "a queue without a redrive policy", name: "fluxa-pipeline-queue", change: ({ redrivePolicy: _, ...p }) => p, expected: ["fluxa-queue-redrive fluxa-pipeline-queue", "fluxa-queue-redrive fluxa-pipeline-dlq"] },
      { stack: "dev", what: "a DLQ keeping messages less long than its queue", name: "fluxa-pipeline-dlq", change: (p) => ({ ...p, messageRetentionSeconds: 3600 }), expected: ["fluxa-queue-redrive fluxa-pipeline-dlq"] },
      { stack: "dev", what: "a visibility timeout under 6x the consumer's timeout", name: "fluxa-pipeline-queue", change: (p) => ({ ...p, visibilityTimeoutSeconds: 60 }), expected: ["fluxa-queue-visibility-timeout fluxa-pipeline-queue"] },
      { stack: "dev", what: "an SQS mapping without a maximum concurrency", name: "fluxa-pipeline-processor-source", change: ({ scalingConfig: _, ...p }) => p, expected: ["fluxa-sqs-mapping-concurrency fluxa-pipeline-processor-source"] },
      { stack: "prod", what: "a consumer reserving less than its mapping's maximum concurrency", name: "fluxa-pipeline-processor", change: (p) => ({ ...p, reservedConcurrentExecutions: 1 }), expected: ["fluxa-sqs-mapping-concurrency fluxa-pipeline-processor"] },
      { stack: "dev", what: "a bucket policy without the TLS-only refusal", name: "fluxa-pipeline-payloads-policy", change: (p) => ({ ...p, policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) }), expected: ["fluxa-bucket-tls-only fluxa-pipeline-payloads"] },
      {
        stack: "dev",
        what: "a wildcard action and resource in a role's policy",
        name: "fluxa-pipeline-processor-policy",
        change: (p) => ({ ...p, policy: JSON.stringify({ Version: "2012-10-17", Statement: [...(JSON.parse(String(p.policy)) as { Statement: unknown[] }).Statement, wildcard] }) }),
        expected: ["fluxa-iam-no-wildcards fluxa-pipeline-processor-policy", "fluxa-iam-no-wildcards fluxa-pipeline-processor-policy"],
      },
      { stack: "dev", what: "an unencrypted database", name: "fluxa-store-db", change: (p) => ({ ...p, storageEncrypted: false }), expected: ["fluxa-rds-instance-safe fluxa-store-db", "rds-storage-encrypted fluxa-store-db"] },
      { stack: "dev", what: "a public database", name: "fluxa-store-db", change: (p) => ({ ...p, publiclyAccessible: true }), expected: ["fluxa-rds-instance-safe fluxa-store-db", "rds-instance-public-access fluxa-store-db"] },
      { stack: "prod", what: "a prod database without deletion protection", name: "fluxa-store-db", change: (p) => ({ ...p, deletionProtection: false }), expected: ["fluxa-rds-instance-safe fluxa-store-db"] },
      { stack: "prod", what: "a single-AZ prod database (dev's is allowed)", name: "fluxa-store-db", change: (p) => ({ ...p, multiAz: false }), expected: ["rds-instance-multi-az-enabled fluxa-store-db"] },
      { stack: "dev", what: "an events topic without a KMS key", name: "fluxa-pipeline-events-topic", change: ({ kmsMasterKeyId: _, ...p }) => p, expected: ["fluxa-sns-sqs-encrypted fluxa-pipeline-events-topic"] },
      { stack: "dev", what: "an unencrypted queue", name: "fluxa-pipeline-dlq", change: (p) => ({ ...p, sqsManagedSseEnabled: false }), expected: ["fluxa-sns-sqs-encrypted fluxa-pipeline-dlq"] },
      { stack: "dev", what: "an edge-optimised API", name: "fluxa-pipeline-api", change: (p) => ({ ...p, endpointConfiguration: { types: "EDGE" } }), expected: ["apigateway-endpoint-type fluxa-pipeline-api"] },
    ];
    for (const { stack, what, name, change, expected } of cases) {
      it(`reports ${what} (${stack})`, async () => {
        const violations = await runPolicies(pack, changed((await runStack(stack)).registrations, name, change));
        assert.deepEqual(named(violations), expected.sort());
      });
    }

    it("reports every bucket without access logging once nothing logs to the log bucket (which alone is exempt)", async () => {
      const registrations = (await runStack("dev")).registrations.filter((r) => r.type !== "aws:s3/bucketLogging:BucketLogging");
      assert.deepEqual(named(await runPolicies(pack, registrations)), ["fluxa-bucket-access-logging fluxa-pipeline-access-logs", "fluxa-bucket-access-logging fluxa-pipeline-payloads"]);
    });
  });
});
