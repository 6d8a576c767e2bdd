import { expect } from "chai";
import { runMaintenance } from "../../../functions/maintain/core";
import type { MaintenanceSettings } from "../../../functions/maintain/ports";
import { archiveManifestKey, decodeArchiveFile, type ArchiveManifest } from "../../../functions/shared/event-archive";
import { sha256Hex } from "../../../functions/shared/hash";
import { recordingLogger } from "../../support/fakes";
import { FakeArchiveStore, FakePartitionCatalogue } from "../../support/fake-maintenance";

const now = new Date("2026-12-07T10:00:00Z");
const settings = (overrides: Partial<MaintenanceSettings> = {}): MaintenanceSettings => ({
  layout: { width: "day", ahead: 3 },
  retentionDays: 30,
  archive: false,
  archiveFileRows: 4,
  ...overrides,
});

describe("maintenance core", () => {
  let partitions: FakePartitionCatalogue;
  let archive: FakeArchiveStore;
  const ports = () => ({ partitions, archive, clock: { now: () => now }, log: recordingLogger().log });

  beforeEach(() => {
    partitions = new FakePartitionCatalogue();
    archive = new FakeArchiveStore();
    // Expired: its whole range ends before now − 30 days (2026-11-07T10:00Z).
    partitions.add("events_p20261105", "2026-11-05T00:00:00Z", "2026-11-06T00:00:00Z", 10);
    // Not expired: it ends after the cutoff, though it starts before it.
    partitions.add("events_p20261107", "2026-11-07T00:00:00Z", "2026-11-08T00:00:00Z", 2);
    partitions.add("events_p20261207", "2026-12-07T00:00:00Z", "2026-12-08T00:00:00Z", 1);
  });

  it("creates the partitions ahead and drops a partition only when its whole range is past the retention window", async () => {
    const report = await runMaintenance(ports(), settings(), { action: "run", dryRun: false });
    expect(report.partitionsCreated).to.deep.equal(["events_p20261208", "events_p20261209", "events_p20261210"]);
    expect(report.partitionsAhead).to.equal(3);
    expect(report.retentionCutoff).to.equal("2026-11-07T10:00:00.000Z");
    expect(report.dropped).to.deep.equal([{ partition: "events_p20261105", from: "2026-11-05T00:00:00.000Z", to: "2026-11-06T00:00:00.000Z", rows: 10 }]);
    expect(partitions.dropped).to.deep.equal(["events_p20261105"]);
    expect(report.oldestPartition).to.deep.equal({ name: "events_p20261107", ageDays: 30 });
    expect(archive.objects.size).to.equal(0);
  });

  it("keeps every partition when retention is off", async () => {
    const report = await runMaintenance(ports(), settings({ retentionDays: undefined }), { action: "run", dryRun: false });
    expect([report.retentionCutoff, report.dropped, partitions.dropped]).to.deep.equal([null, [], []]);
    expect(report.oldestPartition).to.deep.equal({ name: "events_p20261105", ageDays: 32 });
  });

  it("keeps an expired partition whose outbox is not settled, and says why", async () => {
    partitions.add("events_p20261101", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", 3, 1);
    const report = await runMaintenance(ports(), settings({ archive: true }), { action: "run", dryRun: false });
    expect(partitions.dropped).to.deep.equal(["events_p20261105"]);
    expect(report.kept).to.have.length(1);
    expect(report.kept[0]).to.include({ partition: "events_p20261101", reason: "unpublished", rows: 3 });
    expect(report.kept[0].detail).to.match(/^1 event\(s\) SNS never confirmed/);
    expect([...archive.objects.keys()].some((key) => key.includes("events_p20261101"))).to.equal(false);
  });

  it("archives an expired partition as gzipped JSON Lines in bounded files with a manifest, then drops it", async () => {
    const report = await runMaintenance(ports(), settings({ archive: true }), { action: "run", dryRun: false });
    const manifest = JSON.parse(new TextDecoder().decode(archive.objects.get(archiveManifestKey("events_p20261105")))) as ArchiveManifest;
    expect(manifest).to.include({ partition: "events_p20261105", rowCount: 10, from: "2026-11-05T00:00:00.000Z", to: "2026-11-06T00:00:00.000Z" });
    expect(manifest.files.map((f) => f.rows)).to.deep.equal([4, 4, 2]);
    const lines = manifest.files.flatMap((file) => {
      const body = archive.objects.get(file.key) as Uint8Array;
      expect(sha256Hex(body)).to.equal(file.sha256);
      return decodeArchiveFile(body);
    });
    expect(lines.map((row) => row.user_id)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `user-${i}`));
    expect(report.archived).to.deep.equal([{ ...report.dropped[0], manifestKey: archiveManifestKey("events_p20261105"), files: 3 }]);
    expect(partitions.dropped).to.deep.equal(["events_p20261105"]);
  });

  for (const [damage, corrupted, problem] of [
    ["a file reads back with other bytes", (body: Uint8Array) => body.slice(0, body.length - 1), /SHA-256/],
    ["a file is missing", () => undefined, /is missing/],
  ] as const) {
    it(`keeps the partition when ${damage} on verification`, async () => {
      archive.damaged.set("archive/events/events_p20261105/part-00001.jsonl.gz", corrupted);
      const report = await runMaintenance(ports(), settings({ archive: true }), { action: "run", dryRun: false });
      expect(partitions.dropped).to.deep.equal([]);
      expect(report.kept[0]).to.include({ partition: "events_p20261105", reason: "archive-unverified" });
      expect(report.kept[0].detail).to.match(problem);
    });
  }

  it("a dry run reports what a run would do and changes nothing", async () => {
    partitions.add("events_p20261101", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", 3, 2);
    const report = await runMaintenance(ports(), settings({ archive: true }), { action: "run", dryRun: true });
    expect(report.dryRun).to.equal(true);
    expect(report.partitionsCreated).to.deep.equal(["events_p20261208", "events_p20261209", "events_p20261210"]);
    expect(report.partitionsAhead).to.equal(3);
    expect(report.dropped.map((p) => p.partition)).to.deep.equal(["events_p20261105"]);
    expect(report.archived.map((p) => [p.partition, p.files])).to.deep.equal([["events_p20261105", 3]]);
    expect(report.kept.map((p) => [p.partition, p.reason])).to.deep.equal([["events_p20261101", "unpublished"]]);
    expect(report.oldestPartition?.name).to.equal("events_p20261101");
    expect([partitions.dropped, archive.objects.size, partitions.partitions.length]).to.deep.equal([[], 0, 4]);
  });
});
