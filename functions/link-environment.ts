import { envNames, type Link } from "./topology";

/**
 * Where the database is, as a function is told: in AWS its parts and the RDS-managed secret, locally
 * one URL with the password in it.
 */
export type LinkedDatabase<V> =
  | { readonly kind: "secret"; readonly host: V; readonly port: V; readonly name: V; readonly secretArn: V; readonly poolSize: V }
  | { readonly kind: "url"; readonly url: V; readonly poolSize?: V };

/** The values a link's variables carry: Pulumi inputs in the cloud, strings in the local stack. */
export interface LinkValues<V> {
  readonly queueUrl: V;
  /** The events queue's visibility timeout, in seconds. */
  readonly queueVisibilityTimeout: V;
  readonly deadLetterQueueUrl: V;
  readonly payloadBucket: V;
  readonly topicArn: V;
  readonly database: LinkedDatabase<V>;
  /** The queues a replay may send to (comma-separated) and its longest window. */
  readonly replay: { readonly queueUrls: V; readonly maxWindowDays: V };
  /** API key id → source name, as `encodeSourceDirectory` writes it. */
  readonly sourceKeys: V;
  /** How much time each partition of events covers (`day`, `month`) and how many exist ahead of now. */
  readonly eventPartitions: { readonly width: V; readonly ahead: V };
  /** Days events are kept (absent: forever) and whether expired partitions are archived first (`"true"`/`"false"`). */
  readonly retention: { readonly days?: V; readonly archive: V };
}

/** The environment variables one link sets: the one place that decides them, for Pulumi and the local stack. */
export function linkEnvironment<V>(link: Link, values: LinkValues<V>): Record<string, V | string> {
  switch (link) {
    case "queue":
      return { [envNames.queueUrl]: values.queueUrl };
    case "queueConsumer":
      return { [envNames.queueUrl]: values.queueUrl, [envNames.queueVisibilityTimeout]: values.queueVisibilityTimeout };
    case "deadLetterQueue":
      return { [envNames.deadLetterQueueUrl]: values.deadLetterQueueUrl };
    case "payloadBucketWrite":
    case "payloadBucketRead":
    case "payloadBucketErase":
      return { [envNames.payloadBucket]: values.payloadBucket };
    case "topic":
      return { [envNames.topicArn]: values.topicArn };
    case "database": {
      const db = values.database;
      if (db.kind === "url") return { [envNames.databaseUrl]: db.url, ...(db.poolSize === undefined ? {} : { [envNames.databasePoolSize]: db.poolSize }) };
      return {
        [envNames.databaseHost]: db.host,
        [envNames.databasePort]: db.port,
        [envNames.databaseName]: db.name,
        [envNames.databaseSecretArn]: db.secretArn,
        [envNames.databaseSsl]: "true",
        [envNames.databasePoolSize]: db.poolSize,
        // AWS: Node.js 20+ Lambda runtimes no longer load the RDS CA bundle by default; without it TLS to RDS fails verification.
        NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem",
      };
    }
    case "replayTargets":
      return { [envNames.replayQueueUrls]: values.replay.queueUrls, [envNames.replayMaxWindowDays]: values.replay.maxWindowDays };
    case "sourceKeys":
      return { [envNames.sourceKeys]: values.sourceKeys };
    case "eventPartitions":
      return { [envNames.partitionWidth]: values.eventPartitions.width, [envNames.partitionsAhead]: values.eventPartitions.ahead };
    case "archiveWrite":
    case "archiveRead":
      return { [envNames.payloadBucket]: values.payloadBucket };
    case "retention": {
      const { days, archive } = values.retention;
      return { [envNames.archiveEnabled]: archive, ...(days === undefined ? {} : { [envNames.retentionDays]: days }) };
    }
  }
}
