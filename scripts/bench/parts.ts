/** What `npm run bench` measures, part by part, and its command line: `--only` picks parts, the default is all. */
import { type CommandSpec, type OptionSpec, UsageError, parseCli } from "../lib/cli";

export const benchParts = ["cold-start", "processor", "pipeline", "ingest", "end-to-end", "log-volume", "client", "db-ceiling"] as const;
export type BenchPart = (typeof benchParts)[number];

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
    "(capacity and costs need every part).",
  options: {
    only: { placeholder: "parts", description: `comma-separated parts to measure: ${benchParts.join(", ")}` },
  },
  examples: ["npm run bench", "npm run bench -- --only processor", "npm run bench -- --only processor,cold-start"],
} satisfies CommandSpec<Record<string, OptionSpec>>;

/** The parts to measure, in the bench's order; `undefined` means `--help` was asked for. */
export function benchPartsToRun(argv: readonly string[]): BenchPart[] | undefined {
  const values = parseCli(benchCommand, argv, {});
  if (values === undefined) return undefined;
  if (values.only === undefined) return [...benchParts];
  const asked = values.only.split(",").map((part) => part.trim());
  const unknown = asked.filter((part) => !(benchParts as readonly string[]).includes(part));
  if (unknown.length > 0) {
    throw new UsageError(`--only takes ${benchParts.join(", ")} (comma-separated), got ${JSON.stringify(values.only)}`);
  }
  return benchParts.filter((part) => asked.includes(part));
}
