import { expect } from "chai";
import { markingInBackground } from "../../../functions/processor/background-mark";
import { newEvent } from "../../../scripts/lib/factories";
import { FakeEventRepository, recordingLogger } from "../../support/fakes";

/** A repository whose marks finish only when the test says so. */
class HeldMarks extends FakeEventRepository {
  readonly started: string[][] = [];
  private readonly release: (() => void)[] = [];
  private readonly refuse: ((error: Error) => void)[] = [];
  override markPublished(eventIds: readonly string[]): Promise<void> {
    this.started.push([...eventIds]);
    return new Promise<void>((resolve, reject) => {
      this.release.push(() => void super.markPublished(eventIds).then(resolve));
      this.refuse.push(reject);
    });
  }
  finish(index: number): void {
    this.release[index]();
  }
  fail(index: number, error: Error): void {
    this.refuse[index](error);
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

const settledWithin = async (promise: Promise<unknown>): Promise<boolean> => {
  let settled = false;
  void promise.then(() => (settled = true));
  await nextTurn();
  await nextTurn();
  return settled;
};

describe("processor: the outbox mark in the background", () => {
  it("returns at once and sends the mark on the event loop's next turn, after the handler's answer", async () => {
    const events = new HeldMarks();
    const marks = markingInBackground(events, recordingLogger().log);
    // The mark is held until the test releases it: had markPublished waited for it, this would time out.
    await marks.markPublished(["e-1"]);
    expect(events.started).to.deep.equal([]);
    await nextTurn();
    expect(events.started).to.deep.equal([["e-1"]]);
  });

  it("keeps at most one mark in flight: the next waits for the one before it", async () => {
    const events = new HeldMarks();
    const marks = markingInBackground(events, recordingLogger().log);
    await marks.markPublished(["e-1"]);
    await nextTurn();
    const second = marks.markPublished(["e-2"]);
    expect(await settledWithin(second)).to.equal(false);
    expect(events.started).to.deep.equal([["e-1"]]);
    events.finish(0);
    await second;
    await nextTurn();
    expect(events.started).to.deep.equal([["e-1"], ["e-2"]]);
  });

  it("logs a failed mark with its event ids and goes on marking", async () => {
    const events = new HeldMarks();
    const { log, lines } = recordingLogger();
    const marks = markingInBackground(events, log);
    await marks.markPublished(["e-1", "e-2"]);
    await nextTurn();
    events.fail(0, new Error("connection terminated"));
    await marks.markPublished(["e-3"]);
    await nextTurn();
    expect(lines.map((line) => [line.level, line.event_ids, line.msg])).to.deep.equal([[40, ["e-1", "e-2"], "published events not marked; they may be published again"]]);
    expect(events.started).to.deep.equal([["e-1", "e-2"], ["e-3"]]);
  });

  it("passes every other call to the repository as it is", async () => {
    const events = new FakeEventRepository();
    const marks = markingInBackground(events, recordingLogger().log);
    const stored = await marks.persist([newEvent(1)]);
    expect(stored.unpublished.map((e) => e.event_id)).to.deep.equal([newEvent(1).eventId]);
    expect(await marks.findById(newEvent(1).eventId, newEvent(1).source)).to.deep.include({ event_id: newEvent(1).eventId });
    expect((await marks.list({ source: newEvent(1).source, userId: newEvent(1).event.user_id, limit: 10 })).entries).to.have.length(1);
    expect([...(await marks.findMetadata([newEvent(1).eventId])).keys()]).to.deep.equal([newEvent(1).eventId]);
  });
});
