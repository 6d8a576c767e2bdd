import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { Registration } from "../../scripts/preview/mock-engine";
import { loadPack, PolicyPackError, runPolicies } from "../../scripts/preview/policy-run";
import { lambdaRuntimeSupported } from "../../policy/rules/compute";
import type { PackDefinition, ResourceValidationPolicy, StackValidationPolicy } from "../../policy/pack";

function registration(type: string, name: string, inputs: Record<string, unknown>, state: Record<string, unknown> = {}): Registration {
  return { type, name, inputs, state: { ...inputs, ...state }, custom: true, id: `${name}-id`, urn: `urn:pulumi:dev::fluxa::${type}::${name}` };
}

const bucket = registration("aws:s3/bucket:Bucket", "b", {}, { arn: "arn:aws:s3:::b-1" });
const fn = registration("aws:lambda/function:Function", "f", { runtime: "nodejs24.x", token: { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: "plain" } });

const reportEvery = (name: string, extra: Partial<ResourceValidationPolicy> = {}): ResourceValidationPolicy => ({
  name,
  description: name,
  validateResource: (args, report) => report(`saw ${args.name}`),
  ...extra,
});

const packOf = (policies: PackDefinition["policies"], config: PackDefinition["config"] = {}): PackDefinition => ({ name: "test", enforcementLevel: "mandatory", policies, config });

describe("preview:offline's policy runner", () => {
  it("calls each resource validator once per resource and collects every violation, at the level the pack sets", async () => {
    const violations = await runPolicies(packOf([reportEvery("a"), reportEvery("b")], { b: "advisory" }), [bucket, fn]);
    assert.deepEqual(
      violations.map((v) => `${v.enforcementLevel} ${v.policy} ${v.urn} ${v.message}`),
      [
        `mandatory a ${bucket.urn} saw b`,
        `mandatory a ${fn.urn} saw f`,
        `advisory b ${bucket.urn} saw b`,
        `advisory b ${fn.urn} saw f`,
      ],
    );
  });

  it("skips disabled policies and the resources a validator finds not applicable", async () => {
    const onlyFunctions = reportEvery("functions", { validateResource: (args, report) => (args.type === "aws:lambda/function:Function" ? report("f") : args.notApplicable("not a function")) });
    const violations = await runPolicies(packOf([reportEvery("off"), onlyFunctions], { off: "disabled" }), [bucket, fn]);
    assert.deepEqual(violations.map((v) => `${v.policy} ${v.urn}`), [`functions ${fn.urn}`]);
  });

  it("hands validators plain secret values, their config schema's defaults under the pack's values, and isType by Pulumi type", async () => {
    const seen: unknown[] = [];
    const probe = reportEvery("probe", {
      configSchema: { properties: { kept: { type: "string", default: "schema" }, overridden: { type: "string", default: "schema" } } },
      validateResource: (args) => void seen.push([args.props.token, args.getConfig(), args.isType({ __pulumiType: "aws:lambda/function:Function" } as never)]),
    });
    await runPolicies(packOf([probe], { probe: { enforcementLevel: "mandatory", overridden: "pack" } }), [fn]);
    assert.deepEqual(seen, [["plain", { kept: "schema", overridden: "pack" }, true]]);
  });

  it("gives stack validators every resource's state and id, and the stack's violations their resource", async () => {
    const stackPolicy: StackValidationPolicy = {
      name: "stack",
      description: "stack",
      validateStack: ({ resources }, report) => resources.forEach((r) => report(`${String(r.props.id)} ${String(r.props.arn)}`, r.urn)),
    };
    const violations = await runPolicies(packOf([stackPolicy]), [bucket]);
    assert.deepEqual(violations.map((v) => `${v.urn} ${v.message}`), [`${bucket.urn} b-id arn:aws:s3:::b-1`]);
  });

  it("fails the run, naming the policy and the resource, when a validator throws instead of judging", async () => {
    const broken = reportEvery("broken", { validateResource: () => {
        throw new TypeError("cannot read the props");
      },
    });
    await assert.rejects(runPolicies(packOf([broken]), [bucket]), (error: Error) => error instanceof PolicyPackError && error.message === `policy broken failed on ${bucket.urn}: cannot read the props`);
  });

  it("refuses a directory that is not a pack, or whose pack.ts exports no policies, with the reason", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fluxa-policy-"));
    try {
      assert.throws(() => loadPack(dir), /is not a policy pack: it has no PulumiPolicy.yaml/);
      writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
      writeFileSync(path.join(dir, "pack.ts"), "export const policies = [];\n");
      assert.throws(() => loadPack(dir), /exports no pack with a policies array/);
      mkdirSync(path.join(dir, "broken"));
      writeFileSync(path.join(dir, "broken", "PulumiPolicy.yaml"), "runtime: nodejs\n");
      writeFileSync(path.join(dir, "broken", "pack.ts"), 'import "no-such-module-anywhere";\n');
      assert.throws(() => loadPack(path.join(dir, "broken")), /fails to load .*Cannot find module 'no-such-module-anywhere'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("fluxa-lambda-runtime-supported", () => {
  const verdict = async (runtime: string, today: string) => {
    const pack = packOf([lambdaRuntimeSupported(() => new Date(today))]);
    return (await runPolicies(pack, [registration("aws:lambda/function:Function", "f", { runtime })])).map((v) => v.message);
  };

  it("refuses a runtime deprecated within 180 days, from its dated table, and accepts it earlier", async () => {
    assert.deepEqual(await verdict("nodejs22.x", "2026-10-01"), []);
    assert.deepEqual(await verdict("nodejs22.x", "2026-11-01"), []);
    assert.deepEqual(await verdict("nodejs22.x", "2026-11-02"), ["runtime nodejs22.x is deprecated on 2027-04-30, in 179 days (fewer than 180)"]);
    assert.deepEqual(await verdict("nodejs18.x", "2026-12-07"), ["runtime nodejs18.x was deprecated on 2025-09-01"]);
    assert.deepEqual(await verdict("nodejs24.x", "2026-12-07"), []);
  });

  it("refuses a runtime missing from the table until its date is added", async () => {
    assert.deepEqual(await verdict("python3.13", "2026-12-07"), ["runtime python3.13 is not in the pack's deprecation table (policy/rules/compute.ts): add its date"]);
  });
});
