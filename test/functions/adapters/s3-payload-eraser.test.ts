import { expect } from "chai";
import type { DeleteObjectsCommand, DeleteObjectsCommandOutput, S3Client } from "@aws-sdk/client-s3";
import { deleteObjectsBatchSize, s3PayloadEraser } from "../../../functions/adapters/s3-payload-eraser";

function recordingClient(answer: (keys: string[]) => Partial<DeleteObjectsCommandOutput> = () => ({})) {
  const calls: { bucket: string | undefined; keys: string[]; quiet: boolean | undefined }[] = [];
  const client = {
    send: (command: DeleteObjectsCommand) => {
      const keys = (command.input.Delete?.Objects ?? []).map((o) => String(o.Key));
      calls.push({ bucket: command.input.Bucket, keys, quiet: command.input.Delete?.Quiet });
      return Promise.resolve(answer(keys));
    },
  } as unknown as S3Client;
  return { client, calls };
}

describe("S3 payload eraser", () => {
  it("deletes every key, at most 1,000 per DeleteObjects call, quietly", async () => {
    const { client, calls } = recordingClient();
    const keys = Array.from({ length: 2_345 }, (_, i) => `raw/2024-01-15/${i}.json`);
    await s3PayloadEraser(client, "payloads").deleteAll(keys);
    expect(deleteObjectsBatchSize).to.equal(1_000);
    expect(calls.map((c) => c.keys.length)).to.deep.equal([1_000, 1_000, 345]);
    expect(calls.flatMap((c) => c.keys)).to.deep.equal(keys);
    expect(calls.every((c) => c.bucket === "payloads" && c.quiet === true)).to.equal(true);
  });

  it("makes no call for no keys", async () => {
    const { client, calls } = recordingClient();
    await s3PayloadEraser(client, "payloads").deleteAll([]);
    expect(calls).to.deep.equal([]);
  });

  it("fails when S3 answers 200 but lists keys it did not delete, naming one and its error", async () => {
    const { client } = recordingClient((keys) => ({ Errors: [{ Key: keys[1], Code: "AccessDenied", Message: "Access Denied" }] }));
    const erasing = s3PayloadEraser(client, "payloads").deleteAll(["raw/a.json", "raw/b.json"]);
    let thrown: unknown;
    await erasing.catch((error: unknown) => (thrown = error));
    expect(String(thrown)).to.include("S3 refused to delete 1 of 2 payload(s) in payloads, e.g. raw/b.json: AccessDenied Access Denied");
  });
});
