import { eventQueue, functionNames, routes, visibilityTimeoutSeconds, type FunctionName } from "../../functions/topology";
import { buildFunctions, bundleDirectory, defaultBundleDir } from "../../bundling/function-bundles";
import { recordRunningStack, refuseIfRunning } from "../lib/running-local-stack";
import { startApiGateway } from "./api-gateway";
import { localApiKey } from "./api-keys";
import { startAwsEmulator } from "./aws-emulator";
import { awsClients, destroyAwsClients, ensureAwsResources } from "./aws-resources";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { functionEnvironment, type LocalLinkTargets } from "./function-environment";
import { prettyFunctionLog } from "./function-log-format";
import { startLambdaApi } from "./lambda-api";
import { LambdaRuntime, type LambdaFunctions } from "./lambda-runtime";
import { refuseIfPortInUse } from "./port-in-use";
import { resolveSettings, SettingError, type LocalSource, type LocalStackOptions, type LocalStackSettings } from "./settings";
import { localApiKeyId } from "./api-gateway-event";
import { defaultSourceName, encodeSourceDirectory } from "../../functions/shared/sources";
import { stackSizing, topologySizing, withOverrides, type LocalSizing } from "./sizing";
import { startSqsEventSource } from "./sqs-event-source";
import { throttleMessage } from "./throttle-report";

export type { LocalSource, LocalStackOptions } from "./settings";
export { InvocationError, throttledErrorType, type LambdaFunctions } from "./lambda-runtime";
export type { LocalSizing } from "./sizing";

export interface LocalStack {
  /** `http://127.0.0.1:<port>`; e.g. `${apiUrl}/events`. */
  apiUrl: string;
  /** Where PostgreSQL's data, the local key and the running stack's record (`stack.json`, read by the CLIs) live. */
  dataDir: string;
  /** Every key the gateway admits, of every source. */
  apiKeys: string[];
  /** The sources and their keys (FLUXA_SOURCES; else `default` with the API keys). */
  sources: readonly LocalSource[];
  /** The functions' source directory (API key id → source), as SOURCE_DIRECTORY carries it. */
  sourceKeys: string;
  databaseUrl: string;
  /** How the functions and the processor's mapping are bounded and sized (the stack's, or the topology's defaults). */
  sizing: LocalSizing;
  /** The SQS/SNS/S3 endpoint; queue URLs are on it too. */
  awsEndpointUrl: string;
  region: string;
  queueUrl: string;
  /** The event queue's visibility timeout (FLUXA_VISIBILITY_TIMEOUT_SECONDS, or the topology's default). */
  visibilityTimeoutSeconds: number;
  dlqUrl: string;
  bucket: string;
  topicArn: string;
  /** Lambda's Invoke API for the local functions (`npm run replay -- --lambda-endpoint <url>`). */
  lambdaEndpointUrl: string;
  /** Queues the replay function may send to: any queue of this stack's emulator. */
  replayQueueUrls: string;
  /** The maintenance function's retention (FLUXA_RETENTION_DAYS, FLUXA_ARCHIVE): off unless set, events kept forever. */
  retention: { readonly days?: number; readonly archive: boolean };
  /** Receives every message published to the topic, as SNS notification envelopes (not raw delivery). */
  snsTapQueueUrl: string;
  functions: LambdaFunctions;
  /** Stops polling, lets in-flight batches and requests finish, then stops the emulator and PostgreSQL. */
  stop(): Promise<void>;
}

const region = "us-east-1";

