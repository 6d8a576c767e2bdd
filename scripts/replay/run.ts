import { setTimeout as sleep } from "node:timers/promises";
import { maxPageSize, type ReplayRequest, type ReplayState } from "../../functions/replay/protocol";
import { UsageError } from "../lib/cli";
import { formatDuration, progress } from "../lib/progress";
import { formatTable } from "../lib/table";
import type { ReplayInvoker } from "./invoker";

export interface RunOptions {
  readonly ratePerSecond: number;
  /** Pages in a row that may fail before the run stops (each retried after a longer pause). */
  readonly maxFailedPages: number;
  /** How the caller resumes, given the replay id: printed when the run stops early. */
  readonly resumeCommand: (replayId: string) => string;
  readonly print: (text: string) => void;
  readonly progressStream: Pick<NodeJS.WriteStream, "write" | "isTTY">;
  /** Aborted on Ctrl-C: the page in flight finishes, then the run stops. */
  readonly signal: AbortSignal;
  readonly now?: () => number;
}

/** Starts (or describes) the replay: a refusal is the caller's mistake and nothing was sent. */
export async function begin(
  invoker: ReplayInvoker,
  request: Extract<ReplayRequest, { action: "start" | "describe" }>,
): Promise<ReplayState | { dryRun: { selected: number; selectedEstimated: boolean } }> {
  const response = await invoker.invoke(request);
  if (!response.ok) throw new UsageError(response.problem);
  if ("dryRun" in response) return { dryRun: response.dryRun };
  return response.replay;
}

/** `42 event(s)`, or `about 3000000 event(s)` when the count is the planner's estimate. */
export function selectedText(selection: { readonly selected: number; readonly selectedEstimated: boolean }): string {
  return `${selection.selectedEstimated ? "about " : ""}${selection.selected} event(s)`;
}

/**
 * Asks for pages until the replay is finished, paced to the rate, and prints the summary. Exit
 * codes: 0 finished, 1 stopped on delivery failures, 130 stopped by Ctrl-C.
 */
export async function runPages(invoker: ReplayInvoker, start: ReplayState, options: RunOptions): Promise<number> {
  const now = options.now ?? Date.now;
  const started = now();
  const pageSize = Math.min(maxPageSize, options.ratePerSecond);
  const bar = progress("replayed", start.selected, options.progressStream, now);
  bar.advance(Math.min(start.sent, start.selected));
  let replay = start;
  let sentNow = 0;
  let failedNow = 0;
  let failedPages = 0;
  let outcome: "finished" | "failing" | "interrupted" = replay.finished ? "finished" : "interrupted";
  while (!replay.finished && !options.signal.aborted) {
    const response = await invoker.invoke({ action: "page", replayId: replay.replayId, limit: pageSize });
    if (!response.ok) throw new Error(response.problem);
    if ("dryRun" in response || !response.page) throw new Error("the replay function answered a page request without a page");
    replay = response.replay;
    sentNow += response.page.sent;
    failedNow += response.page.failures.length;
    bar.advance(response.page.sent);
    if (replay.finished) {
      outcome = "finished";
      break;
    }
    if (response.page.failures.length > 0) {
      failedPages += 1;
      if (failedPages >= options.maxFailedPages) {
        outcome = "failing";
        options.print(`\n${response.page.failures.length} deliveries failed again, e.g. ${response.page.failures[0].eventId}: ${response.page.failures[0].reason}`);
        break;
      }
      await pause(2 ** failedPages * 500, options.signal);
      continue;
    }
    failedPages = 0;
    // Paced on what this run sent: at `rate` events per second on average, never in bursts above a page.
    await pause((sentNow / options.ratePerSecond) * 1000 - (now() - started), options.signal);
  }
  bar.done();
  const elapsed = (now() - started) / 1000;
  options.print(
    formatTable(
      ["replay", "target", "selected", "sent", "failed", "elapsed", "status"],
      [[replay.replayId, targetOf(replay), `${replay.selectedEstimated ? "~" : ""}${replay.selected}`, String(sentNow), String(failedNow), formatDuration(elapsed), outcome]],
    ),
  );
  if (outcome === "finished") return 0;
  options.print(`Stopped ${outcome === "interrupted" ? "on Ctrl-C" : "on delivery failures"}; continue after the last confirmed page with:\n  ${options.resumeCommand(replay.replayId)}`);
  return outcome === "interrupted" ? 130 : 1;
}

function targetOf(replay: ReplayState): string {
  if (replay.target.kind === "queue") return replay.target.queueUrl;
  return replay.unpublishedOnly ? "events topic (outbox sweep)" : "events topic";
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return;
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
