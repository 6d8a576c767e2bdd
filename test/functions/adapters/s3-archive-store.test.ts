import { expect } from "chai";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { s3ArchiveReader, s3ArchiveStore } from "../../../functions/adapters/s3-archive-store";
import { startAwsEmulator, type AwsEmulator } from "../../../scripts/local-stack/aws-emulator";

describe("S3 archive store (fauxqs)", function () {
  this.timeout(30_000);
  let emulator: AwsEmulator;
  let client: S3Client;
  const bucket = "archive-test";

  before(async () => {
    emulator = await startAwsEmulator("us-east-1");
    client = new S3Client({ endpoint: emulator.endpointUrl, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "t", secretAccessKey: "t" } });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(async () => {
    client?.destroy();
    await emulator?.stop();
  });

  it("stores bytes as written and reads them back; a missing key reads as undefined", async () => {
    const body = new Uint8Array([0x1f, 0x8b, 0, 255, 10]);
    await s3ArchiveStore(client, bucket).put("archive/events/p1/part-00000.jsonl.gz", body, "application/gzip");
    expect([...((await s3ArchiveStore(client, bucket).get("archive/events/p1/part-00000.jsonl.gz")) ?? [])]).to.deep.equal([...body]);
    expect(await s3ArchiveStore(client, bucket).get("archive/events/p1/missing")).to.equal(undefined);
  });

  it("lists every key under a prefix, across pages", async () => {
    const store = s3ArchiveStore(client, bucket);
    for (let i = 0; i < 1005; i++) await store.put(`archive/events/p2/k-${String(i).padStart(4, "0")}`, new Uint8Array([i % 256]), "application/octet-stream");
    await store.put("raw/2025-01-01/x.json", new Uint8Array([1]), "application/json");
    const keys = await s3ArchiveReader(client, bucket).list("archive/events/p2/");
    expect(keys).to.have.length(1005);
    expect(keys.every((key) => key.startsWith("archive/events/p2/"))).to.equal(true);
  });
});
