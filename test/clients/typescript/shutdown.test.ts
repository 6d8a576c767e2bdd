import { expect } from "chai";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { FluxaClosedError, FluxaNotSentError } from "../../../clients/typescript/src";
import { sampleEvent } from "../../../scripts/lib/factories";
import { clientOf, fakeFluxaPerTest } from "../../support/fake-fluxa";

const exitScript = path.join(__dirname, "fixtures", "send-and-exit.ts");

/** Runs the fixture in its own Node process (asynchronously: the fake answers from this one): it sends `count` events and returns without close(). */
function sendAndExit(endpoint: string, count: number, env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--require", "tsx/cjs", exitScript],
      { env: { ...process.env, FLUXA_ENDPOINT: endpoint, EVENTS: String(count), ...env }, encoding: "utf8", timeout: 60_000 },
      (_error, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }),
    );
  });
}

describe("TypeScript client: flush, close and the process's exit", () => {
  const t = fakeFluxaPerTest();

  it("flush() sends a partial batch at once and resolves when its events are settled", async () => {
    t.client = clientOf(t.fake, { flushIntervalMs: 3_600_000 });
    const sends = [t.client.send(sampleEvent()), t.client.send(sampleEvent())];
    await t.client.flush();
    expect(t.fake.stored.size).to.equal(2);
    const sent = await Promise.all(sends);
    expect(sent.map((s) => t.fake.stored.get(s.idempotencyKey)?.eventId)).to.deep.equal(sent.map((s) => s.eventId));
  });

  it("close() sends what is held, reports nothing unsent (and logs its report), and refuses later sends", async () => {
    const logged: unknown[] = [];
    t.client = clientOf(t.fake, { flushIntervalMs: 3_600_000, logger: { info: (message, fields) => logged.push([message, fields]) } });
    const sends = [1, 2, 3].map((n) => t.client!.send(sampleEvent({ amount: n })));
    const report = await t.client.close();
    expect(report).to.deep.equal({ sent: 3, failed: 0, unsent: [] });
    expect(logged).to.deep.equal([["fluxa: closed", { sent: 3, failed: 0, unsent: 0 }]]);
    await Promise.all(sends);
    expect(await t.client.close()).to.equal(report);
    expect(await t.client.send(sampleEvent()).catch((error: unknown) => error)).to.be.instanceOf(FluxaClosedError);
  });

  it("at close()'s deadline cancels what is in flight and reports each unsent event with its key, so resending it stores it once", async () => {
    t.fake.script.push({ storeThenDrop: true }, { hang: true });
    t.client = clientOf(t.fake, { initialBackoffMs: 0 });
    const events = [sampleEvent({ amount: 1 }), sampleEvent({ amount: 2 })];
    const sends = events.map((e) => t.client!.send(e).catch((error: unknown) => error));
    await new Promise<void>((resolve) => (t.fake.onBatch = () => t.fake.requests.length === 2 && resolve()));
    const report = await t.client.close(0);

    expect(report.sent).to.equal(0);
    expect(report.unsent.map((u) => u.event)).to.deep.equal(events);
    for (const [n, error] of (await Promise.all(sends)).entries()) {
      expect(error).to.be.instanceOf(FluxaNotSentError).and.include({ idempotencyKey: report.unsent[n].idempotencyKey });
    }
    expect(t.fake.stored.size).to.equal(2);

    const again = clientOf(t.fake);
    await Promise.all(report.unsent.map((u) => again.send(u.event, { idempotencyKey: u.idempotencyKey })));
    await again.close();
    expect(t.fake.stored.size).to.equal(2);
  });

  it("drains at the process's exit when the code never calls close(), and does not keep the process alive", async () => {
    const run = await sendAndExit(t.fake.url, 7);
    expect(run.status, run.stderr).to.equal(0);
    expect(t.fake.stored.size).to.equal(7);
    expect(run.stdout).to.include('"sent":7').and.include('"failed":0');
  });

  it("exits after closeTimeoutMs when Fluxa never answers, saying which events were not sent", async () => {
    t.fake.script.push({ hang: true });
    const run = await sendAndExit(t.fake.url, 2, { CLOSE_TIMEOUT_MS: "300" });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stderr).to.include("fluxa: closed with events not sent").and.include('"unsent":2');
  });
});