/** Starts everything `npm start` runs; options win over the environment (see LocalStackOptions). */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const settings = resolveSettings(options, process.env);
  const say = (message: string) => {
    settings.onStackMessage?.(message);
    if (!settings.quiet) console.log(message);
  };
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stoppers.splice(0).reverse()) await stop();
  };
  try {
    refuseIfRunning(settings.dataDir);
    await refuseIfPortInUse(settings.port);
    const stackOrDefaults = settings.stack === undefined ? topologySizing() : stackSizing(settings.stack);
    const sizing = withOverrides(stackOrDefaults, { reservedConcurrency: settings.reservedConcurrency, maximumConcurrency: settings.pollerConcurrency });
    const bundleDir = settings.bundleDir ?? buildBundles();
    const databaseUrl = settings.databaseUrl ?? (await started(stoppers, startEmbeddedPostgres(settings.dataDir))).databaseUrl;
    const awsEndpointUrl = settings.awsEndpointUrl ?? (await started(stoppers, startAwsEmulator(region))).endpointUrl;
    const clients = awsClients(awsEndpointUrl, region);
    stoppers.push(() => Promise.resolve(destroyAwsClients(clients)));
    const resources = await ensureAwsResources(clients, settings.visibilityTimeoutSeconds ?? visibilityTimeoutSeconds(sizing.functions.processor.timeoutSeconds));
    // The emulator's queue URLs differ only in their last segment, the queue's name.
    const replayQueueUrls = `${resources.queueUrl.slice(0, resources.queueUrl.lastIndexOf("/") + 1)}*`;
    const sources = settings.sources ?? [{ name: defaultSourceName, keys: settings.apiKeys ?? [localApiKey(settings.dataDir)] }];
    const sourceKeys = encodeSourceDirectory(sources.flatMap((source) => source.keys.map((key) => [localApiKeyId(key), source.name] as const)));
    if (settings.archive && settings.retentionDays === undefined) throw new SettingError("FLUXA_ARCHIVE", "true", "FLUXA_RETENTION_DAYS set too (archive applies to expired partitions)");
    const retention = { archive: settings.archive, ...(settings.retentionDays === undefined ? {} : { days: settings.retentionDays }) };
    const runtime = await started(stoppers, lambdaRuntime(settings, sizing, bundleDir, say, { ...resources, databaseUrl, awsEndpointUrl, replayQueueUrls, sourceKeys, retention }));
    const { applied, partitionsCreated } = (await runtime.invoke("migrate", {})) as { applied?: string[]; partitionsCreated?: string[] };
    say(`migrations applied: ${applied?.length ? applied.join(", ") : "none (up to date)"}`);
    say(`event partitions created: ${partitionsCreated?.length ? partitionsCreated.join(", ") : "none (all exist)"}`);
    await started(
      stoppers,
      startSqsEventSource({
          sqs: clients.sqs,
          queueUrl: resources.queueUrl,
          queueArn: resources.queueArn,
          region,
          functionName: eventQueue.consumer,
          functions: runtime,
          batchSize: sizing.queue.batchSize,
          maximumBatchingWindowSeconds: sizing.queue.batchingWindowSeconds,
          maximumConcurrency: sizing.queue.maximumConcurrency,
        onPollError: (error) => settings.quiet || console.error(`polling ${resources.queueUrl} failed:`, error),
      }),
    );
    const apiKeys = sources.flatMap((source) => [...source.keys]);
    const gateway = await started(stoppers, startApiGateway({ routes, functions: runtime, apiKeys, port: settings.port }));
    const lambdaApi = await started(stoppers, startLambdaApi(runtime, functionNames));
    const { queueUrl, dlqUrl } = resources;
    const forgetRecord = recordRunningStack(settings.dataDir, {
      apiUrl: gateway.url,
      awsEndpointUrl,
      region,
      queueUrl,
      dlqUrl,
      lambdaEndpointUrl: lambdaApi.url,
      replayFunction: "replay" satisfies FunctionName,
      eraseFunction: "erase" satisfies FunctionName,
      maintainFunction: "maintain" satisfies FunctionName,
    });
    stoppers.push(() => Promise.resolve(forgetRecord()));
    return {
      apiUrl: gateway.url,
      dataDir: settings.dataDir,
      apiKeys,
      sources,
      sourceKeys,
      databaseUrl,
      sizing,
      awsEndpointUrl,
      region,
      queueUrl: resources.queueUrl,
      visibilityTimeoutSeconds: resources.visibilityTimeoutSeconds,
      dlqUrl: resources.dlqUrl,
      bucket: resources.bucket,
      topicArn: resources.topicArn,
      snsTapQueueUrl: resources.snsTapQueueUrl,
      lambdaEndpointUrl: lambdaApi.url,
      replayQueueUrls,
      retention,
      functions: runtime,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Awaits a started part and remembers how to stop it; parts stop in reverse order of starting. */
async function started<T extends { stop(): Promise<void> }>(stoppers: Array<() => Promise<void>>, starting: T | Promise<T>): Promise<T> {
  const part = await starting;
  stoppers.push(() => part.stop());
  return part;
}

function buildBundles(): string {
  buildFunctions(defaultBundleDir);
  return defaultBundleDir;
}

function lambdaRuntime(
  settings: LocalStackSettings,
  sizing: LocalSizing,
  bundleDir: string,
  say: (message: string) => void,
  targets: Omit<LocalLinkTargets, "eventPartitions"> & { awsEndpointUrl: string },
): LambdaRuntime {
  const configurations = functionNames.map((name) => ({
    name,
    onThrottle: (reservedConcurrency: number, throttles: number) => say(throttleMessage(name, reservedConcurrency, throttles)),
    formatLogLine: settings.logFormat === "pretty" ? prettyFunctionLog(name, Boolean(process.stdout.isTTY)) : undefined,
    bundleDir: bundleDirectory(name, bundleDir),
    ...sizing.functions[name],
    environment: functionEnvironment(
      name,
      { ...targets, databasePoolSize: sizing.databasePoolSize, eventPartitions: sizing.eventPartitions },
      { region, awsEndpointUrl: targets.awsEndpointUrl, logLevel: settings.logLevel },
      settings.functionEnvironment[name],
    ),
    region,
    quiet: settings.quiet,
    onLogLine: settings.onFunctionLog && ((line: string) => settings.onFunctionLog?.(name, line)),
  }));
  return new LambdaRuntime(configurations, settings.poolSize);
}

/** What a function of this running stack is linked to, for code that starts functions beside it (the bench). */
export function linkTargetsOf(stack: LocalStack): LocalLinkTargets {
  return { ...stack, eventPartitions: stack.sizing.eventPartitions };
}
