import { expect } from "chai";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { CreateQueueCommand, ReceiveMessageCommand, type Message } from "@aws-sdk/client-sqs";
import { sql } from "slonik";
import { startFaultProxy, type FaultProxy } from "../../scripts/chaos/fault-proxy";
import { startAwsEmulator, type AwsEmulator } from "../../scripts/local-stack/aws-emulator";
import { banner } from "../../scripts/local-stack/banner";
import { replayMain } from "../../scripts/replay";
import { runScript } from "../scripts/run-script";
import { drainQueue, eventually, postEvent, startTestStack, waitForEvent, type TestStack } from "../../scripts/lib/local-stack-client";
import { sampleEvent } from "../../scripts/lib/factories";

interface Delivery {
  readonly eventId: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
}

/** What the events topic sent, read from the tap queue's SNS envelopes. */
function fromEnvelope(message: Message): Delivery {
  const envelope = JSON.parse(message.Body ?? "{}") as { Message: string; MessageAttributes?: Record<string, { Value: string }> };
  const attributes = Object.fromEntries(Object.entries(envelope.MessageAttributes ?? {}).map(([name, value]) => [name, value.Value]));
  return { eventId: (JSON.parse(envelope.Message) as { event_id: string }).event_id, body: envelope.Message, attributes };
}

/** What a queue target received: the notification as the body, its attributes beside it. */
function fromQueue(message: Message): Delivery {
  const attributes = Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, String(value.StringValue)]));
  return { eventId: (JSON.parse(message.Body ?? "{}") as { event_id: string }).event_id, body: message.Body ?? "", attributes };
}

async function receiveAll(t: TestStack, queueUrl: string): Promise<Message[]> {
  const received: Message[] = [];
  for (let empty = 0; empty < 3; ) {
    const { Messages = [] } = await t.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"], VisibilityTimeout: 60 }));
    if (Messages.length === 0) empty++;
    else received.push(...Messages);
  }
  return received;
}

async function replay(t: TestStack, args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await replayMain(["--function", "replay", "--lambda-endpoint", t.stack.lambdaEndpointUrl, "--rate", "1000", ...args], {}, {
    print: (text) => lines.push(text),
    progressStream: { write: () => true, isTTY: false },
    signal: new AbortController().signal,
  });
  return { code, output: lines.join("\n") };
}

async function postEvents(t: TestStack, count: number, userId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const accepted = await postEvent(t, sampleEvent({ user_id: userId, amount: n + 1 }));
    expect(accepted.status).to.equal(202);
    ids.push(String(accepted.body.event_id));
  }
  return ids;
}

