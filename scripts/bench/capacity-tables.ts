// The capacity tables of the bench's report: each stack's binding limit, every limit beside it, and the shared database's ceiling.
import { round } from "./measure";
import { table, type BenchResults } from "./report";
import { bendGain, type DatabaseCeiling } from "./database-capacity";

export function capacitySection(capacity: BenchResults["capacity"]): string {
  const rows = (["dev", "prod"] as const).flatMap((stack) => {
    const c = capacity[stack];
    if (!c) return [[stack, "its batch size was not measured", "", "", "", "", ""]];
    return [
      [
        stack,
        `${c.batchSize}`,
        `${c.processorMemoryMb} MB (${round(c.vcpuShare, 2)} vCPU)`,
        `${Math.round(c.localEventsPerSecondPerEnvironment)} → ${Math.round(c.eventsPerSecondPerEnvironment)}`,
        `${c.concurrency} (${c.processorConnections} of ${c.functionConnectionSupply} connections)`,
        Math.round(c.processorEventsPerSecond),
        `**${Math.round(c.eventsPerSecond)}** (${c.limitedBy})`,
      ],
    ];
  });
  return (
    "### Capacity (events/s a stack sustains)\n\n" +
    table(["stack", "batch", "processor memory", "ev/s per environment, local → Lambda", "environments", "processors ev/s", "capacity"], rows) +
    "\n\nCarried to Lambda on the assumption that all handler time is CPU on one core, stretched by 1769 MB / memory (AWS: at 1,769 MB a function has one vCPU)." +
    `\n\n${capacityLimitsSection(capacity)}`
  );
}

/** Every bound on each stack's events/s, the least in bold, and the database figure's assumptions beside it. */
function capacityLimitsSection(capacity: BenchResults["capacity"]): string {
  const stacks = (["dev", "prod"] as const).filter((stack) => capacity[stack]?.limits);
  if (stacks.length === 0) return "";
  const names = [...new Set(stacks.flatMap((stack) => capacity[stack]!.limits.map((l) => l.name)))];
  const rows = names.map((name) => [
    name,
    ...stacks.map((stack) => {
      const c = capacity[stack]!;
      const limit = c.limits.find((l) => l.name === name);
      if (!limit) return "not measured";
      const figure = `${Math.round(limit.eventsPerSecond)} ev/s: ${limit.because}`;
      return name === c.limitedBy ? `**${figure}**` : figure;
    }),
  ]);
  const database = stacks.flatMap((stack) => {
    const db = capacity[stack]!.database;
    return db ? [`- ${stack}, ${db.instanceClass} (${db.vcpus} vCPU, ${db.memoryGib} GiB${db.multiAz ? ", Multi-AZ" : ""}): ${db.assumptions.join("; ")}.`] : [];
  });
  return (
    `Capacity is the least of these bounds (capacity.{dev,prod}.limits in bench-results.json):\n\n${table(["bound", ...stacks], rows)}` +
    (database.length > 0 ? `\n\nThe database figures assume:\n\n${database.join("\n")}` : "")
  );
}

export function databaseCeilingSection(ceilings: readonly DatabaseCeiling[], cpus: number): string {
  const sections = ceilings.map((c) => {
    const rows = c.steps.map((step, index) => [
      step.environments,
      step.eventsPerSecond,
      index === 0 ? "" : `${Math.round((step.eventsPerSecond / c.steps[index - 1].eventsPerSecond - 1) * 100)} %`,
      `${step.batch.p50Ms} / ${step.batch.p95Ms}`,
      step.postgresCpuSeconds ?? "?",
      step.eventsPerPostgresCpuSecond ?? "?",
      step.walBytesPerEvent,
    ]);
    const bend =
      c.bendsAfterEnvironments === null
        ? `every doubling added ${bendGain * 100} % or more: no bend up to ${c.steps.at(-1)?.environments} environments`
        : `it bends after ${c.bendsAfterEnvironments} environment${c.bendsAfterEnvironments > 1 ? "s" : ""} (the next doubling added less than ${bendGain * 100} %)`;
    return (
      `Batch ${c.batchSize}, ${c.stepSeconds} s per step: ${bend}; ceiling ${c.ceilingEventsPerSecond} events/s on ${cpus} cores shared with the processors and the emulator.\n\n` +
      table(["environments", "events/s", "gain", "batch p50 / p95 ms", "PostgreSQL CPU s", "events per PostgreSQL CPU-s", "WAL B/event"], rows)
    );
  });
  return `### Database ceiling (processor environments at once against one PostgreSQL)\n\n${sections.join("\n\n")}`;
}
