/** The bench's results as the Markdown that docs/PERFORMANCE.md and docs/COSTS.md hold (see render.ts). */
import { round } from "./measure";
import { kilobytes, rejectedCount, sustainedRate, table, endToEndP95TargetMs, type BenchResults, type MeasuredResults } from "./report";
import type { PipelineThroughput } from "./pipeline";
import type { BatchComparison } from "./processor";
import type { IngestComparison } from "./ingest";
import type { IngestFloorComparison } from "./ingest-floor";
import type { EndToEnd } from "./end-to-end";
import type { BundleColdStart, ColdStarts } from "./cold-start";
import type { LogVolume } from "./log-volume";
import type { ClientBench } from "./client";
import { logParts, type PerMillionEvents } from "./costs";
import { capacitySection, databaseCeilingSection } from "./capacity-tables";
import { fixedMonthlyDollars } from "./prices";

function processorTable(batches: readonly BatchComparison[]): string {
  return table(
    [
      "batch",
      "Fluxa ev/s",
      "invoke / handler / persist / publish ms",
      "floor ev/s",
      "floor invoke ms",
      "hop ms",
      "INSERT ev/s",
      "seed ev/s (+ SNS per event)",
      "vs floor",
      "vs INSERT",
      "vs seed (+ SNS)",
    ],
    batches.map((b) => {
      const { invokeMs, handlerMs, persistMs, publishMs } = b.fluxa.perInvocation;
      return [
        b.batchSize,
        b.fluxa.eventsPerSecond,
        `${invokeMs} / ${handlerMs} / ${persistMs} / ${publishMs}`,
        b.floor.eventsPerSecond,
        b.floor.perInvocation.invokeMs,
        b.hopMs,
        b.rawInsert.eventsPerSecond,
        `${b.seedDesign.eventsPerSecond} (${b.seedDesignWithPublish.eventsPerSecond})`,
        `${b.ratioToFloor}×`,
        `${b.ratioToRawInsert}×`,
        `${b.ratioToSeedDesign}× (${b.ratioToSeedDesignWithPublish}×)`,
      ];
    }),
  );
}

function processorNote(): string {
  return (
    "The floor is a function bundle (raw multi-row `INSERT` + raw SNS `PublishBatch` calls for the same batch) built like the processor " +
    "and invoked the same way, in the same kind of emulated Lambda environment; hop: an empty function invoked with the same event, reported on its own."
  );
}

function pipelineLine(pipe: PipelineThroughput): string {
  return (
    `Whole local pipeline (SendMessageBatch → poll → invoke → delete, ${pipe.events} events): ` +
    `${pipe.eventsPerSecond} events/s, ${pipe.invocations} invocations, ${pipe.eventsPerInvocation} events per invocation; ` +
    `${pipe.pollers} pollers × ${pipe.eventsPerInvocation} events at a median handler time of ${pipe.handlerMs} ms allow ${pipe.handlerBoundEventsPerSecond} events/s.`
  );
}

function ingestSection(ingest: IngestComparison): string {
  const rows = (
    [
      ["local API", ingest.localApi],
      ["bare Node server", ingest.bareServer],
    ] as const
  ).map(([name, r]) => [name, r.requestsPerSecond, r.latency.p50Ms, r.latency.p95Ms, r.latency.p99Ms, r.errors]);
  return (
    `${ingestFloorSection(ingest.floors)}\n\n` +
    `### Emulator overhead: POST /events through the local API against a bare server (${ingest.connections} connections, ${ingest.seconds} s)\n\n` +
    `${table(["POST /events", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"], rows)}\n\n` +
    `local API / bare server: ${ingest.ratioToBareServer}× (reported, not targeted: it measures the emulation of API Gateway and Lambda)`
  );
}

