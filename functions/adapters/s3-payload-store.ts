import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { s3ClientConfig } from "../shared/aws-clients";
import type { PayloadStore } from "../shared/ports";

/** The store a function uses, with its own client: handlers import this module on first use. */
export function openS3PayloadStore(env: NodeJS.ProcessEnv, bucket: string): PayloadStore {
  return s3PayloadStore(new S3Client(s3ClientConfig(env)), bucket);
}

export function s3PayloadStore(client: S3Client, bucket: string): PayloadStore {
  return {
    bucket,
    async put(key, body, sha256) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: "application/json",
          // S3 verifies this checksum on receipt, so a corrupted upload is refused rather than stored.
          ChecksumSHA256: Buffer.from(sha256, "hex").toString("base64"),
          Metadata: { sha256 },
        }),
      );
    },
    async get(sourceBucket, key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: sourceBucket, Key: key }));
        return await object.Body?.transformToString("utf-8");
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") return undefined;
        throw error;
      }
    },
  };
}
