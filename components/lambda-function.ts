import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { lambdaRuntime } from "../functions/topology";
import type { Architecture, FluxaConfig, FunctionSizing } from "../stack-config/config";
import type { LogGroupRef } from "./observability";
import { assumeRolePolicy, logWriteStatement, policyDocument, vpcAccessStatement, type PolicyStatement } from "./policies";

export interface FunctionNetwork {
  readonly subnetIds: pulumi.Input<string[]>;
  readonly securityGroupIds: pulumi.Input<string>[];
}

export interface FluxaFunctionArgs {
  /** Physical function name; its log group must already be named after it. */
  readonly functionName: string;
  /** Directory holding the esbuild bundle (`index.mjs` exporting `handler`, and its chunks). */
  readonly bundleDir: string;
  readonly sizing: FunctionSizing;
  readonly architecture: Architecture;
  readonly environment: Readonly<Record<string, pulumi.Input<string>>>;
  /** What the function may do beyond writing its logs (and managing its ENIs when in a VPC). */
  readonly statements: readonly PolicyStatement[];
  readonly logGroup: LogGroupRef;
  readonly logLevels: FluxaConfig["lambdaLogLevels"];
  /** Set for functions that run in the VPC. */
  readonly network?: FunctionNetwork;
}

/** One function with its own role: logs to its own group, and only the statements it is given. */
export function createFunction(name: string, args: FluxaFunctionArgs, parent: pulumi.Resource, dependsOn: pulumi.Resource[] = []): aws.lambda.Function {
  const opts = { parent };
  const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com") }, opts);
  const statements = [logWriteStatement(args.logGroup.arn), ...(args.network ? [vpcAccessStatement()] : []), ...args.statements];
  const policy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.id, policy: policyDocument(statements) }, opts);
  return new aws.lambda.Function(
    name,
    {
      name: args.functionName,
      runtime: lambdaRuntime.identifier,
      handler: "index.handler",
      code: new pulumi.asset.FileArchive(args.bundleDir),
      architectures: [args.architecture],
      memorySize: args.sizing.memoryMb,
      timeout: args.sizing.timeoutSeconds,
      reservedConcurrentExecutions: args.sizing.reservedConcurrency ?? -1,
      role: role.arn,
      environment: { variables: args.environment },
      vpcConfig: args.network ? { subnetIds: args.network.subnetIds, securityGroupIds: args.network.securityGroupIds } : undefined,
      // JSON: Lambda passes the handlers' JSON lines (and EMF metric lines) through as written, and filters them by their `level`.
      loggingConfig: {
        logFormat: "JSON",
        applicationLogLevel: args.logLevels.application,
        systemLogLevel: args.logLevels.system,
        logGroup: args.logGroup.name,
      },
    },
    // AWS: Lambda checks the role's ENI permissions when it creates a function in a VPC, so the policy goes first.
    { parent, dependsOn: [policy, ...dependsOn] },
  );
}
