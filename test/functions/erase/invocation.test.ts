import { expect } from "chai";
import type { ErasePorts } from "../../../functions/erase/core";
import { createEraseHandler } from "../../../functions/erase/invocation";
import type { EraseResponse } from "../../../functions/erase/protocol";
import { sha256Hex } from "../../../functions/shared/hash";
import { FakeErasureStore, FakePayloadEraser } from "../../support/fake-erasure-store";
import { recordingLogger } from "../../support/fakes";

const settings = { sources: ["mobile", "web"] };
const now = "2024-01-15T12:00:00.000Z";
const erasureId = "e7a5e000-0000-4000-8000-000000000001";

describe("erase function (core and invocation, on in-memory fakes of its ports)", () => {
  let store: FakeErasureStore;
  let payloads: FakePayloadEraser;
  let logged: ReturnType<typeof recordingLogger>;
  let invoke: (request: unknown) => Promise<EraseResponse>;

  beforeEach(() => {
    store = new FakeErasureStore();
    store.rows = [
      { eventId: "1", userId: "ada", source: "web", receivedAt: "2024-01-15T11:00:00Z", payloadKey: "raw/2024-01-15/1.json" },
      { eventId: "2", userId: "ada", source: "mobile", receivedAt: "2024-01-15T11:00:00Z" },
      { eventId: "3", userId: "bob", source: "web", receivedAt: "2024-01-15T11:00:00Z", payloadKey: "raw/2024-01-15/3.json" },
    ];
    payloads = new FakePayloadEraser(store.calls);
    logged = recordingLogger();
    const ports: ErasePorts = { erasures: store, payloads, clock: { now: () => new Date(now) }, newErasureId: () => erasureId, log: logged.log };
    const handler = createEraseHandler({ ports, settings, log: logged.log });
    invoke = (request) => handler(request);
  });

  const erase = (fields: Record<string, unknown> = {}) => invoke({ action: "erase", userId: "ada", dryRun: false, requestedBy: "arn:aws:iam::123456789012:user/ops", ...fields });

  it("tombstones first, then deletes the payloads, then the rows, and answers and logs the audit record without the user id", async () => {
    const response = await erase({ source: "web" });
    const record = {
      erasureId,
      userIdSha256: sha256Hex("ada"),
      source: "web",
      erasedAt: now,
      requestedBy: "arn:aws:iam::123456789012:user/ops",
      erased: { rows: 1, payloads: 1 },
      finishedAt: now,
    };
    expect(response).to.deep.equal({ ok: true, erasure: record });
    expect(store.calls).to.deep.equal(["tombstone", "payloadKeys", "deletePayloads", "deleteEvents", "finish"]);
    expect(payloads.deleted).to.deep.equal(["raw/2024-01-15/1.json"]);
    expect(store.rows.map((r) => r.eventId)).to.deep.equal(["2", "3"]);
    const audit = logged.lines.find((line) => line.msg === "user erased");
    expect(audit?.erasure).to.deep.equal(record);
    expect(JSON.stringify(logged.lines)).not.to.include('"ada"');
  });

  it("erases the user in every source when no source is named, and leaves other users alone", async () => {
    const response = await erase();
    expect(response).to.deep.include({ ok: true });
    expect(store.rows.map((r) => r.eventId)).to.deep.equal(["3"]);
    expect(payloads.deleted).to.deep.equal(["raw/2024-01-15/1.json"]);
    expect([...store.records.values()][0]).to.deep.include({ source: null, erased: { rows: 2, payloads: 1 } });
  });

  it("a dry run counts what it would erase and changes nothing", async () => {
    const response = await erase({ dryRun: true });
    expect(response).to.deep.equal({ ok: true, dryRun: { rows: 2, payloads: 1, userIdSha256: sha256Hex("ada"), source: null } });
    expect(store.calls).to.deep.equal(["count"]);
    expect(store.rows).to.have.length(3);
    expect(store.records.size).to.equal(0);
    expect(payloads.deleted).to.deep.equal([]);
  });

  for (const [why, fields, problem] of [
    ["an unknown source", { source: "partner" }, '--source "partner" is not a source of this stack; its sources: mobile, web'],
    ["an empty user id", { userId: " " }, "--user-id must name a user"],
    ["no caller identity", { requestedBy: "" }, "requestedBy (the caller's identity) must be set"],
  ] as const) {
    it(`refuses ${why} and changes nothing`, async () => {
      expect(await erase(fields)).to.deep.equal({ ok: false, problem });
      expect(store.calls).to.deep.equal([]);
      expect(store.rows).to.have.length(3);
    });
  }

  it("answers a request that is not an erase request with the reason, and calls nothing", async () => {
    const response = await invoke({ action: "erase", userId: "ada" });
    expect(response.ok).to.equal(false);
    expect(response).to.have.property("problem").that.matches(/^not an erase request: .*dryRun/);
    expect(store.calls).to.deep.equal([]);
  });

  it("lists past erasures newest first", async () => {
    await erase({ source: "web" });
    const response = await invoke({ action: "list" });
    expect(response).to.deep.equal({ ok: true, erasures: [...store.records.values()] });
  });

  it("a run that fails after the tombstone leaves its record unfinished and throws, so the CLI exits non-zero", async () => {
    store.failOn = "deleteEvents";
    let thrown: unknown;
    await erase().catch((error: unknown) => (thrown = error));
    expect(String(thrown)).to.include("deleteEvents failed");
    expect([...store.records.values()][0]).to.deep.include({ erased: null, finishedAt: null });
    expect(logged.lines.some((line) => line.msg === "erase invocation failed")).to.equal(true);
  });
});
