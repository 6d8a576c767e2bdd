import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { sql } from "slonik";
import { z } from "zod";
import { eventQueue } from "../../functions/topology";
import { sha256Hex } from "../../functions/shared/hash";
import { inlineQueueMessage, queueMessageAttributes } from "../../functions/shared/queue-message";
import { defaultSourceName } from "../../functions/shared/sources";
import { banner } from "../../scripts/local-stack/banner";
import { dlqMain } from "../../scripts/dlq";
import { eraseMain } from "../../scripts/erase";
import { sampleEvent } from "../../scripts/lib/factories";
import { drainQueue, eventually, postEvent, startTestStack, waitForEvent, type TestStack } from "../../scripts/lib/local-stack-client";
import { runScript } from "../scripts/run-script";

const userA = `erase-me-${randomUUID()}`;
const userB = `keep-me-${randomUUID()}`;

describe("npm run erase on the local stack", function () {
  this.timeout(180_000);
  let t: TestStack;
  let s3: S3Client;
  let largeKey: string;
  let inFlightId: string;
  const rowsOf = async (userId: string) =>
    [...(await t.db.anyFirst(sql.type(z.object({ event_id: z.string() }))`SELECT event_id FROM events WHERE user_id = ${userId} ORDER BY event_id`))];
  const erasureCount = async () => t.db.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM erasures`);
  const payloadExists = async (key: string) =>
    s3.send(new HeadObjectCommand({ Bucket: t.stack.bucket, Key: key })).then(
      () => true,
      (error: Error) => (error.name === "NotFound" ? false : Promise.reject(error)),
    );
  const erase = async (args: string[]) => {
    const lines: string[] = [];
    const code = await eraseMain(["--function", "erase", "--lambda-endpoint", t.stack.lambdaEndpointUrl, ...args], {}, (text) => lines.push(text));
    return { code, output: lines.join("\n") };
  };

  before(async () => {
    t = await startTestStack();
    s3 = new S3Client({ endpoint: t.stack.awsEndpointUrl, region: t.stack.region, forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    const large = sampleEvent({ user_id: userA, metadata: { note: "x".repeat(eventQueue.largePayloadThresholdBytes + 10_000) } });
    const posted = [await postEvent(t, sampleEvent({ user_id: userA })), await postEvent(t, large), await postEvent(t, sampleEvent({ user_id: userB }))];
    for (const response of posted) expect(response.status).to.equal(202);
    for (const response of posted) await waitForEvent(t, String(response.body.event_id));
    largeKey = await t.db.oneFirst(sql.type(z.object({ payload_key: z.string() }))`SELECT payload_key FROM events WHERE event_id = ${String(posted[1].body.event_id)}`);
    expect(await payloadExists(largeKey)).to.equal(true);

    // A message of A that ingest accepted before the erasure and that sits in the DLQ while it runs.
    inFlightId = randomUUID();
    const message = inlineQueueMessage({ source: defaultSourceName, eventId: inFlightId, correlationId: "erasure-in-flight", receivedAt: new Date() }, sampleEvent({ user_id: userA }));
    await t.sqs.send(new SendMessageCommand({ QueueUrl: t.stack.dlqUrl, MessageBody: JSON.stringify(message), MessageAttributes: queueMessageAttributes(message) }));
  });
  after(async () => {
    s3?.destroy();
    await t?.stop();
  });

  describe("bad input: one line, exit 2, nothing changed", () => {
    const cases: [string, string[], RegExp][] = [
      ["no user", ["--yes"], /--user-id is required/],
      ["an unknown source", ["--user-id", userA, "--source", "nope", "--yes"], /--source "nope" is not a source of this stack; its sources: default/],
      ["neither --dry-run nor --yes", ["--user-id", userA], /say --dry-run to see what would be erased, or --yes to erase it/],
      ["both --dry-run and --yes", ["--user-id", userA, "--dry-run", "--yes"], /--dry-run and --yes cannot be combined/],
      ["--list with a user", ["--list", "--user-id", userA], /--list shows past erasures; drop --user-id/],
    ];
    for (const [name, args, message] of cases) {
      it(`refuses ${name}`, async () => {
        const before = { rows: await rowsOf(userA), erasures: await erasureCount() };
        const run = await runScript("erase", ["--function", "erase", "--lambda-endpoint", t.stack.lambdaEndpointUrl, ...args]);
        expect(run.code, run.stderr).to.equal(2);
        const [line, hint] = run.stderr.trim().split("\n");
        expect(line).to.match(/^erase: /).and.to.match(message);
        expect(hint).to.equal("Run `npm run erase -- --help` for usage.");
        expect(run.stdout).to.equal("");
        expect({ rows: await rowsOf(userA), erasures: await erasureCount() }).to.deep.equal(before);
      });
    }
  });

  it("a dry run, as the banner prints it, says what it would erase and changes nothing", async () => {
    const line = banner(t.stack).split("\n").find((text) => text.includes("npm run erase --"));
    const [, dataDir, args] = /^\s*FLUXA_DATA_DIR='([^']+)' npm run erase -- (.*)$/.exec(String(line)) ?? [];
    const bannerRun = await runScript("erase", args.split(" "), { FLUXA_DATA_DIR: dataDir });
    expect(bannerRun.code, bannerRun.stderr).to.equal(0);
    expect(bannerRun.stdout).to.match(/^dry run: would erase 0 event\(s\) and 0 S3 payload\(s\) of user sha256 [0-9a-f]{64} in \(every source\); nothing changed$/m);

    const run = await erase(["--user-id", userA, "--dry-run"]);
    expect(run.code, run.output).to.equal(0);
    expect(run.output).to.equal(`dry run: would erase 2 event(s) and 1 S3 payload(s) of user sha256 ${sha256Hex(userA)} in (every source); nothing changed`);
    expect(await rowsOf(userA)).to.have.length(2);
    expect(await payloadExists(largeKey)).to.equal(true);
    expect(await erasureCount()).to.equal(0);
  });

  it("--yes deletes A's rows and S3 payload, leaves B alone, prints and logs the audit record without the user id, and --list shows it", async () => {
    const bRows = await rowsOf(userB);
    const run = await erase(["--user-id", userA, "--yes"]);
    expect(run.code, run.output).to.equal(0);
    expect(run.output).to.match(/^erased: audit record \{/);
    expect(run.output).to.include(sha256Hex(userA)).and.not.include(userA);
    expect(await rowsOf(userA)).to.deep.equal([]);
    expect(await payloadExists(largeKey)).to.equal(false);
    expect(await rowsOf(userB)).to.deep.equal(bRows).and.have.length(1);

    const audit = t.logs.find((l) => l.function === "erase" && l.msg === "user erased");
    expect(audit?.erasure).to.deep.include({ userIdSha256: sha256Hex(userA), source: null, erased: { rows: 2, payloads: 1 } });
    expect(String((audit?.erasure as { requestedBy: string }).requestedBy)).to.match(/^local:/);
    expect(JSON.stringify(t.logs.filter((l) => l.function === "erase"))).not.to.include(userA);

    const listed = await erase(["--list"]);
    expect(listed.code, listed.output).to.equal(0);
    const [header, , row] = listed.output.split("\n");
    expect(header).to.match(/^erasure\s+user id sha256\s+source\s+rows\s+payloads\s+erased at\s+finished at\s+requested by$/);
    expect(row.split(/\s{2,}/).slice(1, 5)).to.deep.equal([sha256Hex(userA), "(every source)", "2", "1"]);
  });

  it("A's message that was in the DLQ during the erasure, redriven afterwards, is acknowledged and not stored", async () => {
    const lines: string[] = [];
    const code = await dlqMain(["redrive", "--queue-url", t.stack.queueUrl, "--dlq-url", t.stack.dlqUrl, "--endpoint", t.stack.awsEndpointUrl], {}, (text) => lines.push(text));
    expect(code, lines.join("\n")).to.equal(0);
    const skipped = await eventually("the processor to skip the redriven message", () =>
      Promise.resolve(t.logs.find((l) => l.function === "processor" && l.event_id === inFlightId && l.msg === "event not stored: an erasure of its user covers it")),
    );
    expect(skipped).to.include({ correlation_id: "erasure-in-flight" });
    expect(await rowsOf(userA)).to.deep.equal([]);
    expect(await drainQueue(t.sqs, t.stack.dlqUrl)).to.deep.equal([]);
  });

  it("a new event of A, received after the erasure, is stored", async () => {
    const posted = await postEvent(t, sampleEvent({ user_id: userA, amount: 7 }));
    expect(posted.status).to.equal(202);
    await waitForEvent(t, String(posted.body.event_id));
    expect(await rowsOf(userA)).to.deep.equal([String(posted.body.event_id)]);
  });
});
