import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  envNames,
  eventQueue,
  functionNames,
  functionSpecs,
  payloadKeyPrefix,
  replayLimits,
  routes,
  safetyNetReceiveCount,
  visibilityTimeoutSeconds,
  type FunctionName,
} from "../functions/topology";
import type { Architecture, FluxaConfig, FunctionSizing } from "../stack-config/config";
import { createFunction, type FunctionNetwork } from "./lambda-function";
import type { ResourceNames } from "./names";
import type { LogGroupRef } from "./observability";
import { linkGrant, type LinkTargets } from "./policies";
import { accessLogDeliveryStatement, createPrivateBucket } from "./private-bucket";
import { createRestApi } from "./rest-api";

export interface EventPipelineArgs {
  /** Physical names (see `resourceNames`). */
  readonly names: ResourceNames;
  /** Bundle directory per function, from `buildFunctions()`. */
  readonly bundles: Readonly<Record<FunctionName, string>>;
  /** Memory, timeout and reserved concurrency per function. */
  readonly functions: Readonly<Record<FunctionName, FunctionSizing>>;
  /** Default "arm64". */
  readonly architecture?: Architecture;
  /** LOG_LEVEL of every function. Default "info". */
  readonly logLevel?: string;
  /** Lambda's JSON log filtering of application and platform lines. Default INFO and INFO. */
  readonly lambdaLogLevels?: FluxaConfig["lambdaLogLevels"];
  /** Log groups created beforehand by Observability. */
  readonly logGroups: Readonly<Record<FunctionName, LogGroupRef>>;
  readonly apiAccessLogGroupArn: pulumi.Input<string>;
  /** Subnets and security group of the functions that reach the database. */
  readonly network: FunctionNetwork;
  readonly database: LinkTargets["database"];
  /** Queues a replay may send to, and its longest window. Default: none (the topic only), 31 days. */
  readonly replay?: Partial<LinkTargets["replay"]>;
  /** SQS → processor batching. Defaults from the topology (10 messages, 1 s). */
  readonly queue?: Partial<FluxaConfig["queue"]>;
  /** Days before `raw/` payload objects expire. Default 90. */
  readonly payloadExpirationDays?: pulumi.Input<number>;
  /** Let `pulumi destroy` delete a non-empty bucket (the payloads' and their access logs'). Default false. */
  readonly payloadBucketForceDestroy?: pulumi.Input<boolean>;
  /** Days the payload bucket's server access logs are kept. Default 90. */
  readonly accessLogExpirationDays?: pulumi.Input<number>;
  readonly api: FluxaConfig["api"];
  /** Digest of `migrations/`: the migrate function is invoked whenever it changes. */
  readonly migrationsHash: string;
}

/** Where the payload bucket's server access logs go in the log bucket. */
const accessLogPrefix = "payloads/";

/** API Gateway → ingest → SQS → processor → PostgreSQL and SNS, plus query and migrate. */
export class EventPipeline extends pulumi.ComponentResource {
  readonly apiEndpoint: pulumi.Output<string>;
  readonly apiKey: pulumi.Output<string>;
  readonly queueUrl: pulumi.Output<string>;
  readonly deadLetterQueueUrl: pulumi.Output<string>;
  readonly payloadBucket: pulumi.Output<string>;
  readonly eventsTopicArn: pulumi.Output<string>;
  /** The function `npm run replay -- --function <name>` invokes. */
  readonly replayFunctionName: pulumi.Output<string>;
  /** What the migrate function returned on its last run: `{"applied": [...]}`. */
  readonly migrationResult: pulumi.Output<string>;

