import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { randomUUID } from "node:crypto";
import { envNames, eventQueue, functionNames, functionSpecs, routes, type FunctionName } from "../../functions/topology";
import { one, ofType, runStack, statementsOf, type StackRun } from "./harness";

const account = "arn:aws:lambda:eu-west-1:123456789012:function";
const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-mock";
const databaseEnv = [envNames.databaseHost, envNames.databasePort, envNames.databaseName, envNames.databaseSecretArn, envNames.databaseSsl, envNames.databasePoolSize, "NODE_EXTRA_CA_CERTS"];
const expectedEnv: Record<FunctionName, string[]> = {
  ingest: [envNames.logLevel, envNames.queueUrl, envNames.payloadBucket, envNames.sourceKeys],
  processor: [
    envNames.logLevel,
    envNames.queueUrl,
    envNames.queueVisibilityTimeout,
    envNames.deadLetterQueueUrl,
    envNames.payloadBucket,
    envNames.topicArn,
    ...databaseEnv,
  ],
  query: [envNames.logLevel, ...databaseEnv, envNames.sourceKeys],
  migrate: [envNames.logLevel, ...databaseEnv, envNames.partitionWidth, envNames.partitionsAhead],
  replay: [envNames.logLevel, ...databaseEnv, envNames.topicArn, envNames.replayQueueUrls, envNames.replayMaxWindowDays, envNames.sourceKeys, envNames.payloadBucket],
  erase: [envNames.logLevel, ...databaseEnv, envNames.payloadBucket, envNames.sourceKeys],
  // The shipped stacks leave retentionDays unset: events are kept forever.
  maintain: [envNames.logLevel, ...databaseEnv, envNames.payloadBucket, envNames.archiveEnabled, envNames.partitionWidth, envNames.partitionsAhead],
};

