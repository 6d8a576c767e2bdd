/** What ingest must do at cold start: construct its SQS client as its handler does, and nothing else of Fluxa's. */
import { SQSClient } from "@aws-sdk/client-sqs";
import { sqsClientConfig } from "../../../functions/shared/aws-clients";

const sqs = new SQSClient(sqsClientConfig(process.env));

export const handler = () => Promise.resolve({ statusCode: 200, body: String(sqs.config.useQueueUrlAsEndpoint) });
