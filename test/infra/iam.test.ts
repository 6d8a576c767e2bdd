import assert from "node:assert/strict";
import { functionNames, type FunctionName } from "../../functions/topology";
import { vpcAccessStatement, vpcNetworkInterfacesSid } from "../../components/policies";
import { one, ofType, runStack, statementsOf, type StackRun, type Statement } from "./harness";

const region = "eu-west-1:123456789012";
const secretArn = `arn:aws:secretsmanager:${region}:secret:rds!db-mock`;
const bucketObjects = "arn:aws:s3:::fluxa-pipeline-payloads-1a2b3c/raw/*";
const archiveObjects = "arn:aws:s3:::fluxa-pipeline-payloads-1a2b3c/archive/*";

function expectedStatements(fn: FunctionName, stack: string): Omit<Statement, "Effect">[] {
  const logs = { Sid: "WriteLogs", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`arn:aws:logs:${region}:log-group:/aws/lambda/fluxa-${fn}-${stack}:*`] };
  const vpc = { Sid: vpcNetworkInterfacesSid, Action: [...vpcAccessStatement().Action], Resource: ["*"] };
  const queue = `arn:aws:sqs:${region}:fluxa-events-${stack}`;
  const secret = { Sid: "ReadDatabaseSecret", Action: ["secretsmanager:GetSecretValue"], Resource: [secretArn] };
  switch (fn) {
    case "ingest":
      return [
        logs,
        { Sid: "SendEvents", Action: ["sqs:SendMessage"], Resource: [queue] },
        { Sid: "WritePayloads", Action: ["s3:PutObject"], Resource: [bucketObjects] },
      ];
    case "processor":
      return [
        logs,
        vpc,
        {
          Sid: "ConsumeEvents",
          Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility", "sqs:SendMessage"],
          Resource: [queue],
        },
        { Sid: "DeadLetterEvents", Action: ["sqs:SendMessage"], Resource: [`arn:aws:sqs:${region}:fluxa-events-dlq-${stack}`] },
        { Sid: "ReadPayloads", Action: ["s3:GetObject"], Resource: [bucketObjects] },
        { Sid: "PublishEvents", Action: ["sns:Publish"], Resource: [`arn:aws:sns:${region}:fluxa-pipeline-events-topic-1a2b3c`] },
        secret,
      ];
    case "query":
    case "migrate":
      return [logs, vpc, secret];
    case "replay":
      // No queue listed in the stack file: the replay reaches subscribers through the topic only.
      return [
        logs,
        vpc,
        secret,
        { Sid: "PublishEvents", Action: ["sns:Publish"], Resource: [`arn:aws:sns:${region}:fluxa-pipeline-events-topic-1a2b3c`] },
        { Sid: "ReadArchive", Action: ["s3:GetObject"], Resource: [archiveObjects] },
        { Sid: "ListArchive", Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::fluxa-pipeline-payloads-1a2b3c"] },
      ];
    case "erase":
      // Deletes rows through the database, and payloads only: no read of them, no other prefix.
      return [logs, vpc, secret, { Sid: "ErasePayloads", Action: ["s3:DeleteObject"], Resource: [bucketObjects] }];
    case "maintain":
      // Its own archive prefix only: never raw/ payloads.
      return [logs, vpc, secret, { Sid: "WriteArchive", Action: ["s3:PutObject", "s3:GetObject"], Resource: [archiveObjects] }];
  }
}

for (const stack of ["dev", "prod"] as const) {
  describe(`IAM (${stack})`, () => {
    let run: StackRun;
    before(async () => {
      run = await runStack(stack);
    });

    it("gives every function its own role, assumable by Lambda only", () => {
      for (const fn of functionNames) {
        const role = one(run, "aws:iam/role:Role", `fluxa-pipeline-${fn}-role`).inputs;
        const trust = JSON.parse(role.assumeRolePolicy as string) as { Statement: { Principal: unknown }[] };
        assert.deepEqual(trust.Statement.map((s) => s.Principal), [{ Service: "lambda.amazonaws.com" }]);
        const fnInputs = one(run, "aws:lambda/function:Function", `fluxa-pipeline-${fn}`).inputs;
        assert.equal(fnInputs.role, `arn:aws:mock:eu-west-1:123456789012:aws:iam/role:Role/fluxa-pipeline-${fn}-role-1a2b3c`);
      }
    });

    for (const fn of functionNames) {
      it(`grants ${fn} only the actions it uses, on the specific ARNs`, () => {
        const policy = one(run, "aws:iam/rolePolicy:RolePolicy", `fluxa-pipeline-${fn}-policy`).inputs;
        assert.equal(policy.role, `fluxa-pipeline-${fn}-role-id`);
        const statements = statementsOf(policy.policy);
        assert.deepEqual(
          statements.map(({ Sid, Action, Resource }) => ({ Sid, Action, Resource })),
          expectedStatements(fn, stack),
        );
        assert.ok(statements.every((s) => s.Effect === "Allow"));
      });
    }

    it("scopes every statement of every role policy: no wildcard action, no '*' resource but the ENI one", () => {
      const policies = ofType(run, "aws:iam/rolePolicy:RolePolicy");
      assert.ok(policies.length >= functionNames.length);
      for (const policy of policies) {
        for (const statement of statementsOf(policy.inputs.policy)) {
          const where = `${policy.name}/${statement.Sid}`;
          assert.ok(statement.Action.every((action) => !action.includes("*")), `${where} has a wildcard action`);
          if (statement.Sid === vpcNetworkInterfacesSid) continue;
          assert.ok(statement.Resource.every((arn) => arn.startsWith("arn:aws:") && !/(^|:)\*$/.test(arn.split("/")[0])), `${where} has an unscoped resource`);
        }
      }
    });

    it("attaches no managed policy to any function role (only API Gateway's logging role, in the stack that owns it)", () => {
      const attached = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.name);
      assert.deepEqual(attached, stack === "prod" ? ["fluxa-pipeline-logging-policy"] : []);
    });
  });
}
