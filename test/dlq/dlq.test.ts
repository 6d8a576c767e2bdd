import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { sha256Hex } from "../../functions/shared/hash";
import { inlineQueueMessage, s3QueueMessage, type QueueMessage } from "../../functions/shared/queue-message";
import { dlqMain } from "../../scripts/dlq";
import { banner } from "../../scripts/local-stack/banner";
import { eventually, startTestStack, waitForEvent, type TestStack } from "../../scripts/lib/local-stack-client";
import { sampleEvent } from "../../scripts/lib/factories";

describe("npm run dlq against the local stack", function () {
  this.timeout(120_000);
  let t: TestStack;
  const ids = { missing: randomUUID(), altered: randomUUID(), sound: randomUUID() };

  const dlqWith = async (env: Record<string, string>, ...argv: string[]) => {
    const printed: string[] = [];
    const flags = ["--endpoint", t.stack.awsEndpointUrl, "--region", t.stack.region, "--dlq-url", t.stack.dlqUrl, "--queue-url", t.stack.queueUrl];
    const code = await dlqMain([...argv, ...flags], env, (text) => printed.push(text));
    return { code, out: printed.join("\n") };
  };
  const dlq = (...argv: string[]) => dlqWith({}, ...argv);

  const depth = async (queueUrl: string) => {
    const { Attributes = {} } = await t.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
    );
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  };

  before(async () => {
    t = await startTestStack();
    // Dead letters as the processor leaves them: an S3 pointer whose object is gone, one whose object
    // was altered after the hash was taken, and a sound message that failed only on a dependency.
    const payload = sampleEvent({ user_id: "dlq-cli" });
    const header = (eventId: string) => ({ source: "default", eventId, correlationId: `corr-${eventId.slice(0, 8)}`, receivedAt: new Date() });
    const payloadSha256 = sha256Hex(JSON.stringify(payload));
    const s3 = new S3Client({ endpoint: t.stack.awsEndpointUrl, region: t.stack.region, forcePathStyle: true, credentials: { accessKeyId: "t", secretAccessKey: "t" } });
    await s3.send(new PutObjectCommand({ Bucket: t.stack.bucket, Key: `raw/2024-01-15/${ids.altered}.json`, Body: JSON.stringify({ ...payload, amount: 1e6 }) }));
    s3.destroy();
    const messages: QueueMessage[] = [
      s3QueueMessage(header(ids.missing), { bucket: t.stack.bucket, key: `raw/2024-01-15/${ids.missing}.json`, bytes: 10 }, payloadSha256),
      s3QueueMessage(header(ids.altered), { bucket: t.stack.bucket, key: `raw/2024-01-15/${ids.altered}.json`, bytes: 10 }, payloadSha256),
      inlineQueueMessage(header(ids.sound), payload),
    ];
    const deadLettered = (reason: string) => ({
      permanent_failures: { DataType: "String", StringValue: "3" },
      failure_reason: { DataType: "String", StringValue: reason },
    });
    const attributes = [deadLettered("payload object does not exist"), deadLettered("payload SHA-256 does not match the message"), undefined];
    await t.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: t.stack.dlqUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), MessageBody: JSON.stringify(m), MessageAttributes: attributes[i] })),
      }),
    );
  });
  after(async () => {
    await t?.stop();
  });

  it("lists every dead letter with its event_id, correlation id, receive count and the reason, re-checked by the processor's core", async () => {
    const { code, out } = await dlq("list");
    expect(code).to.equal(0);
    expect(out).to.include("3 message(s)");
    const line = (id: string) => out.split("\n").find((l) => l.includes(id)) ?? "";
    expect(line(ids.missing)).to.include(`corr-${ids.missing.slice(0, 8)}`).and.include("does not exist");
    expect(line(ids.altered)).to.include("SHA-256 does not match");
    expect(line(ids.sound)).to.include("valid now");
  });

  it("keeps to one source's messages with --source, and refuses a source the stack does not have, naming its sources", async () => {
    expect((await dlq("list", "--source", "default")).out).to.include("3 message(s) of source default");
    const localSources = { FLUXA_SOURCES: "web:k1,mobile:k2" };
    expect((await dlqWith(localSources, "list", "--source", "mobile")).out).to.include("0 message(s) of source mobile");
    expect((await dlqWith(localSources, "redrive", "--source", "mobile")).out).to.include("moved 0 message(s) of source mobile");
    expect(await depth(t.stack.dlqUrl), "another source's messages stay").to.equal(3);
    const refusal = await dlq("list", "--source", "mobile").catch((error: unknown) => String(error));
    expect(refusal).to.include('--source "mobile" is not a source of this stack; its sources: default');
    const prod = await dlq("list", "--source", "web", "--stack", "prod").catch((error: unknown) => String(error));
    expect(prod).to.include("its sources: default, mobile, partner");
  });

  it("lists the running local stack's DLQ with no flags, found through its data directory as the banner says", async () => {
    const line = banner(t.stack).split("\n").find((text) => text.includes("npm run dlq --"));
    expect(line).to.equal(`  FLUXA_DATA_DIR='${t.stack.dataDir}' npm run dlq -- list`);
    const printed: string[] = [];

    const code = await dlqMain(["list"], { FLUXA_DATA_DIR: t.stack.dataDir }, (text) => printed.push(text));

    expect(code).to.equal(0);
    expect(printed.join("\n")).to.include(ids.missing);
  });

  it("shows one message by event_id, body included", async () => {
    const { code, out } = await dlq("show", ids.altered);
    expect(code).to.equal(0);
    const shown = JSON.parse(out) as { event_id: string; reason: string; dead_lettered_for: string; body: { payload_ref: unknown } };
    expect(shown.event_id).to.equal(ids.altered);
    expect(shown.dead_lettered_for).to.equal("payload SHA-256 does not match the message");
    expect(shown.reason).to.match(/^permanent: payload SHA-256/);
    expect(shown.body.payload_ref).to.not.equal(undefined);
    expect((await dlq("show", randomUUID())).code).to.equal(1);
  });

  it("redrives without loss: the sound message is stored, the poisoned ones come back to the DLQ after 3 fresh receives", async () => {
    expect(await depth(t.stack.dlqUrl)).to.equal(3);
    const { code, out } = await dlq("redrive", "--max", "10");
    expect(code).to.equal(0);
    expect(out).to.include("moved 3 message(s)");
    await waitForEvent(t, ids.sound);
    await eventually("the poisoned messages back in the DLQ", async () => ((await depth(t.stack.queueUrl)) === 0 && (await depth(t.stack.dlqUrl)) === 2 ? true : undefined), 300);
    const counts = t.logs.filter((l) => l.event_id === ids.missing && l.msg === "message not processed").map((l) => l.permanent_failures);
    expect(counts, "the redriven message's poison count started afresh").to.deep.equal([1, 2, 3]);
  });

  it("purges only with --yes", async () => {
    expect((await dlq("purge")).code).to.equal(1);
    expect(await depth(t.stack.dlqUrl)).to.equal(2);
    const { code, out } = await dlq("purge", "--yes");
    expect(code).to.equal(0);
    expect(out).to.include("purged");
    await eventually("an empty DLQ", async () => ((await depth(t.stack.dlqUrl)) === 0 ? true : undefined));
  });

  it("prints usage for --help and refuses an unknown command", async () => {
    const printed: string[] = [];
    expect(await dlqMain(["--help"], {}, (text) => printed.push(text))).to.equal(0);
    expect(printed.join("\n")).to.include("redrive");
    let error: unknown;
    await dlqMain(["explode", "--dlq-url", "http://127.0.0.1:1/q"], {}, () => undefined).catch((e: unknown) => (error = e));
    expect(String(error)).to.include("unknown command");
  });
});