describe("npm run replay on the local stack", function () {
  this.timeout(180_000);

  describe("backfilling one new subscriber's queue", () => {
    let t: TestStack;
    let ids: string[];
    let window: { from: string; to: string };
    before(async () => {
      t = await startTestStack();
      const from = new Date(Date.now() - 1000).toISOString();
      ids = await postEvents(t, 23, "replay-user");
      await postEvents(t, 2, "someone-else");
      for (const id of ids) await waitForEvent(t, id);
      window = { from, to: new Date(Date.now() + 60_000).toISOString() };
    });
    after(async () => t?.stop());

    it("delivers every event of the user's window exactly once, as the topic sent it, with replay=true and replay_id, re-notifying no one else", async () => {
      const firstDeliveries = await eventually("the first notifications", async () => {
        const seen = (await drainQueue(t.sqs, t.stack.snsTapQueueUrl)).map(fromEnvelope);
        return seen.length >= ids.length + 2 ? seen : undefined;
      });
      const { QueueUrl: target } = await t.sqs.send(new CreateQueueCommand({ QueueName: `new-subscriber-${Date.now()}` }));

      const run = await replay(t, ["--from", window.from, "--to", window.to, "--user-id", "replay-user", "--queue-url", String(target)]);
      expect(run.code, run.output).to.equal(0);
      const replayId = /replay started ([0-9a-f-]{36})/.exec(run.output)?.[1];
      expect(run.output).to.match(/selected\s+sent\s+failed\s+elapsed/);

      const received = (await receiveAll(t, String(target))).map(fromQueue);
      expect(received.map((d) => d.eventId).sort()).to.deep.equal([...ids].sort());
      for (const delivery of received) {
        expect(delivery.attributes).to.deep.include({ replay: "true", replay_id: replayId, event_id: delivery.eventId });
        const first = firstDeliveries.find((d) => d.eventId === delivery.eventId)!;
        expect(delivery.body).to.equal(first.body);
        expect(delivery.attributes.correlation_id).to.equal(first.attributes.correlation_id);
      }
      expect(await drainQueue(t.sqs, t.stack.snsTapQueueUrl)).to.deep.equal([]);
    });

    it("resumes a replay by its id after the last confirmed page, and a finished one sends nothing more", async () => {
      const { QueueUrl: target } = await t.sqs.send(new CreateQueueCommand({ QueueName: `resumed-${Date.now()}` }));
      const stopped = new AbortController();
      let pages = 0;
      const lines: string[] = [];
      // Ctrl-C after the first page of 10: the page in flight completes, then the run stops.
      const code = await replayMain(
        ["--function", "replay", "--lambda-endpoint", t.stack.lambdaEndpointUrl, "--rate", "10", "--from", window.from, "--to", window.to, "--user-id", "replay-user", "--queue-url", String(target)],
        {},
        { print: (text) => lines.push(text), progressStream: { write: () => (++pages === 2 && stopped.abort(), true), isTTY: false }, signal: stopped.signal },
      );
      expect(code, lines.join("\n")).to.equal(130);
      const resumeLine = lines.join("\n").match(/npm run replay -- .* --resume ([0-9a-f-]{36})/);
      expect(resumeLine, lines.join("\n")).to.not.equal(null);
      const firstPart = (await receiveAll(t, String(target))).map(fromQueue);
      expect(firstPart.length).to.be.within(1, ids.length - 1);

      const resumed = await replay(t, ["--resume", resumeLine![1]]);
      expect(resumed.code, resumed.output).to.equal(0);
      const all = [...firstPart, ...(await receiveAll(t, String(target))).map(fromQueue)];
      expect(new Set(all.map((d) => d.eventId))).to.deep.equal(new Set(ids));
      expect(all.length).to.equal(ids.length);

      const again = await replay(t, ["--resume", resumeLine![1]]);
      expect(again.code).to.equal(0);
      expect(await receiveAll(t, String(target))).to.deep.equal([]);
    });

    it("stops cleanly on a real Ctrl-C (SIGINT), printing the summary and the --resume line, exit 130", async () => {
      const root = path.join(__dirname, "..", "..");
      const args = ["--function", "replay", "--lambda-endpoint", t.stack.lambdaEndpointUrl, "--rate", "1", "--from", window.from, "--to", window.to, "--user-id", "replay-user"];
      const child = spawn(path.join(root, "node_modules", ".bin", "tsx"), [path.join(root, "scripts", "replay.ts"), ...args], {
        cwd: root,
        env: { PATH: process.env.PATH ?? "", NODE_NO_WARNINGS: "1" },
      });
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("replay started")) setTimeout(() => child.kill("SIGINT"), 1500);
      });
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(code, stdout).to.equal(130);
      const id = /replay started ([0-9a-f-]{36})/.exec(stdout)?.[1];
      expect(stdout).to.match(/selected\s+sent\s+failed\s+elapsed\s+status/);
      expect(stdout).to.include(`--resume ${id}`);
      await drainQueue(t.sqs, t.stack.snsTapQueueUrl);
    });

    it("runs the line the npm start banner prints, as pasted: it finds the stack through its data directory", async () => {
      const line = banner(t.stack).split("\n").find((text) => text.includes("npm run replay --"));
      const [, dataDir, args] = /^\s*FLUXA_DATA_DIR='([^']+)' npm run replay -- (.*)$/.exec(String(line)) ?? [];
      expect(dataDir, line).to.equal(t.stack.dataDir);
      expect(args, line).to.not.include("--lambda-endpoint");
      const run = await runScript("replay", args.split(" "), { FLUXA_DATA_DIR: dataDir });
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/^dry run: \d+ event\(s\) selected; nothing sent$/m);
    });

    describe("bad input: one line, exit 2, nothing sent", () => {
      const cases: [string, (url: string) => string[], RegExp][] = [
        ["a malformed date", () => ["--from", "2024-13-01T00:00:00Z", "--to", "2024-12-02T00:00:00Z"], /--from "2024-13-01T00:00:00Z" is not an RFC 3339 date-time/],
        ["a reversed window", () => ["--from", "2024-12-02T00:00:00Z", "--to", "2024-12-01T00:00:00Z"], /must be before --to/],
        ["an unknown flag", () => ["--form", "2024-12-01T00:00:00Z"], /Unknown option '--form'/],
        ["the archive with the outbox sweep", () => ["--unpublished", "--from-archive"], /--from-archive replays a --from\/--to window/],
        ["a window over the maximum", () => ["--from", "2024-01-01T00:00:00Z", "--to", "2024-03-01T00:00:00Z"], /over the maximum of 31 \(stack config fluxa:replayMaxWindowDays\)/],
        ["an unknown source", () => ["--from", "2024-12-01T00:00:00Z", "--to", "2024-12-02T00:00:00Z", "--source", "nope"], /--source "nope" is not a source of this stack; its sources: default/],
        ["an unknown replay id", () => ["--resume", "7a1d0c4e-0000-4000-8000-000000000000"], /no replay with id "7a1d0c4e-0000-4000-8000-000000000000"/],
        ["a queue that does not exist", (url) => ["--from", "2024-12-01T00:00:00Z", "--to", "2024-12-02T00:00:00Z", "--queue-url", `${url.slice(0, url.lastIndexOf("/"))}/no-such-queue`], /queue .*\/no-such-queue does not exist/],
        ["a queue of another account", () => ["--from", "2024-12-01T00:00:00Z", "--to", "2024-12-02T00:00:00Z", "--queue-url", "https://sqs.eu-west-1.amazonaws.com/123456789012/elsewhere"], /is not a replay target: add it to stack config fluxa:replayQueueUrls/],
        ["a function that does not exist", () => ["--function", "relay", "--from", "2024-12-01T00:00:00Z", "--to", "2024-12-02T00:00:00Z"], /function relay does not exist/],
      ];
      for (const [name, args, message] of cases) {
        it(`refuses ${name}`, async () => {
          const run = await runScript("replay", ["--function", "replay", "--lambda-endpoint", t.stack.lambdaEndpointUrl, ...args(t.stack.queueUrl)]);
          expect(run.code, run.stderr).to.equal(2);
          const [line, hint] = run.stderr.trim().split("\n");
          expect(line).to.match(/^replay: /).and.to.match(message);
          expect(hint).to.equal("Run `npm run replay -- --help` for usage.");
          expect(run.stdout).to.equal("");
          expect(await drainQueue(t.sqs, t.stack.snsTapQueueUrl)).to.deep.equal([]);
        });
      }
    });
  });

  describe("the outbox sweep after an SNS outage", () => {
    let emulator: AwsEmulator;
    let proxy: FaultProxy;
    let t: TestStack;
    before(async () => {
      emulator = await startAwsEmulator("us-east-1");
      proxy = await startFaultProxy(emulator.endpointUrl);
      // Only the processor reaches SNS through the proxy: the outage is the one it met after commit.
      t = await startTestStack({ awsEndpointUrl: emulator.endpointUrl, functionEnvironment: { processor: { AWS_ENDPOINT_URL_SNS: proxy.url } } });
    });
    after(async () => {
      await t?.stop();
      await proxy?.stop();
      await emulator?.stop();
    });

    it("publishes each event SNS never confirmed, once, without replay=true, and marks it published", async () => {
      void proxy.outage("sns", 120_000);
      const ids = await postEvents(t, 7, "outbox-user");
      const unpublished = async () => (await t.db.anyFirst(sql.unsafe`SELECT event_id FROM outbox ORDER BY event_id`)).map(String);
      await eventually("the events stored but not published", async () => ((await unpublished()).length === ids.length && proxy.refused.sns > 0 ? true : undefined));

      const dryRun = await replay(t, ["--unpublished", "--older-than", "0s", "--dry-run"]);
      expect(dryRun.output).to.contain(`dry run: ${ids.length} event(s) selected; nothing sent`);
      const sweep = await replay(t, ["--unpublished", "--older-than", "0s"]);
      expect(sweep.code, sweep.output).to.equal(0);
      const sweepId = /replay started ([0-9a-f-]{36})/.exec(sweep.output)?.[1];

      expect(await unpublished()).to.deep.equal([]);
      const delivered = (await drainQueue(t.sqs, t.stack.snsTapQueueUrl)).map(fromEnvelope);
      expect(delivered.map((d) => d.eventId).sort()).to.deep.equal([...ids].sort());
      for (const delivery of delivered) {
        expect(delivery.attributes).to.deep.include({ replay_id: sweepId, event_id: delivery.eventId });
        expect(delivery.attributes).to.not.have.property("replay");
      }
    });
  });
});
