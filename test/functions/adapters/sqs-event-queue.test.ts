import { expect } from "chai";
import type { SendMessageBatchCommand, SendMessageBatchCommandOutput, SQSClient } from "@aws-sdk/client-sqs";
import { batchCallGroups, entryBytes, maxBytesPerBatchCall, sqsEventQueue } from "../../../functions/adapters/sqs-event-queue";
import { inlineQueueMessage, type QueueMessage } from "../../../functions/shared/queue-message";
import { sampleEvent } from "../../../scripts/lib/factories";

function message(n: number, blobBytes = 0): QueueMessage {
  const payload = sampleEvent({ metadata: { blob: "x".repeat(blobBytes) } });
  return inlineQueueMessage({ source: "web", eventId: `id-${n}`, correlationId: "corr", receivedAt: new Date("2024-01-15T10:30:01.000Z") }, payload, "a".repeat(64));
}

/** An SQS client that records each SendMessageBatch call and answers with `answer`. */
function recordingClient(answer: (ids: string[], call: number) => Partial<SendMessageBatchCommandOutput>) {
  const calls: SendMessageBatchCommand["input"][] = [];
  const client = {
    send: (command: SendMessageBatchCommand) => {
      const call = calls.push(command.input);
      const ids = (command.input.Entries ?? []).map((e) => e.Id ?? "");
      return Promise.resolve().then(() => answer(ids, call));
    },
  } as unknown as SQSClient;
  return { client, calls };
}

describe("SQS event queue: SendMessageBatch", () => {
  it("groups at most 10 entries and at most 256 KiB per call, a too-big entry alone", () => {
    expect(batchCallGroups(Array(25).fill(100)).map((g) => g.length)).to.deep.equal([10, 10, 5]);
    expect(batchCallGroups([200_000, 100_000, 50_000])).to.deep.equal([[0], [1, 2]]);
    expect(batchCallGroups([300_000, 10])).to.deep.equal([[0], [1]]);
    expect(batchCallGroups([131_072, 131_072, 1])).to.deep.equal([[0, 1], [2]]);
  });

  it("sends every message with its attributes, each call within SQS's limits", async () => {
    const { client, calls } = recordingClient((ids) => ({ Successful: ids.map((Id) => ({ Id, MessageId: Id, MD5OfMessageBody: "" })) }));
    const messages = [...Array(12).keys()].map((n) => message(n, n < 5 ? 100_000 : 0));
    expect(await sqsEventQueue(client, "queue-url").sendBatch(messages)).to.deep.equal([]);
    const sent = calls.flatMap((c) => c.Entries ?? []);
    expect(sent.map((e) => Number(e.Id)).sort((a, b) => a - b)).to.deep.equal([...Array(12).keys()]);
    for (const call of calls) {
      const entries = call.Entries ?? [];
      expect(entries.length).to.be.at.most(10);
      const bytes = entries.reduce((sum, e) => sum + entryBytes({ body: e.MessageBody ?? "", attributes: e.MessageAttributes ?? {}, groupId: e.MessageGroupId ?? "" }), 0);
      expect(bytes).to.be.at.most(maxBytesPerBatchCall);
    }
    expect(sent[0].MessageAttributes).to.deep.equal({
      correlation_id: { DataType: "String", StringValue: "corr" },
      event_id: { DataType: "String", StringValue: sent[0].MessageBody && (JSON.parse(sent[0].MessageBody) as QueueMessage).event_id },
      source: { DataType: "String", StringValue: "web" },
    });
    // Fair queues: the source is the tenant.
    expect(sent.map((e) => e.MessageGroupId)).to.deep.equal(Array(12).fill("web"));
  });

  it("reports entries SQS failed or did not confirm, and a whole call that failed, by position", async () => {
    const { client } = recordingClient((ids, call) => {
      if (call === 2) throw new Error("throttled");
      return {
        Successful: ids.filter((id) => id !== "3" && id !== "4").map((Id) => ({ Id, MessageId: Id, MD5OfMessageBody: "" })),
        Failed: [{ Id: "3", Code: "InternalError", SenderFault: false, Message: "try again" }],
      };
    });
    const failures = await sqsEventQueue(client, "queue-url").sendBatch([...Array(12).keys()].map((n) => message(n)));
    expect(failures.map((f) => f.index)).to.deep.equal([3, 4, 10, 11]);
    expect(failures[0].reason).to.equal("InternalError: try again");
    expect(failures[1].reason).to.equal("not confirmed by SQS");
    expect(failures[2].reason).to.contain("throttled");
  });
});
