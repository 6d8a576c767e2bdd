import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  envNames,
  eventQueue,
  functionNames,
  functionSpecs,
  payloadKeyPrefix,
  routes,
  visibilityTimeoutSeconds,
  type FunctionName,
} from "../functions/topology";
import { safetyNetReceiveCount } from "../functions/processor/retry-policy";
import type { Architecture, FluxaConfig, FunctionSizing } from "../stack-config/config";
import { createFunction, type FunctionNetwork } from "./lambda-function";
import type { ResourceNames } from "./names";
import type { LogGroupRef } from "./observability";
import { linkGrant, type LinkTargets } from "./policies";
import { accessLogDeliveryStatement, createPrivateBucket } from "./private-bucket";
import { createMaintenanceSchedule } from "./maintenance-schedule";
import { createRestApi } from "./rest-api";
import { createSourceKeys, sourceDirectory, sourceKeyOutputs } from "./source-keys";
import type { SourceConfig } from "../stack-config/sources";
import { pickOutputs, pipelineOutputFields, type PipelineOutputs } from "./stack-outputs";

export interface EventPipelineArgs {
  /** Physical names (see `resourceNames`). */
  readonly names: ResourceNames;
  /** Bundle directory per function, from `buildFunctions()`. */
  readonly bundles: Readonly<Record<FunctionName, string>>;
  /** Memory, timeout and reserved concurrency per function. */
  readonly functions: Readonly<Record<FunctionName, FunctionSizing>>;
  readonly architecture: Architecture;
  /** LOG_LEVEL of every function. */
  readonly logLevel: string;
  /** Lambda's JSON log filtering of application and platform lines. */
  readonly lambdaLogLevels: FluxaConfig["lambdaLogLevels"];
  /** Log groups created beforehand by Observability. */
  readonly logGroups: Readonly<Record<FunctionName, LogGroupRef>>;
  readonly apiAccessLogGroupArn: pulumi.Input<string>;
  /** Subnets and security group of the functions that reach the database. */
  readonly network: FunctionNetwork;
  readonly database: LinkTargets["database"];
  /** Queues a replay may send to (none: the topic only), and its longest window. */
  readonly replay: LinkTargets["replay"];
  /** The width of events' partitions and how many the migrate function keeps ahead. */
  readonly eventPartitions: LinkTargets["eventPartitions"];
  /** How long events are kept (undefined: forever) and whether expired partitions are archived first. */
  readonly retention: LinkTargets["retention"];
  /** SQS → processor batching and the mapping's maximum concurrency. */
  readonly queue: FluxaConfig["queue"];
  /** `raw/` payload expiry, and whether `pulumi destroy` may delete a non-empty bucket (the payloads' or their access logs'). */
  readonly payload: FluxaConfig["payload"];
  /** Days the payload bucket's server access logs are kept. */
  readonly accessLogExpirationDays: number;
  readonly api: FluxaConfig["api"];
  /** The producers served, each with its keys and usage plan. */
  readonly sources: readonly SourceConfig[];
  /** Digest of `migrations/`: the migrate function is invoked whenever it changes. */
  readonly migrationsHash: string;
}

/** Where the payload bucket's server access logs go in the log bucket. */
const accessLogPrefix = "payloads/";

/**
 * API Gateway → ingest → SQS → processor → PostgreSQL and SNS, plus query, migrate, replay and erase.
 * Every setting comes from the validated stack config: the component has no defaults of its own.
 */
export class EventPipeline extends pulumi.ComponentResource implements PipelineOutputs {
  readonly apiEndpoint: pulumi.Output<string>;
  /** Secret: the first key of the first source. */
  readonly apiKey: pulumi.Output<string>;
  /** Per source, the ids of its API keys in slot order. */
  readonly sourceKeyIds: pulumi.Output<Record<string, string[]>>;
  /** Secret: per source, its API keys in slot order. */
  readonly sourceApiKeys: pulumi.Output<Record<string, string[]>>;
  readonly queueUrl: pulumi.Output<string>;
  readonly deadLetterQueueUrl: pulumi.Output<string>;
  readonly payloadBucket: pulumi.Output<string>;
  readonly eventsTopicArn: pulumi.Output<string>;
  readonly replayFunctionName: pulumi.Output<string>;
  readonly maintainFunctionName: pulumi.Output<string>;
  readonly migrationResult: pulumi.Output<string>;
  readonly eraseFunctionName: pulumi.Output<string>;

