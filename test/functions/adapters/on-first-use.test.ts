import { expect } from "chai";
import { payloadStoreOnFirstUse, retryQueueOnFirstUse } from "../../../functions/adapters/on-first-use";
import { loadOnFirstUse } from "../../../functions/shared/load-on-first-use";
import type { PayloadStore, RetryQueue } from "../../../functions/shared/ports";

describe("adapters loaded on first use", () => {
  it("loads nothing until first called, then once, however many calls overlap", async () => {
    let loads = 0;
    const load = loadOnFirstUse(() => Promise.resolve(++loads));
    expect(loads).to.equal(0);
    expect(await Promise.all([load(), load(), load()])).to.deep.equal([1, 1, 1]);
    expect(await load()).to.equal(1);
    expect(loads).to.equal(1);
  });

  it("tries a failed load again on the next call", async () => {
    let attempts = 0;
    const load = loadOnFirstUse(() => (++attempts === 1 ? Promise.reject(new Error("chunk unreadable")) : Promise.resolve("loaded")));
    let refused: unknown;
    await load().catch((error: unknown) => (refused = error));
    expect(String(refused)).to.include("chunk unreadable");
    expect(await load()).to.equal("loaded");
    expect(attempts).to.equal(2);
  });

  it("passes every payload-store call through to the store it loads, and knows its bucket before loading", async () => {
    const calls: string[] = [];
    const loaded: PayloadStore = {
      bucket: "payloads",
      put: (key, body, sha256) => Promise.resolve(void calls.push(`put ${key} ${body} ${sha256}`)),
      get: (bucket, key) => Promise.resolve((calls.push(`get ${bucket} ${key}`), "text")),
    };
    let loads = 0;
    const store = payloadStoreOnFirstUse("payloads", () => Promise.resolve((loads++, loaded)));
    expect(store.bucket).to.equal("payloads");
    expect(loads).to.equal(0);
    await store.put("raw/k.json", "{}", "ab");
    expect(await store.get("other", "raw/k.json")).to.equal("text");
    expect(calls).to.deep.equal(["put raw/k.json {} ab", "get other raw/k.json"]);
    expect(loads).to.equal(1);
  });

  it("passes every retry-queue call through to the queue it loads", async () => {
    const calls: unknown[][] = [];
    const loaded: RetryQueue = {
      defer: (entries) => Promise.resolve((calls.push(["defer", entries.length]), [{ messageId: "m1", reason: "gone" }])),
      resend: (message, attributes, delaySeconds) => Promise.resolve(void calls.push(["resend", message.messageId, attributes, delaySeconds])),
      deadLetter: (message, attributes) => Promise.resolve(void calls.push(["deadLetter", message.messageId, attributes])),
    };
    const queue = retryQueueOnFirstUse(() => Promise.resolve(loaded));
    const message = { messageId: "m1", receiptHandle: "r", body: "{}", attributes: {} };
    expect(await queue.defer([{ message, seconds: 30 }])).to.deep.equal([{ messageId: "m1", reason: "gone" }]);
    await queue.resend(message, { failures: "1" }, 5);
    await queue.deadLetter(message, { failures: "3" });
    expect(calls).to.deep.equal([["defer", 1], ["resend", "m1", { failures: "1" }, 5], ["deadLetter", "m1", { failures: "3" }]]);
  });
});
