import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { s3ClientConfig } from "../shared/aws-clients";
import type { ArchiveStore } from "../maintain/ports";
import type { ArchiveReader } from "../replay/archive-source";
import { sha256Hex } from "../shared/hash";

/** The archive under `archive/` of the payload bucket. */
export function s3ArchiveStore(client: S3Client, bucket: string): ArchiveStore {
  return {
    async put(key, body, contentType) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          // S3 verifies this checksum on receipt, so a corrupted upload is refused rather than stored.
          ChecksumSHA256: Buffer.from(sha256Hex(body), "hex").toString("base64"),
        }),
      );
    },
    async get(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return await object.Body?.transformToByteArray();
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") return undefined;
        throw error;
      }
    },
  };
}

/** The reader the replay function loads on its first replay from the archive, with its own client. */
export function openS3ArchiveReader(env: NodeJS.ProcessEnv, bucket: string): ArchiveReader {
  return s3ArchiveReader(new S3Client(s3ClientConfig(env)), bucket);
}

/** What a replay reads of the archive: the store's objects, and the keys under a prefix. */
export function s3ArchiveReader(client: S3Client, bucket: string): ArchiveReader {
  const store = s3ArchiveStore(client, bucket);
  return {
    get: (key) => store.get(key),
    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])));
        token = page.NextContinuationToken;
      } while (token);
      return keys;
    },
  };
}