for (const stack of ["dev", "prod"] as const) {
  describe(`EventPipeline (${stack})`, () => {
    let run: StackRun;
    const fn = (name: FunctionName) => one(run, "aws:lambda/function:Function", `fluxa-pipeline-${name}`).inputs;
    before(async () => {
      run = await runStack(stack);
    });

    it("blocks public access to the payload bucket, encrypts it, refuses plain HTTP and expires raw/", () => {
      const publicAccess = one(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "fluxa-pipeline-payloads-public-access").inputs;
      for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.equal(publicAccess[flag], true, flag);
      const sse = one(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "fluxa-pipeline-payloads-encryption").inputs;
      assert.deepEqual(sse.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
      const [deny] = statementsOf(one(run, "aws:s3/bucketPolicy:BucketPolicy", "fluxa-pipeline-payloads-policy").inputs.policy);
      assert.equal(deny.Effect, "Deny");
      assert.deepEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } });
      assert.deepEqual(deny.Resource, ["arn:aws:s3:::fluxa-pipeline-payloads-1a2b3c", "arn:aws:s3:::fluxa-pipeline-payloads-1a2b3c/*"]);
      const [rule] = one(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "fluxa-pipeline-payloads-lifecycle").inputs.rules as {
        filter: unknown;
        expiration: unknown;
        status: string;
      }[];
      assert.deepEqual(rule.filter, { prefix: "raw/" });
      assert.deepEqual(rule.expiration, { days: run.config.payload.expirationDays });
      assert.equal(rule.status, "Enabled");
      assert.equal(one(run, "aws:s3/bucket:Bucket", "fluxa-pipeline-payloads").inputs.forceDestroy, run.config.payload.forceDestroy);
    });

    it("logs the payload bucket's requests to a private log bucket of its own that only S3's logging service, for that bucket, may write", () => {
      const logging = one(run, "aws:s3/bucketLogging:BucketLogging", "fluxa-pipeline-payloads-logging").inputs;
      assert.deepEqual(logging, { bucket: "fluxa-pipeline-payloads-id", targetBucket: "fluxa-pipeline-access-logs-id", targetPrefix: "payloads/" });
      const publicAccess = one(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "fluxa-pipeline-access-logs-public-access").inputs;
      for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.equal(publicAccess[flag], true, flag);
      const sse = one(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "fluxa-pipeline-access-logs-encryption").inputs;
      assert.deepEqual(sse.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
      const [deny, delivery] = statementsOf(one(run, "aws:s3/bucketPolicy:BucketPolicy", "fluxa-pipeline-access-logs-policy").inputs.policy);
      assert.deepEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } });
      assert.deepEqual(delivery, {
        Sid: "AccessLogDelivery",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: ["s3:PutObject"],
        Resource: ["arn:aws:s3:::fluxa-pipeline-access-logs-1a2b3c/payloads/*"],
        Condition: { ArnLike: { "aws:SourceArn": "arn:aws:s3:::fluxa-pipeline-payloads-1a2b3c" }, StringEquals: { "aws:SourceAccount": "123456789012" } },
      });
      const [rule] = one(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "fluxa-pipeline-access-logs-lifecycle").inputs.rules as { expiration: unknown }[];
      assert.deepEqual(rule.expiration, { days: run.config.logRetentionDays });
      assert.deepEqual(ofType(run, "aws:s3/bucketLogging:BucketLogging").map((l) => l.inputs.bucket), ["fluxa-pipeline-payloads-id"]);
    });

    it("encrypts both queues, keeps messages 14 days, redrives only as a safety net after a week of deferrals, and sizes the visibility timeout at 6x the processor's", () => {
      const queue = one(run, "aws:sqs/queue:Queue", "fluxa-pipeline-queue").inputs;
      const dlq = one(run, "aws:sqs/queue:Queue", "fluxa-pipeline-dlq").inputs;
      assert.equal(queue.sqsManagedSseEnabled, true);
      assert.equal(dlq.sqsManagedSseEnabled, true);
      assert.deepEqual(JSON.parse(queue.redrivePolicy as string), {
        deadLetterTargetArn: `arn:aws:sqs:eu-west-1:123456789012:fluxa-events-dlq-${stack}`,
        // 180 s visibility: deferrals of 180, 360, 720, 1440 s, then 1800 s each, reach 7 days at the 339th receive.
        maxReceiveCount: 339,
      });
      assert.equal(queue.visibilityTimeoutSeconds, 180);
      assert.equal(queue.messageRetentionSeconds, 14 * 24 * 3600);
      assert.equal(dlq.messageRetentionSeconds, 14 * 24 * 3600);
    });

    it("sets the queue's maximum message size to ingest's S3 threshold plus its largest attributes, and the DLQ's to SQS's most", () => {
      const queue = one(run, "aws:sqs/queue:Queue", "fluxa-pipeline-queue").inputs;
      const dlq = one(run, "aws:sqs/queue:Queue", "fluxa-pipeline-dlq").inputs;
      // The largest attributes a message re-sent by the processor carries: both ids at their longest and a failure count.
      const attributes = { correlation_id: "c".repeat(128), event_id: randomUUID(), permanent_failures: "2" };
      const attributeBytes = Object.entries(attributes).reduce((sum, [name, value]) => sum + name.length + "String".length + value.length, 0);
      assert.ok(Number(queue.maxMessageSize) >= eventQueue.largePayloadThresholdBytes + attributeBytes, `maxMessageSize ${String(queue.maxMessageSize)}`);
      assert.equal(dlq.maxMessageSize, 1_048_576);
    });

    it("encrypts the events topic", () => {
      assert.equal(one(run, "aws:sns/topic:Topic", "fluxa-pipeline-events-topic").inputs.kmsMasterKeyId, "alias/aws/sns");
    });

    for (const name of functionNames) {
      it(`deploys ${name} from its esbuild bundle on nodejs24.x, sized by the stack config`, async () => {
        const inputs = fn(name);
        const sizing = run.config.functions[name];
        assert.equal(inputs.name, `fluxa-${name}-${stack}`);
        assert.equal(inputs.runtime, "nodejs24.x");
        assert.equal(inputs.handler, "index.handler");
        assert.deepEqual(inputs.architectures, [run.config.architecture]);
        assert.equal(inputs.memorySize, sizing.memoryMb);
        assert.equal(inputs.timeout, sizing.timeoutSeconds);
        assert.equal(inputs.reservedConcurrentExecutions, sizing.reservedConcurrency ?? -1);
        const archive = await (inputs.code as { path: Promise<string> }).path;
        assert.equal(archive, path.join(run.bundleDir, name));
        // Lambda resolves handler `index.handler` to index.js, else index.mjs: only the ES module may be there.
        assert.ok(existsSync(path.join(archive, "index.mjs")), "bundle has index.mjs");
        assert.ok(!existsSync(path.join(archive, "index.js")), "bundle has no index.js to shadow it");
        if (name === "migrate") assert.ok(readdirSync(path.join(archive, "migrations")).some((f) => f.endsWith(".sql")), "bundle carries the migrations");
        assert.deepEqual(inputs.loggingConfig, {
          logFormat: "JSON",
          // dev logs at debug, so Lambda must let DEBUG lines through; prod at the default info.
          applicationLogLevel: stack === "dev" ? "DEBUG" : "INFO",
          systemLogLevel: "INFO",
          logGroup: `/aws/lambda/fluxa-${name}-${stack}`,
        });
      });

      it(`gives ${name} exactly the environment it needs, and VPC access only if it reaches the database`, () => {
        const inputs = fn(name);
        const variables = (inputs.environment as { variables: Record<string, string> }).variables;
        assert.deepEqual(Object.keys(variables).sort(), [...expectedEnv[name]].sort());
        if (functionSpecs[name].links.includes("database")) {
          assert.equal(variables[envNames.databaseHost], run.outputs.dbEndpoint);
          assert.equal(variables[envNames.databasePort], "5432");
          assert.equal(variables[envNames.databaseName], "fluxa");
          assert.equal(variables[envNames.databaseSecretArn], secretArn);
          assert.equal(variables[envNames.databaseSsl], "true");
          assert.equal(variables[envNames.databasePoolSize], "2");
          assert.equal(variables.NODE_EXTRA_CA_CERTS, "/var/runtime/ca-cert.pem");
        }
        if (name === "ingest") assert.equal(variables[envNames.queueUrl], run.outputs.queueUrl);
        if (name === "migrate") {
          // Pulumi.prod.yaml partitions by day, Pulumi.dev.yaml by month.
          assert.equal(variables[envNames.partitionWidth], stack === "prod" ? "day" : "month");
          assert.equal(variables[envNames.partitionsAhead], stack === "prod" ? "14" : "3");
        }
        if (name === "processor") {
          assert.equal(variables[envNames.topicArn], run.outputs.eventsTopicArn);
          assert.equal(variables[envNames.queueUrl], run.outputs.queueUrl);
          assert.equal(variables[envNames.deadLetterQueueUrl], run.outputs.deadLetterQueueUrl);
          assert.equal(variables[envNames.queueVisibilityTimeout], "180");
        }
        assert.equal(variables[envNames.logLevel], run.config.logLevel);
        const vpc = inputs.vpcConfig as { subnetIds: string[]; securityGroupIds: string[] } | undefined;
        if (functionSpecs[name].inVpc) {
          assert.deepEqual(vpc?.securityGroupIds, ["fluxa-network-functions-sg-id"]);
          assert.ok(vpc?.subnetIds.every((id) => /^subnet-(private|isolated)-/.test(id)));
        } else assert.equal(vpc, undefined);
      });
    }

    it("feeds the processor from the queue in configured batches, reporting item failures", () => {
      const mapping = one(run, "aws:lambda/eventSourceMapping:EventSourceMapping", "fluxa-pipeline-processor-source").inputs;
      assert.equal(mapping.eventSourceArn, `arn:aws:sqs:eu-west-1:123456789012:fluxa-events-${stack}`);
      assert.equal(mapping.functionName, `${account}:fluxa-processor-${stack}`);
      assert.equal(mapping.batchSize, run.config.queue.batchSize);
      assert.equal(mapping.maximumBatchingWindowInSeconds, run.config.queue.batchingWindowSeconds);
      assert.deepEqual(mapping.functionResponseTypes, ["ReportBatchItemFailures"]);
    });

    it("bounds the processor's pollers with the mapping's maximum concurrency from stack config", () => {
      const mapping = one(run, "aws:lambda/eventSourceMapping:EventSourceMapping", "fluxa-pipeline-processor-source").inputs;
      assert.deepEqual(mapping.scalingConfig, { maximumConcurrency: stack === "prod" ? 50 : 5 });
    });

    it("serves exactly the topology's routes, each with its integration and API key requirement", () => {
      const paths = new Map<string, string>([["root-resource-id", ""]]);
      for (const resource of ofType(run, "aws:apigateway/resource:Resource")) {
        paths.set(`${resource.name}-id`, `${paths.get(resource.inputs.parentId as string)}/${String(resource.inputs.pathPart)}`);
      }
      const integrations = ofType(run, "aws:apigateway/integration:Integration");
      const served = ofType(run, "aws:apigateway/method:Method").map((method) => {
        const integration = integrations.find((i) => i.name === `${method.name}-integration`)!.inputs;
        return {
          method: method.inputs.httpMethod,
          path: paths.get(method.inputs.resourceId as string),
          apiKeyRequired: method.inputs.apiKeyRequired,
          integration: integration.type === "AWS_PROXY" ? String(integration.uri).match(/function:fluxa-(\w+)-/)![1] : integration.type,
        };
      });
      const expected = routes.map((r) => ({
        method: r.method,
        path: r.path,
        apiKeyRequired: r.apiKeyRequired,
        integration: r.integration.kind === "lambda" ? r.integration.function : "MOCK",
      }));
      const byRoute = (a: { method: unknown; path: unknown }, b: { method: unknown; path: unknown }) => `${String(a.path)} ${String(a.method)}`.localeCompare(`${String(b.path)} ${String(b.method)}`);
      assert.deepEqual(served.sort(byRoute), expected.sort(byRoute));
      const health = one(run, "aws:apigateway/integrationResponse:IntegrationResponse", "fluxa-pipeline-get-health-integration-response").inputs;
      assert.deepEqual(health.responseTemplates, { "application/json": JSON.stringify({ status: "healthy" }) });
      for (const permission of ofType(run, "aws:lambda/permission:Permission")) {
        assert.equal(permission.inputs.principal, "apigateway.amazonaws.com");
        assert.match(String(permission.inputs.sourceArn), /^arn:aws:execute-api:eu-west-1:123456789012:fluxa-pipeline-api-id\/\*\/(POST\/events|POST\/events\/batch|GET\/events|GET\/events\/\*)$/);
      }
    });

    it("deploys to a stage with JSON access logs and throttling, behind each source's API keys and usage plan", () => {
      const stage = one(run, "aws:apigateway/stage:Stage", "fluxa-pipeline-stage").inputs;
      assert.equal(stage.deployment, "fluxa-pipeline-deployment-id");
      const logs = stage.accessLogSettings as { destinationArn: string; format: string };
      assert.equal(logs.destinationArn, `arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/fluxa-${stack}/access`);
      assert.equal((JSON.parse(logs.format) as Record<string, string>).requestId, "$context.requestId");
      const { api } = run.config;
      const settings = one(run, "aws:apigateway/methodSettings:MethodSettings", "fluxa-pipeline-throttling").inputs;
      assert.equal(settings.methodPath, "*/*");
      assert.deepEqual(settings.settings, { throttlingRateLimit: api.throttleRateLimit, throttlingBurstLimit: api.throttleBurstLimit, metricsEnabled: true });
      // The default source keeps the names of the one key and plan deployed before sources (test/infra/sources.test.ts has the rest).
      const [source] = run.config.sources;
      const plan = one(run, "aws:apigateway/usagePlan:UsagePlan", "fluxa-pipeline-usage-plan").inputs;
      assert.deepEqual(plan.apiStages, [{ apiId: "fluxa-pipeline-api-id", stage: `v1` }]);
      assert.deepEqual(plan.throttleSettings, { rateLimit: source.rateLimit, burstLimit: source.burstLimit });
      assert.deepEqual(plan.quotaSettings, { limit: source.quotaLimit, period: source.quotaPeriod });
      const key = one(run, "aws:apigateway/usagePlanKey:UsagePlanKey", "fluxa-pipeline-usage-plan-key").inputs;
      assert.deepEqual([key.keyId, key.keyType, key.usagePlanId], ["fluxa-pipeline-key-id", "API_KEY", "fluxa-pipeline-usage-plan-id"]);
      assert.match(run.outputs.apiEndpoint, /^https:\/\/.+\/v1$/);
    });

    it("manages API Gateway's account-wide logging role only in the stack that owns it (prod)", () => {
      const accounts = ofType(run, "aws:apigateway/account:Account");
      assert.deepEqual(accounts.map((a) => a.name), stack === "prod" ? ["fluxa-pipeline-account"] : []);
    });

    it("gives the API deployment a redeployment trigger (rest-api.test.ts shows what changes it)", () => {
      const deployment = one(run, "aws:apigateway/deployment:Deployment", "fluxa-pipeline-deployment").inputs;
      assert.match((deployment.triggers as { redeployment: string }).redeployment, /^[0-9a-f]{64}$/);
    });
  });
}
