import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { MaintainRequest } from "../functions/maintain/protocol";
import { maintenanceSchedule } from "../functions/topology";
import { assumeRolePolicy, policyDocument } from "./policies";

/**
 * EventBridge Scheduler runs the maintenance function on `maintenanceSchedule.expression`, through a
 * role that may invoke that one function and nothing else.
 */
export function createMaintenanceSchedule(name: string, target: aws.lambda.Function, parent: pulumi.Resource): aws.scheduler.Schedule {
  const opts = { parent };
  const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: assumeRolePolicy("scheduler.amazonaws.com") }, opts);
  const policy = new aws.iam.RolePolicy(
    `${name}-policy`,
    { role: role.id, policy: policyDocument([{ Sid: "InvokeMaintenance", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [target.arn] }]) },
    opts,
  );
  const run: MaintainRequest = { action: "run", dryRun: false };
  return new aws.scheduler.Schedule(
    name,
    {
      scheduleExpression: maintenanceSchedule.expression,
      flexibleTimeWindow: { mode: "OFF" },
      // AWS: Scheduler invokes asynchronously and retries a failed invocation; one retry, and the next hour's run covers the rest.
      target: { arn: target.arn, roleArn: role.arn, input: JSON.stringify(run), retryPolicy: { maximumRetryAttempts: 1, maximumEventAgeInSeconds: 3600 } },
    },
    { parent, dependsOn: [policy] },
  );
}
