/**
 * `npm run test:chaos`: the fault-injection suite on the local stack. Ingests a stream of events
 * from a concurrent client while PostgreSQL is stopped and restarted, the processor is killed
 * mid-batch and S3 and SNS are unavailable for a while; then poisons a batch; then counts.
 * Exits 1 unless every run shows 0 lost, 0 duplicated and an empty DLQ.
 */
import { type CommandSpec, integerSetting, parseCli, runCli, usage } from "../lib/cli";
import { formatTable } from "../lib/table";
import { failuresOf, runChaos, type ChaosReport } from "./scenario";

const spec = {
  name: "test:chaos",
  summary: "Fault injection on the local stack: counts lost, duplicated and dead-lettered events; exits 1 on any.",
  options: {
    events: { description: "events per run, from a concurrent client", default: "20000", placeholder: "n" },
    runs: { description: "consecutive runs, each on a fresh stack", default: "1", placeholder: "n" },
    concurrency: { description: "requests in flight", default: "16", placeholder: "n" },
    "postgres-restarts": { description: "PostgreSQL stops and restarts per run", default: "2", placeholder: "n" },
    "processor-kills": { description: "processor worker kills mid-batch per run", default: "3", placeholder: "n" },
    "outage-ms": { description: "how long PostgreSQL, S3 or SNS stays down", default: "2000", placeholder: "ms" },
    "long-outage-ms": { description: "one PostgreSQL outage this long, poison sent during it (0: none)", default: "160000", placeholder: "ms" },
    "visibility-timeout": { description: "the event queue's visibility timeout", default: "5", placeholder: "seconds" },
  },
  examples: [
    "npm run test:chaos",
    "npm run test:chaos -- --runs 3",
    "npm run test:chaos -- --events 2000 --outage-ms 1000 --long-outage-ms 0",
  ],
} satisfies CommandSpec<Record<string, { description: string; default: string; placeholder: string }>>;

export function reportTable(reports: readonly ChaosReport[]): string {
  const row = (label: string, value: (r: ChaosReport) => number | string) => [label, ...reports.map((r) => String(value(r)))];
  return formatTable(
    ["", ...reports.map((_, i) => `run ${i + 1}`)],
    [
      row("events sent", (r) => r.events),
      row("accepted (202)", (r) => r.accepted),
      row("rejected (400, meant to be)", (r) => r.rejected),
      row("client gave up", (r) => r.clientGaveUp),
      row("client retries (5xx/reset)", (r) => r.clientRetries),
      row("PostgreSQL restarts", (r) => r.faults.filter((f) => f.kind === "postgres-restart").length),
      row("processor kills (in-flight hit)", (r) => `${r.faults.filter((f) => f.kind === "processor-kill").length} (${r.faults.filter((f) => f.kind === "processor-kill").map((f) => parseInt(f.detail, 10)).join("+")})`),
      row("S3 / SNS requests refused", (r) => `${detailCount(r, "s3-outage")} / ${detailCount(r, "sns-outage")}`),
      row("PostgreSQL long outage", (r) => r.faults.find((f) => f.kind === "postgres-long-outage")?.detail.replace("PostgreSQL down for ", "") ?? "none"),
      row("whole batches redelivered", (r) => r.batchesFailedWhole),
      row("messages deferred (dependency down)", (r) => r.deferrals),
      row("longest deferral / cap (s)", (r) => `${r.longestDeferralSeconds} / ${r.backoffCapSeconds}`),
      row("rows expected", (r) => r.verification.expected),
      row("rows stored", (r) => r.verification.stored),
      row("LOST", (r) => r.verification.lost),
      row("DUPLICATED", (r) => r.verification.duplicated),
      row("rows never accepted", (r) => r.verification.unexpectedRows),
      row("rejected but stored", (r) => r.verification.rejectedStored),
      row("stored, not seen on SNS", (r) => r.verification.missingOnSns),
      row("left in the outbox (info)", (r) => r.verification.unpublished),
      row("SNS deliveries (distinct)", (r) => `${r.verification.snsDeliveries} (${r.verification.snsDistinct})`),
      row("poisoned -> DLQ (receives)", (r) => `${r.poison.deadLettered.length}/2 (${Object.values(r.poison.receiveCounts).map((c) => c.join(",")).join(" | ")})`),
      row("queue left", (r) => r.verification.queueDepth),
      row("DLQ left", (r) => r.verification.dlqDepth),
      row("seconds", (r) => r.seconds),
      row("verdict", (r) => (failuresOf(r).length === 0 ? "PASS" : "FAIL")),
    ],
  );
}

function detailCount(report: ChaosReport, kind: string): number {
  return report.faults.filter((f) => f.kind === kind).reduce((sum, f) => sum + parseInt(f.detail, 10), 0);
}

async function main(): Promise<number> {
  const values = parseCli(spec, process.argv.slice(2), process.env);
  if (!values) {
    console.log(usage(spec));
    return 0;
  }
  const runs = integerSetting("runs", values.runs, { min: 1, max: 10 });
  const options = {
    events: integerSetting("events", values.events, { min: 100, max: 200_000 }),
    concurrency: integerSetting("concurrency", values.concurrency, { min: 1, max: 256 }),
    postgresRestarts: integerSetting("postgres-restarts", values["postgres-restarts"], { min: 0, max: 10 }),
    processorKills: integerSetting("processor-kills", values["processor-kills"], { min: 0, max: 10 }),
    outageMs: integerSetting("outage-ms", values["outage-ms"], { min: 100, max: 60_000 }),
    longOutageMs: integerSetting("long-outage-ms", values["long-outage-ms"], { min: 0, max: 3_600_000 }),
    visibilityTimeoutSeconds: integerSetting("visibility-timeout", values["visibility-timeout"], { min: 2, max: 60 }),
    drainTimeoutMs: 180_000,
    settleMs: 0,
    say: (message: string) => console.error(message),
  };
  options.settleMs = options.visibilityTimeoutSeconds * 1000 + 1000;
  const reports: ChaosReport[] = [];
  for (let run = 1; run <= runs; run++) {
    console.error(`chaos run ${run} of ${runs}`);
    reports.push(await runChaos(options));
  }
  console.log(`\nnpm run test:chaos -- ${process.argv.slice(2).join(" ")}\n`);
  console.log(reportTable(reports));
  const failures = reports.flatMap((r, i) => failuresOf(r).map((f) => `run ${i + 1}: ${f}`));
  for (const failure of failures) console.log(`FAIL ${failure}`);
  return failures.length === 0 ? 0 : 1;
}

if (require.main === module) runCli(spec.name, main);
