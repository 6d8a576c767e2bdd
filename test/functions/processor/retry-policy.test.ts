import { expect } from "chai";
import { dispositionOf, earlierPermanentFailures } from "../../../functions/processor/settle";
import { backoffCapSeconds, deferralSeconds, safetyNetReceiveCount, survivableOutageSeconds } from "../../../functions/processor/retry-policy";

describe("retry policy", () => {
  describe("backoff when a dependency is down", () => {
    it("waits one visibility timeout after the first receive and doubles at every receive up to 10 timeouts", () => {
      expect([1, 2, 3, 4, 5, 6, 50].map((n) => deferralSeconds(n, 180))).to.deep.equal([180, 360, 720, 1440, 1800, 1800, 1800]);
      expect([1, 2, 3, 4, 5].map((n) => deferralSeconds(n, 3))).to.deep.equal([3, 6, 12, 24, 30]);
    });

    it("never asks SQS for more than 12 hours less the receive's own lead time, however long the timeout", () => {
      expect(backoffCapSeconds(5400)).to.equal(42_000);
      expect(deferralSeconds(10, 5400)).to.equal(42_000);
      expect(deferralSeconds(1_000_000, 1)).to.equal(10);
    });

    it("sets the safety net past a week of deferrals, within SQS's 1,000 receives", () => {
      expect(safetyNetReceiveCount(180)).to.equal(339);
      expect(safetyNetReceiveCount(3)).to.equal(1000);
      expect(safetyNetReceiveCount(5400)).to.equal(17);
    });

    it("states the longest outage each visibility timeout survives", () => {
      // dev and prod: 30 s processor timeout, 180 s visibility: 180+360+720+1440 s, then 335 × 1800 s.
      expect(survivableOutageSeconds(180)).to.equal(605_700);
      // the local chaos run: 3 s visibility, 1,000 receives: 3+6+12+24 s, then 996 × 30 s.
      expect(survivableOutageSeconds(3)).to.equal(29_925);
    });
  });

  describe("poison accounting", () => {
    it("defers a dependency failure whatever the message's count, and never dead-letters it", () => {
      expect(dispositionOf("retryable", 7, 2, 180)).to.deep.equal({ action: "defer", seconds: 1800 });
    });

    it("re-sends a permanent failure with its count until the third, which is dead-lettered", () => {
      expect(dispositionOf("permanent", 1, 0, 180)).to.deep.equal({ action: "retry", permanentFailures: 1, delaySeconds: 180 });
      expect(dispositionOf("permanent", 1, 1, 180)).to.deep.equal({ action: "retry", permanentFailures: 2, delaySeconds: 180 });
      expect(dispositionOf("permanent", 1, 2, 180)).to.deep.equal({ action: "dead-letter", permanentFailures: 3 });
    });

    it("delays a re-sent copy by at most SQS's 900 s", () => {
      expect(dispositionOf("permanent", 1, 0, 5400)).to.deep.equal({ action: "retry", permanentFailures: 1, delaySeconds: 900 });
    });

    it("reads the count from the message attribute, and a missing or mangled one as none", () => {
      expect(earlierPermanentFailures({ permanent_failures: "2" })).to.equal(2);
      expect(earlierPermanentFailures({})).to.equal(0);
      expect(earlierPermanentFailures({ permanent_failures: "-1" })).to.equal(0);
      expect(earlierPermanentFailures({ permanent_failures: "two" })).to.equal(0);
    });
  });
});
