import type { PayloadStore, RetryQueue } from "../shared/ports";
import type { ArchiveReader } from "../replay/archive-source";
import { forwardedOnFirstUse } from "../shared/load-on-first-use";

/** The SDK clients few invocations need, built at cold start and loaded on their first call (the database stores: postgres-on-first-use.ts). */

/**
 * A payload store loaded on its first call. Only payloads over the large-payload threshold touch S3,
 * so an environment that never sees one never reads or compiles the S3 client (a chunk of its own
 * in the bundle): its cold start is shorter by that much.
 */
export function payloadStoreOnFirstUse(bucket: string, load: () => Promise<PayloadStore>): PayloadStore {
  return { bucket, ...forwardedOnFirstUse<Omit<PayloadStore, "bucket">>(load, { put: true, get: true }) };
}

/** A retry queue loaded on its first call: only failed messages are deferred, resent or dead-lettered. */
export function retryQueueOnFirstUse(load: () => Promise<RetryQueue>): RetryQueue {
  return forwardedOnFirstUse(load, { defer: true, resend: true, deadLetter: true });
}

/** The S3 payload store of ingest and the processor, its client imported with the first large payload. */
export function s3PayloadStoreOnFirstUse(env: NodeJS.ProcessEnv, bucket: string): PayloadStore {
  return payloadStoreOnFirstUse(bucket, async () => (await import("./s3-payload-store.js")).openS3PayloadStore(env, bucket));
}

/** The processor's retry queue, its SQS client imported with the first failed message. */
export function sqsRetryQueueOnFirstUse(env: NodeJS.ProcessEnv, queueUrl: string, deadLetterQueueUrl: string): RetryQueue {
  return retryQueueOnFirstUse(async () => (await import("./sqs-retry-queue.js")).openSqsRetryQueue(env, queueUrl, deadLetterQueueUrl));
}

/** The replay function's archive reader, its S3 client imported with the first replay from the archive. */
export function s3ArchiveReaderOnFirstUse(env: NodeJS.ProcessEnv, bucket: string): ArchiveReader {
  return forwardedOnFirstUse<ArchiveReader>(async () => (await import("./s3-archive-store.js")).openS3ArchiveReader(env, bucket), { list: true, get: true });
}
