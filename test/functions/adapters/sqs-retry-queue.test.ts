import { expect } from "chai";
import { ChangeMessageVisibilityBatchCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { sqsRetryQueue } from "../../../functions/adapters/sqs-retry-queue";
import type { ReceivedMessage } from "../../../functions/shared/ports";

const received = (n: number): ReceivedMessage => ({ messageId: `m${n}`, receiptHandle: `handle-${n}`, body: `{"n":${n}}`, attributes: { event_id: `e${n}` } });

/** An SQS client that records every command and refuses the visibility change of receipt handle `handle-3`. */
function recordingClient(failure?: Error) {
  const commands: (ChangeMessageVisibilityBatchCommand | SendMessageCommand)[] = [];
  const client = {
    send: (command: ChangeMessageVisibilityBatchCommand | SendMessageCommand) => {
      commands.push(command);
      if (failure) return Promise.reject(failure);
      if (command instanceof ChangeMessageVisibilityBatchCommand) {
        const refused = (command.input.Entries ?? []).filter((e) => e.ReceiptHandle === "handle-3");
        return Promise.resolve({ Failed: refused.map((e) => ({ Id: e.Id, Code: "ReceiptHandleIsInvalid", SenderFault: true })) });
      }
      return Promise.resolve({});
    },
  } as unknown as SQSClient;
  return { client, commands };
}

describe("SQS retry queue", () => {
  it("changes visibility in calls of at most 10 entries and names the messages SQS refused", async () => {
    const { client, commands } = recordingClient();
    const entries = [...Array(23).keys()].map((n) => ({ message: received(n), seconds: 180 + n }));
    const refused = await sqsRetryQueue(client, "queue-url", "dlq-url").defer(entries);
    const calls = commands.map((c) => (c as ChangeMessageVisibilityBatchCommand).input);
    expect(calls.map((c) => c.Entries?.length)).to.deep.equal([10, 10, 3]);
    expect(calls.every((c) => c.QueueUrl === "queue-url")).to.equal(true);
    expect(calls[2].Entries?.[2]).to.include({ ReceiptHandle: "handle-22", VisibilityTimeout: 202 });
    expect(refused).to.deep.equal([{ messageId: "m3", reason: "ReceiptHandleIsInvalid: " }]);
  });

  it("names every message of a call that failed as a whole", async () => {
    const { client } = recordingClient(new Error("throttled"));
    const refused = await sqsRetryQueue(client, "queue-url", "dlq-url").defer([{ message: received(1), seconds: 5 }]);
    expect(refused).to.deep.equal([{ messageId: "m1", reason: "Error: throttled" }]);
  });

  it("re-sends to the queue with a delay, and dead-letters to the DLQ, keeping the body and adding the attributes", async () => {
    const { client, commands } = recordingClient();
    const retries = sqsRetryQueue(client, "queue-url", "dlq-url");
    await retries.resend(received(1), { permanent_failures: "1" }, 180);
    await retries.deadLetter(received(2), { permanent_failures: "3", failure_reason: "malformed" });
    const [resent, deadLettered] = commands.map((c) => (c as SendMessageCommand).input);
    expect(resent).to.deep.equal({
      QueueUrl: "queue-url",
      MessageBody: '{"n":1}',
      DelaySeconds: 180,
      MessageAttributes: { event_id: { DataType: "String", StringValue: "e1" }, permanent_failures: { DataType: "String", StringValue: "1" } },
    });
    expect(deadLettered.QueueUrl).to.equal("dlq-url");
    expect(deadLettered.MessageAttributes?.failure_reason).to.deep.equal({ DataType: "String", StringValue: "malformed" });
  });
});
