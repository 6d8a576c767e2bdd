import { loadConfig } from "./stack-config/config";
import { createFluxa } from "./components/program";

const fluxa = createFluxa(loadConfig());

export const api_endpoint = fluxa.apiEndpoint;
/** Secret: `pulumi stack output api_key --show-secrets`; send it as the `x-api-key` header. */
export const api_key = fluxa.apiKey;
/** Per source, the ids of its API keys in slot order (`fluxa:sources`). */
export const source_key_ids = fluxa.sourceKeyIds;
/** Secret: per source, its API keys in slot order: `pulumi stack output source_api_keys --show-secrets`. */
export const source_api_keys = fluxa.sourceApiKeys;
export const db_endpoint = fluxa.dbEndpoint;
export const sqs_queue_url = fluxa.queueUrl;
export const dlq_url = fluxa.deadLetterQueueUrl;
export const payload_bucket = fluxa.payloadBucket;
export const events_topic_arn = fluxa.eventsTopicArn;
/** `npm run replay -- --function $(pulumi stack output replay_function) ...` */
export const replay_function = fluxa.replayFunctionName;
export const dashboard_url = fluxa.dashboardUrl;
export const migrations = fluxa.migrationResult;
