import { loadConfig } from "./stack-config/config";
import { createFluxa } from "./components/program";

const fluxa = createFluxa(loadConfig());

export const api_endpoint = fluxa.apiEndpoint;
/** Secret: `pulumi stack output api_key --show-secrets`; send it as the `x-api-key` header. */
export const api_key = fluxa.apiKey;
export const db_endpoint = fluxa.dbEndpoint;
export const sqs_queue_url = fluxa.queueUrl;
export const dlq_url = fluxa.deadLetterQueueUrl;
export const payload_bucket = fluxa.payloadBucket;
export const events_topic_arn = fluxa.eventsTopicArn;
/** `npm run replay -- --function $(pulumi stack output replay_function) ...` */
export const replay_function = fluxa.replayFunctionName;
export const dashboard_url = fluxa.dashboardUrl;
export const migrations = fluxa.migrationResult;
