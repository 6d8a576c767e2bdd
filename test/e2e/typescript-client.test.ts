import { expect } from "chai";
import { sql } from "slonik";
import { FluxaClient, type FluxaStoredEvent } from "../../clients/typescript/src";
import { startFaultProxy, type FaultProxy } from "../../scripts/chaos/fault-proxy";
import { startAwsEmulator, type AwsEmulator } from "../../scripts/local-stack/aws-emulator";
import { sampleEvent } from "../../scripts/lib/factories";
import { eventually, startTestStack, type TestStack } from "../../scripts/lib/local-stack-client";

describe("the TypeScript client end to end (local stack, over HTTP)", function () {
  this.timeout(180_000);
  let emulator: AwsEmulator;
  let proxy: FaultProxy;
  let t: TestStack;
  before(async () => {
    emulator = await startAwsEmulator("us-east-1");
    proxy = await startFaultProxy(emulator.endpointUrl);
    // Ingest reaches SQS through the proxy, and runs one request at a time: while SQS is down it
    // answers batches enqueue_failed, slowly, and the API answers the requests it has no room for 503.
    t = await startTestStack({
      awsEndpointUrl: emulator.endpointUrl,
      reservedConcurrency: { ingest: 1 },
      functionEnvironment: { ingest: { AWS_ENDPOINT_URL_SQS: proxy.url } },
    });
  });
  after(async () => {
    await t?.stop();
    await proxy?.stop();
    await emulator?.stop();
  });

  it("stores every event sent through the client once, while ingest is throttled and cannot enqueue for a while", async () => {
    const retries: string[] = [];
    const client = new FluxaClient({
      endpoint: t.stack.apiUrl,
      apiKey: t.apiKey,
      maxBatchEvents: 10,
      maxConcurrentBatches: 4,
      initialBackoffMs: 50,
      maxBackoffMs: 500,
      maxAttempts: 100,
      drainOnExit: false,
      logger: { warn: (_message, fields) => retries.push(String(fields?.reason)) },
    });
    const userId = `client-e2e-${Date.now()}`;
    const outage = proxy.outage("sqs", 3000);
    const sent = await Promise.all([...Array(60).keys()].map((n) => client.send(sampleEvent({ user_id: userId, amount: n }))));
    await outage;

    expect(proxy.refused.sqs, "SQS refused ingest").to.be.above(0);
    expect(t.stack.functions.throttleCount("ingest"), "ingest throttled").to.be.above(0);
    expect(retries).to.include("POST /events/batch answered 503 (service_unavailable)");
    expect(retries.some((reason) => / events not enqueued$/.test(reason)), retries.join("\n")).to.equal(true);
    expect(client.stats()).to.include({ sent: 60, failed: 0, buffered: 0 });

    const ids = sent.map((s) => s.eventId).sort();
    expect(new Set(ids).size).to.equal(60);
    const storedCount = async () => Number(await t.db.oneFirst(sql.unsafe`SELECT count(*) FROM events WHERE user_id = ${userId}`));
    await eventually("all 60 events stored", async () => ((await storedCount()) >= 60 ? true : undefined));
    const listed: FluxaStoredEvent[] = [];
    for await (const event of client.list({ userId, limit: 25 })) listed.push(event);
    expect(listed.map((e) => e.event_id).sort()).to.deep.equal(ids);
    expect(listed.map((e) => e.amount).sort((a, b) => a - b)).to.deep.equal([...Array(60).keys()]);
    expect(await client.get(sent[7].eventId)).to.deep.include({ event_id: sent[7].eventId, user_id: userId, amount: 7 });
    expect(await storedCount()).to.equal(60);
    expect(await client.close()).to.deep.equal({ sent: 60, failed: 0, unsent: [] });
  });
});