  constructor(name: string, args: EventPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fluxa:index:EventPipeline", name, {}, opts);
    const bucket = this.createPayloadBucket(name, args);
    const visibilityTimeout = visibilityTimeoutSeconds(args.functions[eventQueue.consumer].timeoutSeconds);
    const { queue, deadLetterQueue } = this.createQueues(name, args.names, visibilityTimeout);
    const topic = new aws.sns.Topic(`${name}-events-topic`, { kmsMasterKeyId: "alias/aws/sns" }, { parent: this });

    const targets: LinkTargets = {
      queue: { url: queue.url, arn: queue.arn, visibilityTimeoutSeconds: visibilityTimeout },
      deadLetterQueue: { url: deadLetterQueue.url, arn: deadLetterQueue.arn },
      payloadBucket: { name: bucket.bucket, arn: bucket.arn },
      topicArn: topic.arn,
      database: args.database,
      replay: { queueUrls: args.replay?.queueUrls ?? [], maxWindowDays: args.replay?.maxWindowDays ?? replayLimits.defaultMaxWindowDays },
    };
    const makeFunction = (fn: FunctionName, dependsOn: pulumi.Resource[] = []) => {
      const spec = functionSpecs[fn];
      const grants = spec.links.map((link) => linkGrant(link, targets));
      return createFunction(
        `${name}-${fn}`,
        {
          functionName: args.names.function(fn),
          bundleDir: args.bundles[fn],
          sizing: args.functions[fn],
          architecture: args.architecture ?? "arm64",
          environment: grants.reduce<Record<string, pulumi.Input<string>>>((env, g) => ({ ...env, ...g.environment }), { [envNames.logLevel]: args.logLevel ?? "info" }),
          statements: grants.flatMap((g) => g.statements),
          logGroup: args.logGroups[fn],
          logLevels: args.lambdaLogLevels ?? { application: "INFO", system: "INFO" },
          network: spec.inVpc ? args.network : undefined,
        },
        this,
        dependsOn,
      );
    };

    // Schema first: the other functions are deployed only after the migrations they expect have run.
    const migrate = makeFunction("migrate");
    const migration = new aws.lambda.Invocation(
      `${name}-migrations`,
      { functionName: migrate.name, input: "{}", triggers: { migrations: args.migrationsHash } },
      { parent: this },
    );
    const deployed = Object.fromEntries(
      functionNames.filter((fn) => fn !== "migrate").map((fn) => [fn, makeFunction(fn, [migration])]),
    ) as Partial<Record<FunctionName, aws.lambda.Function>>;

    new aws.lambda.EventSourceMapping(
      `${name}-${eventQueue.consumer}-source`,
      {
        eventSourceArn: queue.arn,
        functionName: deployed[eventQueue.consumer]!.arn,
        batchSize: args.queue?.batchSize ?? eventQueue.batchSize,
        maximumBatchingWindowInSeconds: args.queue?.batchingWindowSeconds ?? eventQueue.maximumBatchingWindowSeconds,
        // The processor returns `batchItemFailures`: only those messages are retried, not the whole batch.
        functionResponseTypes: ["ReportBatchItemFailures"],
        scalingConfig: { maximumConcurrency: args.queue?.maximumConcurrency ?? eventQueue.maximumConcurrency },
      },
      { parent: this },
    );

    const api = createRestApi(
      name,
      { apiName: args.names.api, stageName: args.names.apiStage, routes, functions: deployed, accessLogGroupArn: args.apiAccessLogGroupArn, limits: args.api },
      this,
    );

    this.apiEndpoint = api.invokeUrl;
    this.apiKey = api.apiKey;
    this.queueUrl = queue.url;
    this.deadLetterQueueUrl = deadLetterQueue.url;
    this.payloadBucket = bucket.bucket;
    this.eventsTopicArn = topic.arn;
    this.replayFunctionName = deployed.replay!.name;
    this.migrationResult = migration.result;
    this.registerOutputs({
      apiEndpoint: this.apiEndpoint,
      apiKey: this.apiKey,
      queueUrl: this.queueUrl,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
      payloadBucket: this.payloadBucket,
      eventsTopicArn: this.eventsTopicArn,
      replayFunctionName: this.replayFunctionName,
      migrationResult: this.migrationResult,
    });
  }

  /** The payload bucket, and the bucket its server access logs go to (which logs nowhere itself: it would log its own log writes). */
  private createPayloadBucket(name: string, args: EventPipelineArgs): aws.s3.Bucket {
    const forceDestroy = args.payloadBucketForceDestroy ?? false;
    const bucket = createPrivateBucket(
      `${name}-payloads`,
      { forceDestroy, expiration: { ruleId: "expire-raw-payloads", prefix: payloadKeyPrefix, days: args.payloadExpirationDays ?? 90 } },
      this,
    );
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const logs = createPrivateBucket(
      `${name}-access-logs`,
      {
        forceDestroy,
        expiration: { ruleId: "expire-access-logs", prefix: accessLogPrefix, days: args.accessLogExpirationDays ?? 90 },
        statements: (logsArn) => [accessLogDeliveryStatement(logsArn, accessLogPrefix, { arn: bucket.arn, account })],
      },
      this,
    );
    new aws.s3.BucketLogging(`${name}-payloads-logging`, { bucket: bucket.id, targetBucket: logs.id, targetPrefix: accessLogPrefix }, { parent: this });
    return bucket;
  }

  /**
   * The processor dead-letters poison itself; the redrive policy is the safety net that catches
   * messages deferred through an outage longer than the topology's outage budget.
   */
  private createQueues(name: string, names: ResourceNames, visibilityTimeout: number): { queue: aws.sqs.Queue; deadLetterQueue: aws.sqs.Queue } {
    const deadLetterQueue = new aws.sqs.Queue(
      `${name}-dlq`,
      { name: names.deadLetterQueue, sqsManagedSseEnabled: true, messageRetentionSeconds: eventQueue.dlqRetentionSeconds, maxMessageSize: eventQueue.dlqMaxMessageBytes },
      { parent: this },
    );
    const queue = new aws.sqs.Queue(
      `${name}-queue`,
      {
        name: names.queue,
        sqsManagedSseEnabled: true,
        visibilityTimeoutSeconds: visibilityTimeout,
        messageRetentionSeconds: eventQueue.retentionSeconds,
        maxMessageSize: eventQueue.maxMessageBytes,
        redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: deadLetterQueue.arn, maxReceiveCount: safetyNetReceiveCount(visibilityTimeout) }),
      },
      { parent: this },
    );
    return { queue, deadLetterQueue };
  }
}
