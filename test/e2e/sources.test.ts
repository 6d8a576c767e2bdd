import { expect } from "chai";
import { CreateQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { sql } from "slonik";
import { z } from "zod";
import type { StoredEvent } from "../../functions/shared/ports";
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from "../../scripts/chaos/fault-proxy";
import { startAwsEmulator, type AwsEmulator } from "../../scripts/local-stack/aws-emulator";
import { call, drainQueue, eventually, startTestStack, type StackResponse, type TestStack } from "../../scripts/lib/local-stack-client";
import { sampleEvent } from "../../scripts/lib/factories";

interface SendMessageRequest {
  readonly MessageBody: string;
  readonly MessageGroupId?: string;
  readonly MessageAttributes: Record<string, { StringValue: string }>;
}

const keys = { web: "key-web-1", webRotated: "key-web-2", mobile: "key-mob-1" } as const;

describe("sources end to end: two producers on one local stack (over HTTP)", function () {
  this.timeout(120_000);
  let t: TestStack;
  let emulator: AwsEmulator;
  let proxy: FaultProxy;
  // fauxqs accepts MessageGroupId on a standard queue but does not keep it: ingest's SQS requests are read on their way.
  const sqsRequests: ProxiedRequest[] = [];
  let mobileOnlyQueueUrl: string;
  const ids: Record<string, string> = {};

  const post = (key: string, event: unknown, headers: Record<string, string> = {}) =>
    call(t, "POST", "/events", { key, body: JSON.stringify(event), headers: { "Content-Type": "application/json", ...headers } });
  const get = (key: string, eventId: string) => call(t, "GET", `/events/${eventId}`, { key });
  const list = (key: string, userId: string) => call(t, "GET", `/events?user_id=${userId}`, { key });
  const readable = (key: string, eventId: string) =>
    eventually(`event ${eventId} to be readable`, async () => ((await get(key, eventId)).status === 200 ? true : undefined));

  before(async () => {
    emulator = await startAwsEmulator("us-east-1");
    proxy = await startFaultProxy(emulator.endpointUrl, (request) => request.service === "sqs" && sqsRequests.push(request));
    t = await startTestStack({
      awsEndpointUrl: emulator.endpointUrl,
      functionEnvironment: { ingest: { AWS_ENDPOINT_URL_SQS: proxy.url } },
      sources: [
        { name: "web", keys: [keys.web, keys.webRotated] },
        { name: "mobile", keys: [keys.mobile] },
      ],
      logLevel: "debug",
    });
    // A subscriber that wants one source's events: SNS delivers by its filter policy on the source attribute.
    const { QueueUrl } = await t.sqs.send(new CreateQueueCommand({ QueueName: "mobile-only" }));
    mobileOnlyQueueUrl = String(QueueUrl);
    const { Attributes } = await t.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    const sns = new SNSClient({ endpoint: t.stack.awsEndpointUrl, region: t.stack.region, credentials: { accessKeyId: "t", secretAccessKey: "t" } });
    await sns.send(
      new SubscribeCommand({
        TopicArn: t.stack.topicArn,
        Protocol: "sqs",
        Endpoint: Attributes?.QueueArn,
        Attributes: { FilterPolicy: JSON.stringify({ source: ["mobile"] }), RawMessageDelivery: "true" },
      }),
    );
    sns.destroy();

    const accepted = async (response: Promise<StackResponse>) => {
      const answer = await response;
      expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
      return String(answer.body.event_id);
    };
    ids.web = await accepted(post(keys.web, sampleEvent({ user_id: "shared-user" }), { "Idempotency-Key": "order-1" }));
    ids.webRetriedAfterRotation = await accepted(post(keys.webRotated, sampleEvent({ user_id: "shared-user" }), { "Idempotency-Key": "order-1" }));
    ids.mobile = await accepted(post(keys.mobile, sampleEvent({ user_id: "shared-user" }), { "Idempotency-Key": "order-1" }));
    ids.mobileSecond = await accepted(post(keys.mobile, sampleEvent({ user_id: "shared-user", amount: 5 })));
    await readable(keys.web, ids.web);
    await readable(keys.mobile, ids.mobile);
    await readable(keys.mobile, ids.mobileSecond);
  });
  after(async () => {
    await t?.stop();
    await proxy?.stop();
    await emulator?.stop();
  });

  it("keeps an Idempotency-Key across a key rotation within a source, and apart between sources", async () => {
    expect(ids.webRetriedAfterRotation).to.equal(ids.web);
    expect(ids.mobile).to.not.equal(ids.web);
    const rows = await t.db.anyFirst(sql.type(z.object({ row: z.string() }))`SELECT source || ' ' || event_id AS row FROM events WHERE user_id = 'shared-user' ORDER BY 1`);
    expect(rows).to.deep.equal(
      [`mobile ${ids.mobile}`, `mobile ${ids.mobileSecond}`, `web ${ids.web}`].sort(),
    );
  });

  it("answers another source's event exactly as an unknown id, and serves it to either key of its own source", async () => {
    const unknownId = "00000000-0000-7000-8000-00000000abcd";
    const [foreign, unknown] = [await get(keys.mobile, ids.web), await get(keys.mobile, unknownId)];
    expect(foreign.status).to.equal(404);
    expect(foreign.body).to.deep.equal({ ...unknown.body, message: String(unknown.body.message).replace(unknownId, ids.web) });
    expect((await get(keys.webRotated, ids.web)).body).to.include({ event_id: ids.web, source: "web" });
  });

  it("lists only the caller's source's events of a user both sources write for", async () => {
    const listed = async (key: string) => ((await list(key, "shared-user")).body.events as StoredEvent[]).map((e) => e.event_id).sort();
    expect(await listed(keys.web)).to.deep.equal([ids.web]);
    expect(await listed(keys.mobile)).to.deep.equal([ids.mobile, ids.mobileSecond].sort());
  });

  it("refuses a key no source has, as API Gateway does", async () => {
    expect((await get("key-of-nobody", ids.web)).status).to.equal(403);
    expect((await post("key-of-nobody", sampleEvent())).status).to.equal(403);
  });

  it("delivers to a subscriber filtering on source only that source's notifications", async () => {
    const delivered: StoredEvent[] = [];
    await eventually("both mobile notifications", async () => {
      const messages = await drainQueue(t.sqs, mobileOnlyQueueUrl);
      delivered.push(...messages.map((m) => JSON.parse(String(m.Body)) as StoredEvent));
      return delivered.length >= 2 ? true : undefined;
    });
    // Anything of web's would have been delivered alongside: SNS publishes each batch as it comes.
    await new Promise((resolve) => setTimeout(resolve, 500));
    delivered.push(...(await drainQueue(t.sqs, mobileOnlyQueueUrl)).map((m) => JSON.parse(String(m.Body)) as StoredEvent));
    expect(delivered.map((e) => e.event_id).sort()).to.deep.equal([ids.mobile, ids.mobileSecond].sort());
    expect(delivered.every((e) => e.source === "mobile")).to.equal(true);
  });

  it("publishes every notification with source and user_id message attributes", async () => {
    const envelopes = (await drainQueue(t.sqs, t.stack.snsTapQueueUrl)).map(
      (m) => JSON.parse(String(m.Body)) as { Message: string; MessageAttributes: Record<string, { Value: string }> },
    );
    const attributesOf = (eventId: string) => {
      const envelope = envelopes.find((e) => (JSON.parse(e.Message) as StoredEvent).event_id === eventId);
      return envelope && { source: envelope.MessageAttributes.source?.Value, user_id: envelope.MessageAttributes.user_id?.Value };
    };
    expect(attributesOf(ids.web)).to.deep.equal({ source: "web", user_id: "shared-user" });
    expect(attributesOf(ids.mobile)).to.deep.equal({ source: "mobile", user_id: "shared-user" });
  });

  it("sends every message with its source as MessageGroupId, the fair-queue tenant, and logs the source", () => {
    const sends = sqsRequests.filter((r) => r.target === "AmazonSQS.SendMessage").map((r) => JSON.parse(r.body.toString()) as SendMessageRequest);
    const groups = sends.map((send) => [send.MessageGroupId, send.MessageAttributes.source.StringValue, (JSON.parse(send.MessageBody) as { event_id: string }).event_id]);
    expect(groups).to.deep.equal([
      ["web", "web", ids.web],
      ["web", "web", ids.web],
      ["mobile", "mobile", ids.mobile],
      ["mobile", "mobile", ids.mobileSecond],
    ]);
    const processed = t.logs.filter((l) => l.function === "processor" && l.msg === "event processed");
    expect(processed.filter((l) => l.event_id === ids.mobile).map((l) => l.source)).to.include("mobile");
    const enqueued = t.logs.filter((l) => l.function === "ingest" && l.msg === "event enqueued");
    expect(enqueued.map((l) => l.source).sort()).to.deep.equal(["mobile", "mobile", "web", "web"]);
  });
});