function ingestFloorSection(floors: readonly IngestFloorComparison[]): string {
  const rows = floors.map((f) => [
    `POST ${f.route}, ${f.eventsPerRequest} event${f.eventsPerRequest === 1 ? "" : "s"}`,
    f.handler.eventsPerSecond,
    `${f.handler.invokeMs} / ${f.handler.handlerMs}`,
    f.floor.eventsPerSecond,
    f.floor.invokeMs,
    `${f.ratioToFloor}×`,
  ]);
  return (
    "### Ingest against its floor (one execution environment each, requests invoked back to back)\n\n" +
    table(["request", "handler ev/s", "handler invoke / handler ms", "floor ev/s", "floor invoke ms", "vs floor"], rows) +
    "\n\nThe floor is a function bundle built like ingest and invoked the same way that sends the envelopes the handler would send, " +
    "raw: `SendMessage` for one event, `SendMessageBatch` calls of 10 sent at once for a batch; same client settings, same emulator, same queue (one no poller drains)."
  );
}

function endToEndSection(runs: readonly EndToEnd[]): string {
  const sustained = sustainedRate(runs);
  const rows = runs.map((run) => [
    `${run.offeredPerSecond}/s × ${run.seconds} s${run.eventsPerRequest > 1 ? `, batches of ${run.eventsPerRequest}` : ""}`,
    run.accepted,
    Object.entries(run.rejectedByStatus).map(([status, count]) => `${count} ${status}`).join(", ") || rejectedCount(run),
    `${run.acceptLatency.p50Ms} / ${run.acceptLatency.p95Ms}`,
    run.readableAfterAccept.p50Ms,
    run.readableAfterAccept.p95Ms,
    run.readableAfterAccept.p99Ms,
    run.readableAfterAccept.maxMs,
    run.neverReadable,
  ]);
  return (
    "### End to end (open loop: requests launched on schedule whatever the answers)\n\n" +
    table(["offered", "accepted", "rejected", "POST→answer p50/p95 ms", "202→readable p50 ms", "p95 ms", "p99 ms", "max ms", "never readable"], rows) +
    `\n\nHighest rate of single-event POSTs all accepted with 202→readable p95 ≤ ${endToEndP95TargetMs} ms: ` +
    `${sustained === undefined ? "none of the rates measured" : `${sustained} events/s`}.`
  );
}

function coldStartSection(coldStart: ColdStarts, nodeVersion: string): string {
  const { baselines, functions, runsPerBundle } = coldStart;
  const initFloors: Partial<Record<string, BundleColdStart>> = coldStart.initFloors;
  const rows = functions.map((f) => {
    const floor = initFloors[f.name];
    return [
      f.name,
      `${kilobytes(f.runtime.initBytes)} of ${kilobytes(f.runtime.bytes)} / ${f.runtime.initMs} / ${f.runtime.initRatioToHelloWorld}×`,
      `${kilobytes(f.bundled.initBytes)} of ${kilobytes(f.bundled.bytes)} / ${f.bundled.initMs} / ${f.bundled.initRatioToHelloWorld}×`,
      f.faster,
      f.shipped,
      floor ? `${kilobytes(floor.initBytes)} / ${floor.initMs}` : "—",
      f.initRatioToFloor === undefined ? "—" : `${f.initRatioToFloor}×`,
    ];
  });
  const hello = baselines["hello-world"];
  const sdk = baselines["sdk-clients"];
  return (
    `### Cold start (Node ${nodeVersion}, median of ${runsPerBundle} fresh processes, spawn → handler ready)\n\n` +
    table(
      [
        "function",
        "SDK external: KB at init of all / init ms / vs hello",
        "SDK bundled: KB at init of all / init ms / vs hello",
        "faster here",
        "shipped",
        "init floor: KB at init / init ms",
        "shipped vs floor",
      ],
      rows,
    ) +
    `\n\nBaselines: hello world ${hello.initMs} ms; constructing the SQS, SNS and S3 clients (SDK external) ${sdk.initMs} ms (${sdk.initRatioToHelloWorld}×). ` +
    "A function's init floor is a bundle built like the shipped one (SDK placement, splitting, minified) that imports and constructs only the clients and pool " +
    "the function constructs at init (scripts/bench/floor-bundles/*-init.ts); the ratio to it is the target, the ratio to the hello world is reported only, as it moves with the machine's Node start."
  );
}