  constructor(name: string, args: EventPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fluxa:index:EventPipeline", name, {}, opts);
    const bucket = this.createPayloadBucket(name, args.payload, args.accessLogExpirationDays);
    const visibilityTimeout = visibilityTimeoutSeconds(args.functions[eventQueue.consumer].timeoutSeconds);
    const { queue, deadLetterQueue } = this.createQueues(name, args.names, visibilityTimeout);
    const topic = new aws.sns.Topic(`${name}-events-topic`, { kmsMasterKeyId: "alias/aws/sns" }, { parent: this });
    const sourceKeys = createSourceKeys(name, args.names.api, args.sources, this);

    const targets: LinkTargets = {
      queue: { url: queue.url, arn: queue.arn, visibilityTimeoutSeconds: visibilityTimeout },
      deadLetterQueue: { url: deadLetterQueue.url, arn: deadLetterQueue.arn },
      payloadBucket: { name: bucket.bucket, arn: bucket.arn },
      topicArn: topic.arn,
      database: args.database,
      replay: args.replay,
      sourceKeys: sourceDirectory(sourceKeys),
      eventPartitions: args.eventPartitions,
      retention: args.retention,
    };
    const { migration, deployed } = this.createFunctions(name, args, targets);
    this.createQueueMapping(name, args.queue, queue, deployed[eventQueue.consumer]);
    createMaintenanceSchedule(`${name}-maintain-schedule`, deployed.maintain, this);
    const api = createRestApi(
      name,
      {
        apiName: args.names.api,
        stageName: args.names.apiStage,
        routes,
        functions: deployed,
        accessLogGroupArn: args.apiAccessLogGroupArn,
        limits: args.api,
        sources: args.sources,
        sourceKeys,
      },
      this,
    );

    const keyOutputs = sourceKeyOutputs(sourceKeys);
    this.apiEndpoint = api.invokeUrl;
    this.apiKey = pulumi.secret(sourceKeys[0].key.value);
    this.sourceKeyIds = keyOutputs.ids;
    this.sourceApiKeys = keyOutputs.values;
    this.queueUrl = queue.url;
    this.deadLetterQueueUrl = deadLetterQueue.url;
    this.payloadBucket = bucket.bucket;
    this.eventsTopicArn = topic.arn;
    this.replayFunctionName = deployed.replay.name;
    this.maintainFunctionName = deployed.maintain.name;
    this.migrationResult = migration.result;
    this.eraseFunctionName = deployed.erase.name;
    this.registerOutputs(pickOutputs(this, pipelineOutputFields));
  }

  /** Migrate first, invoked on every change to `migrations/`; the others only after it, so code never runs against an older schema. */
  private createFunctions(name: string, args: EventPipelineArgs, targets: LinkTargets) {
    const makeFunction = (fn: FunctionName, dependsOn: pulumi.Resource[] = []) => {
      const spec = functionSpecs[fn];
      const grants = spec.links.map((link) => linkGrant(link, targets));
      return createFunction(
        `${name}-${fn}`,
        {
          functionName: args.names.function(fn),
          bundleDir: args.bundles[fn],
          sizing: args.functions[fn],
          architecture: args.architecture,
          environment: grants.reduce<Record<string, pulumi.Input<string>>>((env, g) => ({ ...env, ...g.environment }), { [envNames.logLevel]: args.logLevel }),
          statements: grants.flatMap((g) => g.statements),
          logGroup: args.logGroups[fn],
          logLevels: args.lambdaLogLevels,
          network: spec.inVpc ? args.network : undefined,
        },
        this,
        dependsOn,
      );
    };
    const migrate = makeFunction("migrate");
    const migration = new aws.lambda.Invocation(
      `${name}-migrations`,
      { functionName: migrate.name, input: "{}", triggers: { migrations: args.migrationsHash, eventPartitions: `${args.eventPartitions.width}/${args.eventPartitions.ahead}` } },
      { parent: this },
    );
    const deployed = Object.fromEntries(functionNames.map((fn) => [fn, fn === "migrate" ? migrate : makeFunction(fn, [migration])])) as Record<FunctionName, aws.lambda.Function>;
    return { migration, deployed };
  }

  private createQueueMapping(name: string, batching: FluxaConfig["queue"], queue: aws.sqs.Queue, consumer: aws.lambda.Function): void {
    new aws.lambda.EventSourceMapping(
      `${name}-${eventQueue.consumer}-source`,
      {
        eventSourceArn: queue.arn,
        functionName: consumer.arn,
        batchSize: batching.batchSize,
        maximumBatchingWindowInSeconds: batching.batchingWindowSeconds,
        // The processor returns `batchItemFailures`: only those messages are retried, not the whole batch.
        functionResponseTypes: ["ReportBatchItemFailures"],
        scalingConfig: { maximumConcurrency: batching.maximumConcurrency },
      },
      { parent: this },
    );
  }

  /** The payload bucket, and the bucket its server access logs go to (which logs nowhere itself: it would log its own log writes). */
  private createPayloadBucket(name: string, payload: FluxaConfig["payload"], accessLogExpirationDays: number): aws.s3.Bucket {
    const bucket = createPrivateBucket(
      `${name}-payloads`,
      { forceDestroy: payload.forceDestroy, expiration: { ruleId: "expire-raw-payloads", prefix: payloadKeyPrefix, days: payload.expirationDays } },
      this,
    );
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const logs = createPrivateBucket(
      `${name}-access-logs`,
      {
        forceDestroy: payload.forceDestroy,
        expiration: { ruleId: "expire-access-logs", prefix: accessLogPrefix, days: accessLogExpirationDays },
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
