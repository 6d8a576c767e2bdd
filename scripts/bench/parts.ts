/** What `npm run bench` measures, part by part, and its command line: `--only` picks parts, the default is all. */
import { type CommandSpec, type OptionSpec, UsageError, parseCli } from "../lib/cli";

export const benchParts = ["cold-start", "processor", "pipeline", "ingest", "end-to-end", "log-volume", "client", "db-ceiling", "store"] as const;
export type BenchPart = (typeof benchParts)[number];
/** Measured only when named: the store at 10 million rows takes longer than the rest of the bench together. */
export const optInParts: readonly BenchPart[] = ["store"];
export const defaultStoreRows = 10_000_000;

export const benchCommand = {
  name: "bench",
  summary:
    "Starts its own local stack (temporary data directory, free ports, 127.0.0.1 only) and measures, each against a\n" +
    "baseline in the same run: cold starts with the AWS SDK external and bundled and against each function's init\n" +
    "floor, processor throughput against its floor and the seed's design, the local pipeline, ingest against its raw\n" +
    "SQS calls and through the local API, end-to-end latency at rising loads, log volume, the TypeScript client against\n" +
    "raw fetch and under a 10× burst, and the shared database under 1, 2, 4 and 8 processor environments; derives dev's and prod's\n" +
    "capacity and cost per million events. Prints the tables and writes bench-results.json (`npx tsx scripts/bench/render.ts --write` puts them into the docs). Takes about\n" +
    "5 minutes. With --only it measures just those parts, prints their tables and targets, and writes no file\n" +
    "(capacity and costs need every part). `store` runs only when named: it fills today's unpartitioned events table\n" +
    "and the partitioned one with --store-rows rows each in SQL and compares them side by side.",
  options: {
    only: { placeholder: "parts", description: `comma-separated parts to measure: ${benchParts.join(", ")}` },
    "store-rows": { placeholder: "n", env: "FLUXA_BENCH_STORE_ROWS", default: String(defaultStoreRows), description: "rows of each table the store part generates (10000–100000000)" },
  },
  examples: ["npm run bench", "npm run bench -- --only processor", "npm run bench -- --only processor,cold-start", "npm run bench -- --only store --store-rows 1000000"],
} satisfies CommandSpec<Record<string, OptionSpec>>;

/** The parts to measure, in the bench's order; `undefined` means `--help` was asked for. */
export function benchPartsToRun(argv: readonly string[]): BenchPart[] | undefined {
  const values = parseCli(benchCommand, argv, {});
  if (values === undefined) return undefined;
  if (values.only === undefined) return benchParts.filter((part) => !optInParts.includes(part));
  const asked = values.only.split(",").map((part) => part.trim());
  const unknown = asked.filter((part) => !(benchParts as readonly string[]).includes(part));
  if (unknown.length > 0) {
    throw new UsageError(`--only takes ${benchParts.join(", ")} (comma-separated), got ${JSON.stringify(values.only)}`);
  }
  return benchParts.filter((part) => asked.includes(part));
}

/** --store-rows (or FLUXA_BENCH_STORE_ROWS): how many rows the store part generates in each table. */
export function storeRowsOf(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): number {
  const raw = parseCli(benchCommand, argv, env)?.["store-rows"] ?? String(defaultStoreRows);
  const rows = Number(raw);
  if (!/^\d+$/.test(raw) || rows < 10_000 || rows > 100_000_000) throw new UsageError(`--store-rows takes a whole number from 10000 to 100000000, got ${JSON.stringify(raw)}`);
  return rows;
}