function clientSection(bench: ClientBench): string {
  const { burst } = bench;
  return (
    `### TypeScript client (${bench.events} events, POST /events/batch of ${bench.eventsPerBatch}, ${bench.batchesInFlight} in flight, to a bare server in the bench's process)\n\n` +
    `${table(["sender", "events/s"], [["FluxaClient.send", bench.clientEventsPerSecond], ["raw fetch of the same batches", bench.rawFetchEventsPerSecond]])}\n\n` +
    `client / raw fetch: ${bench.ratioToRawFetch}× (reported, not targeted). Burst: ${burst.offered} sends at once, a 10 ms server, a buffer of ` +
    `${burst.bound.events} events and ${burst.bound.bytes} bytes: held at the peak ${burst.peakBufferedEvents} events and ${burst.peakBufferedBytes} bytes; ` +
    `${burst.sent} sent; the process's heap grew ${burst.heapGrowthMb} MB at the peak (the caller's pending sends included).`
  );
}

function targetsSection(results: MeasuredResults): string {
  const rows = results.targets.map((t) => [t.name, `${t.measured} ${t.unit}`, `${t.comparison} ${t.target} ${t.unit}`, t.met ? "yes" : "NO"]);
  return `### Targets\n\n${table(["target", "measured", "goal", "met"], rows)}`;
}

/** Everything docs/PERFORMANCE.md shows of a run; of a run with `--only`, the parts it measured. */
export function formatResults(results: MeasuredResults): string {
  const load = results.machine.loadAverage1m;
  const { processor, endToEnd, coldStart, capacity, ingest, client } = results;
  return [
    `\`npm run bench\`, ${results.date.slice(0, 16).replace("T", " ")} UTC, ${results.machine.cpus} cores (${results.machine.cpuModel}), load average ${load.atStart} at start and ${load.atEnd} at the end, ` +
      `Node ${results.versions.node}, PostgreSQL ${results.versions.postgres}, fauxqs ${results.versions.fauxqs}; the run took ${results.durationSeconds} s.`,
    processor?.batches && `### Processor throughput (one execution environment, batches invoked back to back)\n\n${processorTable(processor.batches)}\n\n${processorNote()}`,
    processor?.localPipeline && pipelineLine(processor.localPipeline),
    endToEnd && endToEndSection(endToEnd),
    coldStart && coldStartSection(coldStart, results.versions.node),
    results.databaseCeiling && databaseCeilingSection(results.databaseCeiling, results.machine.cpus),
    capacity && capacitySection(capacity),
    ingest && ingestSection(ingest),
    client && clientSection(client),
    targetsSection(results),
  ]
    .filter(Boolean)
    .join("\n\n");
}

/** Log volume is reported through the costs; a run with `--only log-volume` shows it as measured. */
export function formatLogVolume(volume: LogVolume): string {
  const rows = Object.entries(volume.bytesPerEvent).flatMap(([level, bytes]) =>
    Object.entries(bytes.processorByBatchSize).map(([batchSize, processor]) => [level, bytes.ingest, batchSize, processor]),
  );
  return `### Log volume (bytes per event, ${volume.posts} POSTs)\n\n${table(["level", "ingest", "processor batch", "processor"], rows)}`;
}

const dollars = (value: number) => `$${value.toFixed(value < 0.01 && value > 0 ? 4 : 2)}`;
const quantity = (value: number) => (value >= 100 ? Math.round(value).toLocaleString("en-US") : String(round(value, 3)));

const logDollars = (cost: PerMillionEvents) => cost.parts.filter((p) => logParts.includes(p.part)).reduce((sum, p) => sum + p.dollars, 0);

