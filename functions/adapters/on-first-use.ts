import type { PayloadStore, RetryQueue } from "../shared/ports";
import { loadOnFirstUse } from "../shared/load-on-first-use";

/**
 * A payload store loaded on its first call. Only payloads over the large-payload threshold touch S3,
 * so an environment that never sees one never reads or compiles the S3 client (a chunk of its own
 * in the bundle): its cold start is shorter by that much.
 */
export function payloadStoreOnFirstUse(bucket: string, load: () => Promise<PayloadStore>): PayloadStore {
  const store = loadOnFirstUse(load);
  return {
    bucket,
    put: async (key, body, sha256) => (await store()).put(key, body, sha256),
    get: async (sourceBucket, key) => (await store()).get(sourceBucket, key),
  };
}

/** A retry queue loaded on its first call: only failed messages are deferred, resent or dead-lettered. */
export function retryQueueOnFirstUse(load: () => Promise<RetryQueue>): RetryQueue {
  const queue = loadOnFirstUse(load);
  return {
    defer: async (entries) => (await queue()).defer(entries),
    resend: async (message, attributes, delaySeconds) => (await queue()).resend(message, attributes, delaySeconds),
    deadLetter: async (message, attributes) => (await queue()).deadLetter(message, attributes),
  };
}

/** The S3 payload store of ingest and the processor, its client imported with the first large payload. */
export function s3PayloadStoreOnFirstUse(env: NodeJS.ProcessEnv, bucket: string): PayloadStore {
  return payloadStoreOnFirstUse(bucket, async () => (await import("./s3-payload-store.js")).openS3PayloadStore(env, bucket));
}

/** The processor's retry queue, its SQS client imported with the first failed message. */
export function sqsRetryQueueOnFirstUse(env: NodeJS.ProcessEnv, queueUrl: string, deadLetterQueueUrl: string): RetryQueue {
  return retryQueueOnFirstUse(async () => (await import("./sqs-retry-queue.js")).openSqsRetryQueue(env, queueUrl, deadLetterQueueUrl));
}
