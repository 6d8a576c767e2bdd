import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";

/**
 * Ordinary SDK v3 clients. The SDK itself honours AWS_ENDPOINT_URL (LocalStack, the local
 * emulator); when an endpoint is configured, S3 must use path-style addressing and SQS must send
 * to that endpoint rather than to the host in the queue URL, which emulators do not make resolvable.
 */
function endpointConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.AWS_ENDPOINT_URL ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL_SQS);
}

export function createS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({ forcePathStyle: endpointConfigured(env) });
}

export function createSqsClient(env: NodeJS.ProcessEnv = process.env): SQSClient {
  return new SQSClient({ useQueueUrlAsEndpoint: !endpointConfigured(env) });
}

export function createSnsClient(): SNSClient {
  return new SNSClient({});
}
