import type { ErasureCounts, ErasureRecord, ErasureSelection, ErasureStore, PayloadEraser } from "../../functions/shared/ports";

/** A stored event as far as an erasure cares. */
export interface FakeErasableRow {
  readonly eventId: string;
  readonly userId: string;
  readonly source: string;
  readonly receivedAt: string;
  readonly payloadKey?: string;
}

/** An in-memory erasure store with the semantics the PostgreSQL adapter promises; `calls` records their order. */
export class FakeErasureStore implements ErasureStore {
  rows: FakeErasableRow[] = [];
  readonly records = new Map<string, ErasureRecord>();
  readonly calls: string[] = [];
  failOn: string | undefined;

  private selected({ userId, source }: ErasureSelection, receivedUpTo: string) {
    return this.rows.filter((r) => r.userId === userId && (source === null || r.source === source) && Date.parse(r.receivedAt) <= Date.parse(receivedUpTo));
  }

  private call(name: string): void {
    this.calls.push(name);
    if (this.failOn === name) throw new Error(`${name} failed`);
  }

  count(selection: ErasureSelection, receivedUpTo: string): Promise<ErasureCounts> {
    this.call("count");
    const rows = this.selected(selection, receivedUpTo);
    return Promise.resolve({ rows: rows.length, payloads: rows.filter((r) => r.payloadKey !== undefined).length });
  }

  tombstone(record: ErasureRecord): Promise<void> {
    this.call("tombstone");
    this.records.set(record.erasureId, record);
    return Promise.resolve();
  }

  payloadKeys(selection: ErasureSelection, receivedUpTo: string): Promise<string[]> {
    this.call("payloadKeys");
    return Promise.resolve(this.selected(selection, receivedUpTo).flatMap((r) => (r.payloadKey === undefined ? [] : [r.payloadKey])));
  }

  deleteEvents(selection: ErasureSelection, receivedUpTo: string): Promise<number> {
    this.call("deleteEvents");
    const doomed = new Set(this.selected(selection, receivedUpTo));
    this.rows = this.rows.filter((r) => !doomed.has(r));
    return Promise.resolve(doomed.size);
  }

  finish(erasureId: string, erased: ErasureCounts, finishedAt: string): Promise<void> {
    this.call("finish");
    const record = this.records.get(erasureId);
    if (record) this.records.set(erasureId, { ...record, erased, finishedAt });
    return Promise.resolve();
  }

  list(limit: number): Promise<ErasureRecord[]> {
    this.call("list");
    return Promise.resolve([...this.records.values()].sort((a, b) => b.erasedAt.localeCompare(a.erasedAt)).slice(0, limit));
  }
}

/** Records the payload keys it was asked to delete, in order. */
export class FakePayloadEraser implements PayloadEraser {
  readonly deleted: string[] = [];
  constructor(private readonly calls: string[] = []) {}
  deleteAll(keys: readonly string[]): Promise<void> {
    this.calls.push("deletePayloads");
    this.deleted.push(...keys);
    return Promise.resolve();
  }
}
