/**
 * Every EMF metric Fluxa's functions emit: its namespace (by emitting function), name, unit and
 * meaning. The handlers, the dashboard, the docs test and ARCHITECTURE.md all read this list.
 * Dimension: `service` = the emitting function's name; ingest's metrics and the processor's
 * processed counts also per `source`.
 */

/** The dimension that splits a metric by source; its values come from stack config, so they are few. */
export const sourceDimension = "source";

export const metricNamespaces = { ingest: "Fluxa/Ingest", processor: "Fluxa/Processor", query: "Fluxa/Query", replay: "Fluxa/Replay", maintain: "Fluxa/Maintain" } as const;

export type MetricService = keyof typeof metricNamespaces;

export interface MetricSpec {
  readonly service: MetricService;
  readonly unit: "Count" | "Milliseconds" | "Seconds";
  readonly meaning: string;
}

export const metricCatalogue = {
  ingest_success: { service: "ingest", unit: "Count", meaning: "Events accepted and enqueued (a 202, or an enqueued item of a 207)." },
  ingest_failure: { service: "ingest", unit: "Count", meaning: "Events refused or not enqueued (any answer but 202, or a failed item of a 207)." },
  s3_puts: { service: "ingest", unit: "Count", meaning: "Payloads over the inline limit stored in S3." },
  sqs_sent: { service: "ingest", unit: "Count", meaning: "Messages sent to the events queue." },
  ingest_latency_ms: { service: "ingest", unit: "Milliseconds", meaning: "Time to answer one POST, from request to response." },
  processed_success: { service: "processor", unit: "Count", meaning: "Messages stored (or found stored) and acknowledged." },
  processed_failure: { service: "processor", unit: "Count", meaning: "Messages that failed: deferred, re-sent or dead-lettered as poison (or every message of a batch that threw)." },
  deferred_batches: { service: "processor", unit: "Count", meaning: "Batches in which a message was deferred because PostgreSQL, S3 or SNS failed." },
  deferred_messages: { service: "processor", unit: "Count", meaning: "Messages deferred (visibility stretched with backoff) because a dependency failed." },
  oldest_deferred_age_seconds: { service: "processor", unit: "Seconds", meaning: "Age, since it was sent, of the oldest message deferred in the batch." },
  poison_retried: { service: "processor", unit: "Count", meaning: "Messages that failed permanently and were re-sent with their count (first and second failure)." },
  dead_lettered: { service: "processor", unit: "Count", meaning: "Messages the processor sent to the DLQ at their third permanent failure." },
  idempotency_conflicts: { service: "processor", unit: "Count", meaning: "Messages whose event_id is stored with a different payload SHA-256: the stored event is kept." },
  erased_skipped: { service: "processor", unit: "Count", meaning: "Messages acknowledged without storing their event: an erasure of their user (migration 009's erasures) covers it." },
  db_latency_ms: { service: "processor", unit: "Milliseconds", meaning: "Time to store the batch: its INSERT, and the read of earlier deliveries when the INSERT skipped an id." },
  publish_latency_ms: { service: "processor", unit: "Milliseconds", meaning: "Time to publish the batch's unpublished events to SNS (the outbox mark runs after the handler answers)." },
  process_latency_ms: { service: "processor", unit: "Milliseconds", meaning: "Time to process one SQS batch." },
  query_success: { service: "query", unit: "Count", meaning: "Queries answered 200." },
  query_failure: { service: "query", unit: "Count", meaning: "Queries refused (400) or failed (503)." },
  query_not_found: { service: "query", unit: "Count", meaning: "GET /events/{id} answered 404." },
  replay_sent: { service: "replay", unit: "Count", meaning: "Stored events re-delivered by a replay page (to the topic or a listed queue)." },
  replay_failed: { service: "replay", unit: "Count", meaning: "Events of a replay page whose delivery failed: the cursor stops before them and they are resent." },
  partitions_ahead: { service: "maintain", unit: "Count", meaning: "Partitions of events beyond the one holding now, after the run created the missing ones." },
  partitions_created: { service: "maintain", unit: "Count", meaning: "Partitions of events the run created ahead." },
  oldest_partition_age_days: { service: "maintain", unit: "Count", meaning: "Days since the start of the oldest partition of events still attached (whole days)." },
  partitions_dropped: { service: "maintain", unit: "Count", meaning: "Expired partitions detached and dropped (after their archive was verified, when archive is on)." },
  rows_dropped: { service: "maintain", unit: "Count", meaning: "Events removed with the dropped partitions." },
  rows_archived: { service: "maintain", unit: "Count", meaning: "Events written to the archive and verified before their partition was dropped." },
  partitions_blocked: { service: "maintain", unit: "Count", meaning: "Expired partitions kept: events SNS never confirmed remain in them, or their archive did not verify." },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof metricCatalogue;

export const metricNames = Object.keys(metricCatalogue) as MetricName[];

/** An AWS service metric Fluxa alarms on or charts; its dimensions are the resource's name. */
export interface AwsMetricSpec {
  readonly namespace: "AWS/SQS" | "AWS/Lambda" | "AWS/ApiGateway" | "AWS/RDS";
  readonly name: string;
  readonly unit: "Count" | "Seconds" | "Milliseconds" | "Percent" | "Bytes";
  readonly meaning: string;
}

/** The AWS metrics behind the alarms and the dashboard, so both name them from one place. */
export const awsMetrics = {
  queueVisible: { namespace: "AWS/SQS", name: "ApproximateNumberOfMessagesVisible", unit: "Count", meaning: "Messages waiting to be received." },
  queueOldestAge: { namespace: "AWS/SQS", name: "ApproximateAgeOfOldestMessage", unit: "Seconds", meaning: "Age of the oldest message in the queue." },
  queueNoisyGroups: { namespace: "AWS/SQS", name: "ApproximateNumberOfNoisyGroups", unit: "Count", meaning: "Message groups (sources) the fair queue deprioritises for flooding it." },
  queueOldestAgeQuietGroups: {
    namespace: "AWS/SQS",
    name: "ApproximateAgeOfOldestMessageInQuietGroups",
    unit: "Seconds",
    meaning: "Age of the oldest message of the sources that are not flooding the queue.",
  },
  lambdaInvocations: { namespace: "AWS/Lambda", name: "Invocations", unit: "Count", meaning: "Function invocations." },
  lambdaErrors: { namespace: "AWS/Lambda", name: "Errors", unit: "Count", meaning: "Invocations that ended in a function error." },
  lambdaThrottles: { namespace: "AWS/Lambda", name: "Throttles", unit: "Count", meaning: "Invocations refused for lack of concurrency." },
  lambdaDuration: { namespace: "AWS/Lambda", name: "Duration", unit: "Milliseconds", meaning: "Time an invocation ran." },
  apiCount: { namespace: "AWS/ApiGateway", name: "Count", unit: "Count", meaning: "API requests." },
  api4xx: { namespace: "AWS/ApiGateway", name: "4XXError", unit: "Count", meaning: "Requests answered with a client error." },
  api5xx: { namespace: "AWS/ApiGateway", name: "5XXError", unit: "Count", meaning: "Requests answered with a server error." },
  apiLatency: { namespace: "AWS/ApiGateway", name: "Latency", unit: "Milliseconds", meaning: "Time from request to response at the gateway." },
  apiIntegrationLatency: { namespace: "AWS/ApiGateway", name: "IntegrationLatency", unit: "Milliseconds", meaning: "Time the integration (the function) took." },
  dbCpu: { namespace: "AWS/RDS", name: "CPUUtilization", unit: "Percent", meaning: "Database instance CPU." },
  dbConnections: { namespace: "AWS/RDS", name: "DatabaseConnections", unit: "Count", meaning: "Open database connections." },
  dbFreeStorage: { namespace: "AWS/RDS", name: "FreeStorageSpace", unit: "Bytes", meaning: "Database storage left." },
} as const satisfies Record<string, AwsMetricSpec>;
