import { expect } from "chai";
import { evaluateTargets } from "../../scripts/bench/report";
import type { PerMillionEvents } from "../../scripts/bench/costs";

type Results = Parameters<typeof evaluateTargets>[0];

function costAt100(dollarsByPart: Record<string, number>): PerMillionEvents {
  const parts = Object.entries(dollarsByPart).map(([part, dollars]) => ({ part, quantity: 1, unit: "x", dollars, arithmetic: "" }));
  return { stack: "prod", eventsPerRequest: 100, logBytesPerEvent: { functions: 1, platform: 1, accessLog: 1 }, parts, dollars: parts.reduce((sum, p) => sum + p.dollars, 0) };
}

function targetsFor(prodAt100: PerMillionEvents): { name: string; measured: number; met: boolean }[] {
  const results = { perMillionEvents: { dev: null, prod: { byEventsPerRequest: { "100": prodAt100 } } } } as unknown as Results;
  return evaluateTargets(results).map(({ name, measured, met }) => ({ name, measured, met }));
}

describe("bench targets: cost per million events", () => {
  it("holds prod at 100 events per request to $0.60 in all and $0.10 of CloudWatch Logs (ingested and stored)", () => {
    const targets = targetsFor(costAt100({ "API Gateway requests": 0.035, "CloudWatch Logs ingested": 0.06, "CloudWatch Logs stored for the retention": 0.01, "SQS requests (send, receive, delete)": 0.12 }));
    expect(targets).to.deep.equal([
      { name: "prod, per million events as POST /events/batch of 100: total", measured: 0.225, met: true },
      { name: "prod, per million events as POST /events/batch of 100: CloudWatch Logs", measured: 0.07, met: true },
    ]);
  });

  it("misses when the logs alone pass $0.10, or the total $0.60", () => {
    const targets = targetsFor(costAt100({ "API Gateway requests": 0.5, "CloudWatch Logs ingested": 0.09, "CloudWatch Logs stored for the retention": 0.02 }));
    expect(targets.map((t) => t.met)).to.deep.equal([false, false]);
  });
});
