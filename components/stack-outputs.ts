import type * as pulumi from "@pulumi/pulumi";

/**
 * The stack's outputs, named once: the field the program and its components carry each in, and
 * the name `pulumi stack output` shows it under (what the operator scripts and the docs read).
 */
export const stackOutputNames = {
  apiEndpoint: "api_endpoint",
  /** Secret: `pulumi stack output api_key --show-secrets`; send it as the `x-api-key` header. */
  apiKey: "api_key",
  /** Per source, the ids of its API keys in slot order (`fluxa:sources`). */
  sourceKeyIds: "source_key_ids",
  /** Secret: per source, its API keys in slot order: `pulumi stack output source_api_keys --show-secrets`. */
  sourceApiKeys: "source_api_keys",
  dbEndpoint: "db_endpoint",
  queueUrl: "sqs_queue_url",
  deadLetterQueueUrl: "dlq_url",
  payloadBucket: "payload_bucket",
  eventsTopicArn: "events_topic_arn",
  /** `npm run replay -- --function $(pulumi stack output replay_function) ...` */
  replayFunctionName: "replay_function",
  /** `npm run maintain -- --function $(pulumi stack output maintain_function) [--dry-run]` */
  maintainFunctionName: "maintain_function",
  dashboardUrl: "dashboard_url",
  /** What the migrate function returned on its last run: `{"applied": [...]}`. */
  migrationResult: "migrations",
  /** `npm run erase -- --function $(pulumi stack output erase_function) ...` */
  eraseFunctionName: "erase_function",
} as const;

type OutputField = keyof typeof stackOutputNames;

/** Outputs that are not one string: per source, a list in slot order. */
type PerSourceField = "sourceKeyIds" | "sourceApiKeys";

/** Every stack output, by the field the program carries it in. */
export type FluxaOutputs = { readonly [K in OutputField]: pulumi.Output<K extends PerSourceField ? Record<string, string[]> : string> };

/** The outputs the event pipeline component exposes (the others come from EventStore and Observability). */
export const pipelineOutputFields = [
  "apiEndpoint",
  "apiKey",
  "sourceKeyIds",
  "sourceApiKeys",
  "queueUrl",
  "deadLetterQueueUrl",
  "payloadBucket",
  "eventsTopicArn",
  "replayFunctionName",
  "migrationResult",
  "eraseFunctionName",
  "maintainFunctionName",
] as const satisfies readonly OutputField[];
export type PipelineOutputs = Pick<FluxaOutputs, (typeof pipelineOutputFields)[number]>;

/** These fields of `source`, as one object: what a component registers and the program passes on. */
export function pickOutputs<F extends OutputField>(source: Pick<FluxaOutputs, F>, fields: readonly F[]): Pick<FluxaOutputs, F> {
  return Object.fromEntries(fields.map((field) => [field, source[field]])) as Pick<FluxaOutputs, F>;
}

/** The program's outputs under their stack output names: what index.ts exports. */
export function stackOutputs(outputs: FluxaOutputs): Record<(typeof stackOutputNames)[OutputField], pulumi.Output<unknown>> {
  return Object.fromEntries(Object.entries(stackOutputNames).map(([field, name]) => [name, outputs[field as OutputField]])) as unknown as Record<
    (typeof stackOutputNames)[OutputField],
    pulumi.Output<unknown>
  >;
}
