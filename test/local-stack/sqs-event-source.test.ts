import { ChangeMessageVisibilityCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import assert from "node:assert/strict";
import { startAwsEmulator, type AwsEmulator } from "../../scripts/local-stack/aws-emulator";
import { awsClients, destroyAwsClients, ensureAwsResources, type AwsClients, type AwsResources } from "../../scripts/local-stack/aws-resources";
import { InvocationError } from "../../scripts/local-stack/lambda-runtime";
import { startSqsEventSource, type SqsEventSource } from "../../scripts/local-stack/sqs-event-source";

const region = "us-east-1";

/**
 * A processor stand-in: bodies containing "fail" are reported as batch item failures, "defer" ones
 * too after their visibility is set to 60 s (as the processor defers), "crash" fails the invocation,
 * "throttle" is refused by Lambda on its first receive (the function never runs).
 */
function processor(seen: SQSEvent["Records"], sqs: () => { client: SQSClient; queueUrl: string }) {
  return {
    invoke: async (_name: string, event: unknown): Promise<SQSBatchResponse> => {
      const { Records } = event as SQSEvent;
      seen.push(...Records);
      if (Records.some((record) => record.body === "throttle" && record.attributes.ApproximateReceiveCount === "1")) {
        throw new InvocationError("TooManyRequestsException", "Rate Exceeded.");
      }
      if (Records.some((record) => record.body === "crash")) throw new Error("crashed");
      for (const record of Records.filter((r) => r.body === "defer")) {
        await sqs().client.send(new ChangeMessageVisibilityCommand({ QueueUrl: sqs().queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: 60 }));
      }
      const failed = Records.filter((record) => record.body.includes("fail") || record.body === "defer");
      return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })) };
    },
  };
}

async function receiveOne(sqs: SQSClient, queueUrl: string, waitUpToSeconds: number) {
  const deadline = Date.now() + waitUpToSeconds * 1000;
  while (Date.now() < deadline) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MessageSystemAttributeNames: ["All"] }));
    if (Messages.length > 0) return Messages[0];
  }
  return undefined;
}

async function until(condition: () => boolean, waitUpToSeconds: number): Promise<void> {
  const deadline = Date.now() + waitUpToSeconds * 1000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("local stack: SQS event source mapping", function () {
  this.timeout(30_000);
  let emulator: AwsEmulator;
  let clients: AwsClients;
  let resources: AwsResources;
  let source: SqsEventSource | undefined;
  let seen: SQSEvent["Records"];

  beforeEach(async () => {
    emulator = await startAwsEmulator(region);
    clients = awsClients(emulator.endpointUrl, region);
    resources = await ensureAwsResources(clients, 1);
    seen = [];
  });

  afterEach(async () => {
    await source?.stop();
    source = undefined;
    destroyAwsClients(clients);
    await emulator.stop();
  });

  function startSource() {
    source = startSqsEventSource({
      sqs: clients.sqs,
      queueUrl: resources.queueUrl,
      queueArn: resources.queueArn,
      region,
      functionName: "processor",
      functions: processor(seen, () => ({ client: clients.sqs, queueUrl: resources.queueUrl })),
      batchSize: 10,
      maximumBatchingWindowSeconds: 0,
      maximumConcurrency: 2,
    });
  }

  const send = (body: string) =>
    clients.sqs.send(
      new SendMessageCommand({ QueueUrl: resources.queueUrl, MessageBody: body, MessageAttributes: { kind: { DataType: "String", StringValue: "test" } } }),
    );

  it("hands out queue URLs on 127.0.0.1, the endpoint's own address", () => {
    const origin = new URL(emulator.endpointUrl).origin;

    for (const url of [resources.queueUrl, resources.dlqUrl, resources.snsTapQueueUrl]) assert.equal(new URL(url).origin, origin);
  });

  it("accepts characters above U+FFFF in a body, as SQS does (fauxqs alone refuses them)", async () => {
    const { MessageId } = await send("paid 😀");

    assert.match(String(MessageId), /^[0-9a-f-]{36}$/);
    assert.equal((await receiveOne(clients.sqs, resources.queueUrl, 2))?.Body, "paid 😀");
  });

  it("invokes the function with a Lambda SQSEvent and deletes what succeeded", async () => {
    const { MessageId } = await send("ok");
    startSource();

    await until(() => seen.length === 1, 10);
    await source?.stop();

    const [{ messageId, body, eventSource, eventSourceARN, awsRegion, attributes, messageAttributes, md5OfBody }] = seen;
    assert.deepEqual(
      { messageId, body, eventSource, eventSourceARN, awsRegion },
      { messageId: MessageId, body: "ok", eventSource: "aws:sqs", eventSourceARN: resources.queueArn, awsRegion: region },
    );
    assert.equal(attributes.ApproximateReceiveCount, "1");
    assert.match(attributes.SentTimestamp, /^\d+$/);
    assert.match(attributes.ApproximateFirstReceiveTimestamp, /^\d+$/);
    assert.deepEqual(messageAttributes, { kind: { stringValue: "test", stringListValues: [], binaryListValues: [], dataType: "String" } });
    assert.match(md5OfBody, /^[0-9a-f]{32}$/);
    assert.equal(await receiveOne(clients.sqs, resources.queueUrl, 2), undefined, "message left on the queue");
  });

  it("keeps batch item failures for redelivery, and leaves the visibility the function set on them", async () => {
    await send("ok");
    await send("please fail");
    await send("defer");
    startSource();

    // The queue's visibility timeout is 1 s: a plain failure comes back within it, a deferred one does not.
    await until(() => seen.filter((record) => record.body === "please fail").length >= 3, 15);
    await source?.stop();

    assert.equal(seen.filter((record) => record.body === "ok").length, 1);
    assert.deepEqual(
      seen.filter((record) => record.body === "please fail").map((record) => record.attributes.ApproximateReceiveCount).slice(0, 3),
      ["1", "2", "3"],
    );
    assert.equal(seen.filter((record) => record.body === "defer").length, 1);
  });

  it("redrives to the DLQ only as a safety net, after the topology's receive count", async () => {
    const { Attributes = {} } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: resources.queueUrl, AttributeNames: ["RedrivePolicy"] }));
    assert.equal((JSON.parse(Attributes.RedrivePolicy ?? "{}") as { maxReceiveCount?: number }).maxReceiveCount, 1000);
  });

  it("returns a throttled batch to the queue, receive count raised, and deletes it once a later receive succeeds", async () => {
    await send("throttle");
    startSource();

    await until(() => seen.length >= 2, 10);
    await source?.stop();

    assert.deepEqual(seen.map((record) => [record.body, record.attributes.ApproximateReceiveCount]), [
      ["throttle", "1"],
      ["throttle", "2"],
    ]);
    assert.equal(await receiveOne(clients.sqs, resources.queueUrl, 2), undefined, "message left on the queue");
  });

  it("deletes nothing when the invocation fails", async () => {
    await send("crash");
    startSource();

    await until(() => seen.length >= 2, 10);

    assert.deepEqual(
      seen.slice(0, 2).map((record) => [record.body, record.attributes.ApproximateReceiveCount]),
      [
        ["crash", "1"],
        ["crash", "2"],
      ],
    );
  });
});
