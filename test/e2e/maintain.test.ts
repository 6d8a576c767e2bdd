import { expect } from "chai";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { sql } from "slonik";
import { z } from "zod";
import { ensureEventPartitions } from "../../functions/adapters/postgres-event-partitions";
import { archiveManifestKey, type ArchiveManifest } from "../../functions/shared/event-archive";
import { banner } from "../../scripts/local-stack/banner";
import { maintainMain } from "../../scripts/maintain";
import { drainQueue, startTestStack, type TestStack } from "../../scripts/lib/local-stack-client";
import { runScript } from "../scripts/run-script";
import { storedAt } from "../support/database";

async function maintain(t: TestStack, args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await maintainMain(["--function", "maintain", "--lambda-endpoint", t.stack.lambdaEndpointUrl, ...args], {}, (text) => lines.push(text));
  return { code, output: lines.join("\n") };
}

const exists = (t: TestStack, partition: string): Promise<boolean> =>
  t.db.oneFirst(sql.type(z.object({ present: z.boolean() }))`SELECT to_regclass(${partition}) IS NOT NULL AS present`);

describe("npm run maintain on the local stack (retention 30 days, archive on)", function () {
  this.timeout(180_000);
  let t: TestStack;
  let s3: S3Client;

  /** An event stored long ago in its own partition, as the processor stores one. */
  async function stored(id: number, createdAt: string, published: boolean, userId = "old-user"): Promise<void> {
    await storedAt(t.db, `00000000-0000-4000-8000-${String(id).padStart(12, "0")}`, createdAt, { published, userId });
  }

  before(async () => {
    t = await startTestStack({ retentionDays: 30, archive: true });
    s3 = new S3Client({ endpoint: t.stack.awsEndpointUrl, region: t.stack.region, forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    await ensureEventPartitions(t.db, { width: "day", ahead: 1 }, new Date("2025-01-10T12:00:00Z"));
    await stored(1, "2025-01-10T01:00:00Z", true);
    await stored(2, "2025-01-10T02:00:00Z", true, "erased-user");
    // A stored event SNS never confirmed: its partition must not be dropped.
    await stored(3, "2025-01-11T01:00:00Z", false);
  });
  after(async () => {
    s3?.destroy();
    await t?.stop();
  });

  it("prints a ready npm run maintain line in the banner", () => {
    expect(banner(t.stack)).to.include("npm run maintain -- --dry-run");
  });

  it("--dry-run says what a run would archive, drop and keep, and changes nothing", async () => {
    const { code, output } = await maintain(t, ["--dry-run"]);
    expect(code).to.equal(0);
    expect(output).to.match(/^dry run at .*: nothing changed/);
    expect(output).to.include("would archive events_p20250110 (2 rows, 1 file(s), archive/events/events_p20250110/manifest.json)");
    expect(output).to.include("would drop events_p20250110 [2025-01-10T00:00:00.000Z, 2025-01-11T00:00:00.000Z) (2 rows)");
    expect(output).to.match(/would keep events_p20250111 \(1 rows\): 1 event\(s\) SNS never confirmed/);
    expect([await exists(t, "events_p20250110"), await exists(t, "events_p20250111")]).to.deep.equal([true, true]);
  });

  it("a run archives and verifies the expired partition, drops it whole, and refuses the one with unannounced events (exit 1)", async () => {
    const { code, output } = await maintain(t, []);
    expect(code).to.equal(1);
    expect(output).to.include("archived events_p20250110 (2 rows, 1 file(s)");
    expect(output).to.include("dropped events_p20250110");
    expect(output).to.match(/kept events_p20250111 \(1 rows\): 1 event\(s\) SNS never confirmed/);
    expect(output).to.match(/partitions created: .*; (1[4-9]|[2-9]\d) ahead of today/);
    expect([await exists(t, "events_p20250110"), await exists(t, "events_p20250111")]).to.deep.equal([false, true]);

    const object = await s3.send(new GetObjectCommand({ Bucket: t.stack.bucket, Key: archiveManifestKey("events_p20250110") }));
    const manifest = JSON.parse(await object.Body!.transformToString()) as ArchiveManifest;
    expect([manifest.rowCount, manifest.files.length]).to.deep.equal([2, 1]);
    const emf = t.logs.filter((entry) => entry.function === "maintain" && "_aws" in entry);
    expect(emf.some((entry) => entry.rows_dropped === 2 && entry.partitions_blocked === 1)).to.equal(true);
  });

  it("replay --from-archive re-delivers the archived window, except the events a user erasure covers", async () => {
    await t.db.query(sql.unsafe`
      INSERT INTO erasures (erasure_id, user_id_sha256, erased_at, requested_by)
      VALUES (gen_random_uuid(), encode(sha256(convert_to('erased-user', 'UTF8')), 'hex'), now(), 'local:test')`);
    const args = ["--function", "replay", "--lambda-endpoint", t.stack.lambdaEndpointUrl, "--from", "2025-01-10T00:00:00Z", "--to", "2025-01-11T00:00:00Z", "--from-archive"];
    const dryRun = await runScript("replay", [...args, "--dry-run"]);
    expect(dryRun.stdout.trim(), dryRun.stderr).to.equal("dry run: 2 event(s) selected; nothing sent");
    const run = await runScript("replay", args);
    expect(run.code, run.stderr).to.equal(0);
    const delivered = (await drainQueue(t.sqs, t.stack.snsTapQueueUrl)).map((m) => (JSON.parse((JSON.parse(m.Body ?? "{}") as { Message: string }).Message) as { event_id: string }).event_id);
    expect(delivered).to.deep.equal(["00000000-0000-4000-8000-000000000001"]);
  });

  it("answers a malformed request with ok: false, and runs nothing", async () => {
    const response = await t.stack.functions.invoke("maintain", { action: "sweep" });
    expect(response).to.deep.include({ ok: false });
  });
});
