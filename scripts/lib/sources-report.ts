import type { SourceConfig } from "../../stack-config/sources";
import { formatTable } from "./table";

/**
 * A stack's sources as `preview:offline` prints them: each usage plan's limits, and their sum against
 * what the stage and the pipeline take. Usage plans do not share: every source may burst at once.
 */
export function sourcesReport(stack: string, sources: readonly SourceConfig[], stage: { readonly throttleRateLimit: number }, eventsPerSecond?: number): string {
  const rows = sources.map((s) => [s.name, String(s.rateLimit), String(s.burstLimit), `${s.quotaLimit} per ${s.quotaPeriod.toLowerCase()}`, String(s.keys)]);
  const sum = sources.reduce((total, s) => total + s.rateLimit, 0);
  const against = [
    `the stage's throttle ${stage.throttleRateLimit} requests/s (${percent(sum, stage.throttleRateLimit)})`,
    eventsPerSecond === undefined ? "capacity unknown (run npm run bench)" : `the capacity ${Math.round(eventsPerSecond)} events/s (${percent(sum, eventsPerSecond)})`,
  ];
  const over = sum > stage.throttleRateLimit ? "; when all send at their limit the stage throttles first, whichever source floods" : "";
  return [
    `Sources of ${stack}: ${sources.length}`,
    formatTable(["source", "requests/s", "burst", "quota", "key slots"], rows),
    `sum of rates ${sum} requests/s against ${against.join(" and ")}${over}`,
  ].join("\n");
}

const percent = (part: number, whole: number) => `${Math.round((100 * part) / Math.max(1, whole))}%`;
