import * as pulumi from "@pulumi/pulumi";

/** One resource the program asked the engine to create, with the inputs it gave. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  /** False for component resources. */
  readonly custom: boolean;
  /** What the engine would hold after the deploy: the inputs and the outputs the mocks compute. */
  readonly state: Readonly<Record<string, unknown>>;
  /** The resource's URN, as the engine built it (the parents' types chained before its own). */
  readonly urn: string;
  /** The id the mocks gave it (`<name>-id`). */
  readonly id: string;
}

const account = "123456789012";
const region = "eu-west-1";

/** What AWS (or awsx) would compute for a resource; mocks do not compute anything themselves. */
function computedOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const physical = typeof inputs.name === "string" ? inputs.name : `${name}-1a2b3c`;
  const common = { name: physical, arn: `arn:aws:mock:${region}:${account}:${type}/${physical}` };
  switch (type) {
    case "awsx:ec2:Vpc":
      return {
        vpcId: "vpc-0mock",
        publicSubnetIds: ["subnet-public-a", "subnet-public-b"],
        privateSubnetIds: ["subnet-private-a", "subnet-private-b"],
        isolatedSubnetIds: ["subnet-isolated-a", "subnet-isolated-b"],
      };
    case "aws:s3/bucket:Bucket":
      return { bucket: physical, arn: `arn:aws:s3:::${physical}` };
    case "aws:sqs/queue:Queue":
      return { arn: `arn:aws:sqs:${region}:${account}:${physical}`, url: `https://sqs.${region}.amazonaws.com/${account}/${physical}` };
    case "aws:sns/topic:Topic":
      return { ...common, arn: `arn:aws:sns:${region}:${account}:${physical}` };
    case "aws:lambda/function:Function": {
      const arn = `arn:aws:lambda:${region}:${account}:function:${physical}`;
      return { ...common, arn, invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations` };
    }
    case "aws:lambda/invocation:Invocation":
      return { result: JSON.stringify({ applied: [] }) };
    case "aws:apigateway/restApi:RestApi":
      return { ...common, rootResourceId: "root-resource-id", executionArn: `arn:aws:execute-api:${region}:${account}:${name}-id` };
    case "aws:apigateway/stage:Stage":
      return { invokeUrl: `https://${name}-id.execute-api.${region}.amazonaws.com/${String(inputs.stageName)}` };
    case "aws:apigateway/apiKey:ApiKey":
      return { ...common, value: "mock-api-key-value" };
    case "aws:rds/instance:Instance":
      return {
        identifier: physical,
        address: `${physical}.mock.${region}.rds.amazonaws.com`,
        endpoint: `${physical}.mock.${region}.rds.amazonaws.com:5432`,
        port: 5432,
        masterUserSecrets: [{ secretArn: `arn:aws:secretsmanager:${region}:${account}:secret:rds!db-mock`, secretStatus: "active", kmsKeyId: "" }],
      };
    case "aws:rds/proxy:Proxy":
      return { ...common, endpoint: `${physical}.proxy-mock.${region}.rds.amazonaws.com` };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { ...common, arn: `arn:aws:logs:${region}:${account}:log-group:${physical}` };
    case "aws:cloudwatch/dashboard:Dashboard":
      return { dashboardArn: `arn:aws:cloudwatch::${account}:dashboard/${String(inputs.dashboardName)}` };
    default:
      return common;
  }
}

/** Pulumi mocks that record every registration: the engine stand-in for the tests and `preview:offline`. */
export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly registrations: Registration[] = [];

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    const id = `${args.name}-id`;
    const state = { ...inputs, ...computedOutputs(args.type, args.name, inputs) };
    this.registrations.push({ type: args.type, name: args.name, inputs, custom: args.custom ?? true, state, id, urn: "" });
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") return { accountId: account, arn: `arn:aws:iam::${account}:user/mock`, userId: "mock" };
    throw new Error(`unexpected provider call ${args.token}: the program should not need one`);
  }
}

/** Resolves an output's value (mocks run with preview=false, so every output resolves). */
export function promiseOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((value) => resolve(value as T)));
}

export interface OfflineRun<T> {
  readonly registrations: readonly Registration[];
  readonly result: T;
}

/**
 * Runs `program` for `stack` with `config` (full `namespace:key` map) under recording mocks and
 * waits until every resource is registered. Runs are sequential: Pulumi's runtime is process-global.
 */
export async function runOffline<T>(stack: string, config: Record<string, string>, program: () => T): Promise<OfflineRun<T>> {
  const mocks = new RecordingMocks();
  await pulumi.runtime.setMocks(mocks, "fluxa", stack, false);
  pulumi.runtime.setAllConfig(config);
  const result = program();
  await pulumi.runtime.disconnect();
  return { registrations: withUrns(mocks.registrations), result };
}

/** Gives each registration the URN the mock monitor built for it, found by its type and name. */
function withUrns(registrations: readonly Registration[]): Registration[] {
  const monitor = pulumi.runtime.getMonitor() as unknown as { getRegisteredResources(): Map<string, unknown> };
  const urns = [...monitor.getRegisteredResources().keys()];
  return registrations.map((r) => {
    const matching = urns.filter((urn) => urn.endsWith(`::${r.name}`) && urn.split("::")[2].split("$").pop() === r.type);
    if (matching.length !== 1) throw new Error(`expected one URN for ${r.type} ${r.name}, found ${matching.length}`);
    return { ...r, urn: matching[0] };
  });
}
