import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadConfig } from "../../stack-config/config";
import { createFluxa } from "../../components/program";
import { envNames } from "../../functions/topology";
import { runOffline, type Registration } from "../../scripts/preview/mock-engine";
import { readStackConfig } from "../../scripts/preview/stack-file";
import { ofType, runStack, type StackRun } from "./harness";

const keyType = "aws:apigateway/apiKey:ApiKey";
const planType = "aws:apigateway/usagePlan:UsagePlan";
const planKeyType = "aws:apigateway/usagePlanKey:UsagePlanKey";

/** Each key's source, as the usage plans hold them: key id → the source of the plan it is in. */
function keysByPlan(registrations: readonly Registration[]): Record<string, string> {
  const plans = new Map(registrations.filter((r) => r.type === planType).map((p) => [`${p.name}-id`, String(p.inputs.name)]));
  const entries = registrations
    .filter((r) => r.type === planKeyType)
    .map((k): [string, string] => [String(k.inputs.keyId), sourceOfPlan(String(plans.get(String(k.inputs.usagePlanId))))]);
  return Object.fromEntries(entries);
}

/** `fluxa-dev-usage` (the default source's, named as before sources) or `fluxa-dev-<source>-usage`. */
function sourceOfPlan(planName: string): string {
  const match = /^fluxa-(?:dev|prod)-(?:(.+)-)?usage$/.exec(planName);
  assert.ok(match, planName);
  return match[1] ?? "default";
}

function environmentOf(registrations: readonly Registration[], fn: string): Record<string, string> {
  const found = registrations.find((r) => r.type === "aws:lambda/function:Function" && r.name === `fluxa-pipeline-${fn}`);
  assert.ok(found, `no function ${fn}`);
  return (found.inputs.environment as { variables: Record<string, string> }).variables;
}

for (const stack of ["dev", "prod"] as const) {
  describe(`sources under mocks (${stack})`, () => {
    let run: StackRun;
    before(async () => {
      run = await runStack(stack);
    });

    it("declares at least two sources in the stack file", () => {
      assert.ok(run.config.sources.length >= 2, run.config.sources.map((s) => s.name).join(", "));
    });

    it("gives each source one usage plan on the stage with its own limits", () => {
      const plans = ofType(run, planType);
      assert.equal(plans.length, run.config.sources.length);
      for (const source of run.config.sources) {
        const physical = source.name === "default" ? `fluxa-${stack}-usage` : `fluxa-${stack}-${source.name}-usage`;
        const plan = plans.find((p) => p.inputs.name === physical);
        assert.ok(plan, `no usage plan ${physical}`);
        assert.deepEqual(plan.inputs.throttleSettings, { rateLimit: source.rateLimit, burstLimit: source.burstLimit });
        assert.deepEqual(plan.inputs.quotaSettings, { limit: source.quotaLimit, period: source.quotaPeriod });
        assert.deepEqual(plan.inputs.apiStages, [{ apiId: "fluxa-pipeline-api-id", stage: "v1" }]);
      }
    });

    it("creates one API key per key slot, each in its own source's plan and no other", () => {
      const keys = ofType(run, keyType);
      assert.equal(keys.length, run.config.sources.reduce((sum, s) => sum + s.keys, 0));
      const planOf = keysByPlan(run.registrations);
      assert.deepEqual(Object.keys(planOf).sort(), keys.map((k) => `${k.name}-id`).sort());
      for (const key of keys) assert.ok(String(key.inputs.name).startsWith(`fluxa-${stack}-`), String(key.inputs.name));
    });

    it("tells ingest, query, replay and erase each key id's source, exactly as the usage plans hold the keys", () => {
      const planOf = keysByPlan(run.registrations);
      for (const fn of ["ingest", "query", "replay", "erase"]) {
        assert.deepEqual(JSON.parse(environmentOf(run.registrations, fn)[envNames.sourceKeys]), planOf, fn);
      }
      for (const fn of ["processor", "migrate"]) assert.equal(environmentOf(run.registrations, fn)[envNames.sourceKeys], undefined, fn);
    });

    it("outputs each source's key ids, and its key values", () => {
      const ids = run.outputs.sourceKeyIds;
      assert.deepEqual(Object.keys(ids).sort(), run.config.sources.map((s) => s.name).sort());
      const planOf = keysByPlan(run.registrations);
      for (const [source, keyIds] of Object.entries(ids)) for (const id of keyIds) assert.equal(planOf[id], source);
      assert.deepEqual(Object.keys(run.outputs.sourceApiKeys).sort(), Object.keys(ids).sort());
      assert.ok(Object.values(run.outputs.sourceApiKeys).flat().every((value) => value === "mock-api-key-value"));
    });
  });
}

describe("sources under mocks: rotating a key", () => {
  async function keysWith(web: Record<string, unknown>): Promise<string[]> {
    const sources = JSON.stringify([{ name: "default" }, { name: "web", ...web }]);
    const config = { ...readStackConfig("dev"), "fluxa:sources": sources };
    const bundleDir = mkdtempSync(path.join(tmpdir(), "fluxa-bundles-rotation-"));
    const { registrations } = await runOffline("dev", config, () => createFluxa(loadConfig(), { bundleDir }));
    return registrations.filter((r) => r.type === keyType).map((r) => r.name).sort();
  }

  it("adds the second slot beside the first, then retires the first and keeps the second by its name", async () => {
    const [one, both, second] = [await keysWith({}), await keysWith({ keys: 2 }), await keysWith({ keys: 1, firstKey: 2 })];
    assert.deepEqual(one, ["fluxa-pipeline-key", "fluxa-pipeline-source-web-key-1"]);
    assert.deepEqual(both, ["fluxa-pipeline-key", "fluxa-pipeline-source-web-key-1", "fluxa-pipeline-source-web-key-2"]);
    assert.deepEqual(second, ["fluxa-pipeline-key", "fluxa-pipeline-source-web-key-2"]);
  });
});
