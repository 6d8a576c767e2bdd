import { expect } from "chai";
import { decodeEventInput, isRfc3339DateTime } from "../../../functions/shared/event-schema";
import { sampleEvent } from "../../../scripts/lib/factories";

function pathsOf(body: unknown): string[] {
  const result = decodeEventInput(body);
  return result.ok ? [] : result.details.map((d) => d.path);
}

describe("event schema", () => {
  it("accepts the seed's sample event and returns it in canonical field order", () => {
    const { metadata, ...rest } = sampleEvent();
    const result = decodeEventInput({ metadata, ...rest });
    expect(result.ok).to.equal(true);
    if (result.ok) expect(Object.keys(result.event)).to.deep.equal(["user_id", "amount", "currency", "merchant", "timestamp", "metadata"]);
  });

  it("accepts an event without metadata", () => {
    const { metadata: _omitted, ...withoutMetadata } = sampleEvent();
    expect(decodeEventInput(withoutMetadata).ok).to.equal(true);
  });

  it("names every bad field at once", () => {
    const bad = { user_id: "", amount: "12", currency: "usd", merchant: 5, timestamp: "yesterday", metadata: [1] };
    expect(pathsOf(bad).sort()).to.deep.equal(["amount", "currency", "merchant", "metadata", "timestamp", "user_id"]);
  });

  it("reports missing fields as required", () => {
    const result = decodeEventInput({});
    expect(result.ok).to.equal(false);
    if (!result.ok) {
      expect(result.details.map((d) => d.path).sort()).to.deep.equal(["amount", "currency", "merchant", "timestamp", "user_id"]);
      expect(result.details.every((d) => d.message === "is required")).to.equal(true);
    }
  });

  it("rejects unknown fields instead of dropping them", () => {
    expect(pathsOf({ ...sampleEvent(), merchant_name: "x" })).to.deep.equal(["merchant_name"]);
  });

  it("rejects bodies that are not objects", () => {
    for (const body of [null, [], "text", 3]) expect(pathsOf(body)).to.deep.equal([""]);
  });

  it("enforces string lengths in characters", () => {
    expect(pathsOf(sampleEvent({ user_id: "x".repeat(128) }))).to.deep.equal([]);
    expect(pathsOf(sampleEvent({ user_id: "x".repeat(129) }))).to.deep.equal(["user_id"]);
    expect(pathsOf(sampleEvent({ merchant: "é".repeat(256) }))).to.deep.equal([]);
    expect(pathsOf(sampleEvent({ merchant: "m".repeat(257) }))).to.deep.equal(["merchant"]);
  });

  it("refuses text PostgreSQL cannot store: NUL and lone surrogates, also inside metadata", () => {
    expect(pathsOf(sampleEvent({ user_id: "a\u0000b" }))).to.deep.equal(["user_id"]);
    expect(pathsOf(sampleEvent({ merchant: "\ud800" }))).to.deep.equal(["merchant"]);
    expect(pathsOf(sampleEvent({ metadata: { note: "x\u0000" } }))).to.deep.equal(["metadata"]);
    expect(pathsOf(sampleEvent({ metadata: { "k\u0000": 1 } }))).to.deep.equal(["metadata"]);
  });

  it("limits metadata nesting", () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 40; i++) deep = { nested: deep };
    expect(pathsOf(sampleEvent({ metadata: deep as never }))).to.deep.equal(["metadata"]);
  });

  it("requires a finite amount and a 3-capital-letter currency", () => {
    expect(pathsOf(sampleEvent({ amount: Number.POSITIVE_INFINITY }))).to.deep.equal(["amount"]);
    expect(pathsOf(sampleEvent({ amount: -1e300 }))).to.deep.equal([]);
    expect(pathsOf(sampleEvent({ currency: "EURO" }))).to.deep.equal(["currency"]);
  });

  it("accepts only real RFC 3339 instants", () => {
    for (const ok of ["2024-01-15T10:30:00Z", "2024-02-29T23:59:59.123456+05:30", "0001-01-01t00:00:00z"]) {
      expect(isRfc3339DateTime(ok), ok).to.equal(true);
    }
    for (const bad of ["2024-02-30T10:00:00Z", "2023-02-29T10:00:00Z", "2024-01-15 10:30:00Z", "2024-01-15T24:00:00Z", "0000-01-01T00:00:00Z", "2024-01-15T10:30:00", "2024-01-15T10:30:60Z"]) {
      expect(isRfc3339DateTime(bad), bad).to.equal(false);
    }
  });
});
