import { expect } from "chai";
import { backoffMs, isRetryableStatus, retryAfterMs } from "../../../clients/typescript/src/retry";

describe("TypeScript client: when to retry and how long to wait", () => {
  const settings = { initialBackoffMs: 100, maxBackoffMs: 1000 };

  it("draws each wait from 0 up to a ceiling that doubles per retry and stops at maxBackoffMs (full jitter)", () => {
    const almostOne = () => 0.999999;
    expect([1, 2, 3, 4, 5, 10].map((retry) => backoffMs(retry, settings, almostOne))).to.deep.equal([99, 199, 399, 799, 999, 999]);
    expect(backoffMs(3, settings, () => 0)).to.equal(0);
    expect(backoffMs(2, settings, () => 0.5)).to.equal(100);
  });

  it("reads Retry-After as delay-seconds or an HTTP-date, and ignores what is neither", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs("3", now)).to.equal(3000);
    expect(retryAfterMs(" 0 ", now)).to.equal(0);
    expect(retryAfterMs("Thu, 01 Jan 2026 00:00:07 GMT", now)).to.equal(7000);
    expect(retryAfterMs("Wed, 31 Dec 2025 23:59:00 GMT", now)).to.equal(0);
    expect(retryAfterMs("soon", now)).to.equal(undefined);
    expect(retryAfterMs("-1", now)).to.equal(undefined);
    expect(retryAfterMs(null, now)).to.equal(undefined);
  });

  it("retries 5xx, throttling, timeouts and an in-flight idempotency key, never another 4xx", () => {
    const retried = [400, 401, 403, 404, 408, 409, 413, 415, 422, 425, 429, 500, 502, 503, 504].filter(isRetryableStatus);
    expect(retried).to.deep.equal([408, 409, 425, 429, 500, 502, 503, 504]);
  });
});
