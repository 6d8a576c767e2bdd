import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { eventQueue, servicesCalledFromVpc, visibilityTimeoutSeconds } from "../functions/topology";
import { buildFunctions, defaultBundleDir, repositoryRoot } from "../bundling/function-bundles";
import type { FluxaConfig } from "../stack-config/config";
import { EventPipeline } from "./event-pipeline";
import { EventStore } from "./event-store";
import { hashDirectory } from "./migrations-hash";
import { resourceNames } from "./names";
import { Network } from "./network";
import { Observability } from "./observability";
import { pickOutputs, pipelineOutputFields, type FluxaOutputs } from "./stack-outputs";

export interface FluxaOptions {
  /** Where the function bundles are built. Default `dist/functions`. */
  readonly bundleDir?: string;
}

/** All of Fluxa for one stack. A factory, so tests can install Pulumi mocks before any resource exists. */
export function createFluxa(config: FluxaConfig, options: FluxaOptions = {}): FluxaOutputs {
  const bundles = buildFunctions(options.bundleDir ?? defaultBundleDir);
  const names = resourceNames(config.stack);
  const provider = new aws.Provider("fluxa-aws", {
    region: config.region as aws.Region,
    defaultTags: { tags: { project: "fluxa", stack: config.stack } },
  });
  const opts: pulumi.ComponentResourceOptions = { providers: { aws: provider } };

  const network = new Network(
    "fluxa-network",
    { region: config.region, natStrategy: config.natStrategy, services: servicesCalledFromVpc(), proxy: config.database.proxy },
    opts,
  );
  const database = new EventStore(
    "fluxa-store",
    {
      subnetIds: network.databaseSubnetIds,
      securityGroupId: network.databaseSecurityGroupId,
      proxySecurityGroupId: network.proxySecurityGroupId,
      engineVersion: config.database.engineVersion,
      instanceClass: config.database.instanceClass,
      allocatedStorageGb: config.database.allocatedStorageGb,
      multiAz: config.database.multiAz,
      backupRetentionDays: config.database.backupRetentionDays,
      deletionProtection: config.database.deletionProtection,
      proxy: config.database.proxy,
      proxyMaxConnectionsPercent: config.database.proxyMaxConnectionsPercent,
    },
    opts,
  );
  const observability = new Observability(
    "fluxa-observability",
    {
      names,
      region: config.region,
      logRetentionDays: config.logRetentionDays,
      alarms: config.alarms,
      dbInstanceIdentifier: database.instanceIdentifier,
      queueVisibilityTimeoutSeconds: visibilityTimeoutSeconds(config.functions[eventQueue.consumer].timeoutSeconds),
      sources: config.sources.map((source) => source.name),
    },
    opts,
  );
  const pipeline = new EventPipeline(
    "fluxa-pipeline",
    {
      names,
      bundles,
      functions: config.functions,
      architecture: config.architecture,
      logLevel: config.logLevel,
      lambdaLogLevels: config.lambdaLogLevels,
      logGroups: observability.functionLogGroups,
      apiAccessLogGroupArn: observability.apiAccessLogGroup.arn,
      network: { subnetIds: network.functionSubnetIds, securityGroupIds: [network.functionSecurityGroupId] },
      database: { host: database.host, port: database.port, name: database.databaseName, secretArn: database.secretArn, poolSize: config.database.poolSize },
      queue: config.queue,
      replay: config.replay,
      eventPartitions: config.eventPartitions,
      retention: { days: config.retention.days, archive: config.retention.archive },
      payload: config.payload,
      accessLogExpirationDays: config.logRetentionDays,
      api: config.api,
      sources: config.sources,
      migrationsHash: hashDirectory(path.join(repositoryRoot, "migrations")),
    },
    opts,
  );

  return { ...pickOutputs(pipeline, pipelineOutputFields), dbEndpoint: database.host, dashboardUrl: observability.dashboardUrl };
}
