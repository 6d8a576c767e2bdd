import { DeleteObjectsCommand, S3Client } from "@aws-sdk/client-s3";
import { s3ClientConfig } from "../shared/aws-clients";
import type { PayloadEraser } from "../shared/ports";

/** AWS: one DeleteObjects request names at most 1,000 keys. */
export const deleteObjectsBatchSize = 1_000;

export function openS3PayloadEraser(env: NodeJS.ProcessEnv, bucket: string): PayloadEraser {
  return s3PayloadEraser(new S3Client(s3ClientConfig(env)), bucket);
}

export function s3PayloadEraser(client: S3Client, bucket: string): PayloadEraser {
  return {
    async deleteAll(keys) {
      for (let start = 0; start < keys.length; start += deleteObjectsBatchSize) {
        const batch = keys.slice(start, start + deleteObjectsBatchSize);
        // AWS: DeleteObjects answers 200 even when some keys failed; they are listed in Errors. A key
        // that does not exist counts as deleted.
        const result = await client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        );
        const failed = result.Errors ?? [];
        if (failed.length > 0) {
          throw new Error(`S3 refused to delete ${failed.length} of ${batch.length} payload(s) in ${bucket}, e.g. ${failed[0].Key}: ${failed[0].Code} ${failed[0].Message}`);
        }
      }
    },
  };
}
