import { expect } from "chai";
import { maxNotificationBytes, notificationAttributes, notificationOf, publishBatches } from "../../../functions/adapters/sns-event-notifier";
import { storedEvent as stored } from "../../../scripts/lib/factories";

describe("SNS notifications", () => {
  it("carry the stored event", () => {
    expect(JSON.parse(notificationOf(stored(1)).body)).to.deep.equal(stored(1));
  });

  it("carry the source and user_id as message attributes, for subscribers' filter policies, beside a replay's", () => {
    const attributes = notificationAttributes({ ...stored(1), source: "mobile", user_id: "u-9" }, { replay: "true" });
    expect(Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, value.StringValue]))).to.deep.equal({
      event_id: stored(1).event_id,
      correlation_id: "c1",
      source: "mobile",
      user_id: "u-9",
      replay: "true",
    });
  });

  it("leave out metadata that would take a notification over SNS's message size limit", () => {
    const notification = notificationOf(stored(1, { blob: "x".repeat(300 * 1024) }));
    expect(notification.bytes).to.be.at.most(maxNotificationBytes);
    expect(JSON.parse(notification.body)).to.include({ event_id: stored(1).event_id, metadata: null, metadata_omitted: true });
  });

  it("are published in batches of at most 10 entries and 256 KB", () => {
    const small = Array.from({ length: 23 }, (_, i) => notificationOf(stored(i)));
    expect(publishBatches(small).map((b) => b.length)).to.deep.equal([10, 10, 3]);
    const large = Array.from({ length: 3 }, (_, i) => notificationOf(stored(i, { blob: "x".repeat(100 * 1024) })));
    expect(publishBatches(large).map((b) => b.length)).to.deep.equal([2, 1]);
  });
});
