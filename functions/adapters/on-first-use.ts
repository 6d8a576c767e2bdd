import type { PayloadStore, RetryQueue } from "../shared/ports";

/** Calls `load` once, on first use, and keeps its result; a load that failed is tried again on the next use. */
export function loadOnFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

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
