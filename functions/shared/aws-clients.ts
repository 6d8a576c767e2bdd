import type { S3ClientConfig } from "@aws-sdk/client-s3";
import type { SQSClientConfig } from "@aws-sdk/client-sqs";

/**
 * Settings of ordinary SDK v3 clients (only types are imported here: each client's code stays in
 * the bundle chunk of the adapter that constructs it). The SDK itself honours AWS_ENDPOINT_URL
 * (LocalStack, the local emulator); when an endpoint is configured, S3 must use path-style
 * addressing and SQS must send to that endpoint rather than to the host in the queue URL, which
 * emulators do not make resolvable.
 */
function endpointConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.AWS_ENDPOINT_URL ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL_SQS);
}

export function s3ClientConfig(env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  return { forcePathStyle: endpointConfigured(env) };
}

export function sqsClientConfig(env: NodeJS.ProcessEnv = process.env): SQSClientConfig {
  return { useQueueUrlAsEndpoint: !endpointConfigured(env) };
}