/** Per stack and request size: the total, what CloudWatch Logs takes of it and its bytes per event by origin; then prod's and dev's lines at 100 per request, worked out. */
function requestSizeSections(perMillion: BenchResults["perMillionEvents"]): string[] {
  const stacks = (["dev", "prod"] as const).filter((stack) => perMillion[stack]?.byEventsPerRequest);
  if (stacks.length === 0) return [];
  const rows = stacks.flatMap((stack) =>
    Object.values(perMillion[stack]!.byEventsPerRequest).map((cost) => {
      const logs = cost.logBytesPerEvent;
      return [
        stack,
        cost.eventsPerRequest === 1 ? "1 (POST /events)" : `${cost.eventsPerRequest} (POST /events/batch)`,
        dollars(cost.dollars),
        dollars(logDollars(cost)),
        `${round(logs.functions)} / ${round(logs.platform)} / ${round(logs.accessLog)}`,
      ];
    }),
  );
  const worked = (["prod", "dev"] as const)
    .filter((stack) => perMillion[stack]?.byEventsPerRequest["100"])
    .map((stack) => {
      const cost = perMillion[stack]!.byEventsPerRequest["100"];
      return (
        `**${stack}, a million events as POST /events/batch of 100**, line by line:\n\n` +
        table(["part", "arithmetic", "cost"], [...cost.parts.map((p) => [p.part, p.arithmetic, dollars(p.dollars)]), ["**total**", "", `**${dollars(cost.dollars)}**`]])
      );
    });
  return [
    "By request size (log bytes per event by origin: the functions' own lines at the stack's level, Lambda's platform lines per invocation divided by the events it carried, API Gateway's access log line per request):",
    table(["stack", "events per request", "per million events", "of it CloudWatch Logs", "log B/event: functions / platform / access log"], rows),
    ...worked,
  ];
}

/** The cost per million events of dev and prod from a run, part by part, beside the seed's design. */
export function formatCosts(results: BenchResults): string {
  const { dev, prod } = results.perMillionEvents;
  if (!dev || !prod) return "The run did not measure both stacks' batch sizes; no cost per million events.";
  const partRow = (index: number) => {
    const [d, p] = [dev.parts[index], prod.parts[index]];
    return [d.part, `${quantity(d.quantity)} ${d.unit}`, dollars(d.dollars), `${quantity(p.quantity)} ${p.unit}`, dollars(p.dollars)];
  };
  const total = (name: string, a: PerMillionEvents, b: PerMillionEvents) => [`**${name}**`, "", `**${dollars(a.dollars)}**`, "", `**${dollars(b.dollars)}**`];
  const prices = results.prices;
  return [
    `From \`npm run bench\` of ${results.date.slice(0, 10)}; list prices of ${prices.asOf} (${prices.region}, scripts/bench/prices.ts). ` +
      `A million events sent as single-event POSTs; ingest ${results.ingestHandlerMs} ms and the processor's measured handler time, each carried to Lambda at its memory's CPU share and billed in whole milliseconds.`,
    table(
      ["part", "dev quantity", "dev", "prod quantity", "prod"],
      [...dev.parts.map((_, index) => partRow(index)), total("Fluxa per million events", dev, prod), total("Seed design (SNS Publish per event)", dev.seedDesign, prod.seedDesign)],
    ),
    ...requestSizeSections(results.perMillionEvents),
    "Monthly: the fixed costs above plus volume × the cost per million events. Dev's usage plan allows 100,000 requests a day (about 3 million a month), prod's 50 million a month.",
    table(
      ["stack", "events a month", "arithmetic", "monthly"],
      (
        [
          ["dev", 0.1, dev],
          ["dev", 1, dev],
          ["dev", 3, dev],
          ["prod", 1, prod],
          ["prod", 10, prod],
          ["prod", 50, prod],
        ] as const
      ).map(([stack, millions, cost]) => [
        stack,
        `${(millions * 1e6).toLocaleString("en-US")}`,
        `${dollars(fixedMonthlyDollars[stack])} + ${millions} × ${dollars(cost.dollars)}`,
        `≈ ${dollars(fixedMonthlyDollars[stack] + millions * cost.dollars)}`,
      ]),
    ),
  ].join("\n\n");
}
