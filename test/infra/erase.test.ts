import assert from "node:assert/strict";
import { envNames } from "../../functions/topology";
import { one, runStack, statementsOf, type StackRun } from "./harness";

for (const stack of ["dev", "prod"] as const) {
  describe(`erase function (${stack})`, () => {
    let run: StackRun;
    before(async () => {
      run = await runStack(stack);
    });

    it("runs in the VPC, one at a time, logging to its own group, and is a stack output", () => {
      const fn = one(run, "aws:lambda/function:Function", "fluxa-pipeline-erase").inputs;
      assert.equal(fn.name, `fluxa-erase-${stack}`);
      assert.ok(fn.vpcConfig);
      assert.equal(fn.reservedConcurrentExecutions, 1);
      assert.equal((fn.loggingConfig as { logGroup: string }).logGroup, `/aws/lambda/fluxa-erase-${stack}`);
      one(run, "aws:cloudwatch/logGroup:LogGroup", "fluxa-observability-erase-logs");
      assert.equal(run.outputs.eraseFunctionName, `fluxa-erase-${stack}`);
      const variables = (fn.environment as { variables: Record<string, string> }).variables;
      assert.equal(variables[envNames.payloadBucket], "fluxa-pipeline-payloads-1a2b3c");
    });

    it("may delete payload objects under raw/ only, and read or write nothing else of the bucket", () => {
      const s3 = statementsOf(one(run, "aws:iam/rolePolicy:RolePolicy", "fluxa-pipeline-erase-policy").inputs.policy).filter((s) => s.Action.some((a) => a.startsWith("s3:")));
      assert.deepEqual(s3.map(({ Sid, Effect, Action, Resource }) => ({ Sid, Effect, Action, Resource })), [
        { Sid: "ErasePayloads", Effect: "Allow", Action: ["s3:DeleteObject"], Resource: ["arn:aws:s3:::fluxa-pipeline-payloads-1a2b3c/raw/*"] },
      ]);
    });

    it("no other function may delete payloads", () => {
      const deleters = run.registrations
        .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy")
        .filter((r) => statementsOf(r.inputs.policy).some((s) => s.Effect === "Allow" && s.Action.includes("s3:DeleteObject")))
        .map((r) => r.name);
      assert.deepEqual(deleters, ["fluxa-pipeline-erase-policy"]);
    });
  });
}
