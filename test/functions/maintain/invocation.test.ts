import { expect } from "chai";
import { createMaintainHandler } from "../../../functions/maintain/invocation";
import { FakeArchiveStore, FakePartitionCatalogue } from "../../support/fake-maintenance";
import { RecordingMetrics, recordingLogger } from "../../support/fakes";

const settings = { layout: { width: "day", ahead: 2 }, retentionDays: 30, archive: true, archiveFileRows: 10 } as const;

describe("maintenance invocation", () => {
  let partitions: FakePartitionCatalogue;
  let metrics: RecordingMetrics;
  let handler: (event: unknown) => Promise<unknown>;

  beforeEach(() => {
    partitions = new FakePartitionCatalogue();
    partitions.add("events_p20261101", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", 4);
    partitions.add("events_p20261102", "2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z", 3, 1);
    metrics = new RecordingMetrics();
    const ports = { partitions, archive: new FakeArchiveStore(), clock: { now: () => new Date("2026-12-07T10:00:00Z") }, log: recordingLogger().log };
    handler = createMaintainHandler({ ports, settings, log: recordingLogger().log, metrics });
  });

  it("emits what a run did: partitions ahead and created, rows archived and dropped, partitions kept, the oldest's age", async () => {
    await handler({ action: "run", dryRun: false });
    const emitted = ["partitions_ahead", "partitions_created", "rows_archived", "rows_dropped", "partitions_dropped", "partitions_blocked", "oldest_partition_age_days"].map((m) => metrics.total(m));
    expect(emitted).to.deep.equal([2, 3, 4, 4, 1, 1, 35]);
  });

  it("emits nothing for a dry run: the alarms read runs only", async () => {
    await handler({ action: "run", dryRun: true });
    expect(metrics.emitted).to.deep.equal([]);
  });

  it("answers a request it cannot read with ok: false and does nothing", async () => {
    expect(await handler({ action: "drop-everything" })).to.deep.include({ ok: false });
    expect(partitions.dropped).to.deep.equal([]);
  });

  it("throws when the run fails, so the function's Errors alarm counts it", async () => {
    partitions.detachAndDrop = () => Promise.reject(new Error("lock timeout"));
    let failure: Error | undefined;
    await handler({ action: "run", dryRun: false }).catch((error: Error) => (failure = error));
    expect(failure?.message).to.equal("lock timeout");
  });
});
