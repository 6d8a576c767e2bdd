import * as t from "io-ts";
import { decodeInvocationRequest } from "../shared/invocation-request";

/**
 * What the replay function is invoked with and answers: the CLI starts a replay, then asks for it
 * page by page; each invocation does one bounded piece of work and returns.
 */
const Window = t.intersection([
  t.type({ kind: t.literal("window"), from: t.string, to: t.string }),
  // fromArchive: the window's events are read from the archive of dropped partitions.
  t.partial({ userId: t.string, source: t.string, fromArchive: t.boolean }),
]);
const Unpublished = t.intersection([t.type({ kind: t.literal("unpublished"), olderThanSeconds: t.number }), t.partial({ source: t.string })]);
const Selection = t.union([Window, Unpublished]);
const Target = t.union([t.type({ kind: t.literal("topic") }), t.type({ kind: t.literal("queue"), queueUrl: t.string })]);

export const ReplayRequest = t.union([
  t.type({ action: t.literal("start"), selection: Selection, target: Target, dryRun: t.boolean }),
  t.type({ action: t.literal("describe"), replayId: t.string }),
  t.type({ action: t.literal("page"), replayId: t.string, limit: t.number }),
]);
export type ReplayRequest = t.TypeOf<typeof ReplayRequest>;
export type ReplayTarget = t.TypeOf<typeof Target>;

/** Events one page may hold: ten SNS PublishBatch calls, well inside the function's timeout. */
export const maxPageSize = 100;

/** A replay as stored: the window is resolved (the sweep's `to` is fixed when it starts). */
export interface ReplayState {
  readonly replayId: string;
  readonly from: string | null;
  readonly to: string;
  readonly userId: string | null;
  /** null: every source. */
  readonly source: string | null;
  readonly unpublishedOnly: boolean;
  readonly fromArchive: boolean;
  readonly target: ReplayTarget;
  /** Events the selection held when the replay started. */
  readonly selected: number;
  /** `selected` is the planner's estimate (over a million events). */
  readonly selectedEstimated: boolean;
  /** Deliveries confirmed so far, resent ones included. */
  readonly sent: number;
  readonly failed: number;
  readonly finished: boolean;
}

export interface PageResult {
  readonly sent: number;
  /** Archived events a user erasure covers: passed over, never delivered. */
  readonly erased?: number;
  /** Deliveries refused in this page; the cursor stopped before the first of them. */
  readonly failures: readonly { readonly eventId: string; readonly reason: string }[];
}

/** `problem` is the caller's mistake (a one-line reason); nothing was sent. */
export type ReplayResponse =
  | { readonly ok: true; readonly replay: ReplayState; readonly page?: PageResult }
  | { readonly ok: true; readonly dryRun: { readonly selected: number; readonly selectedEstimated: boolean } }
  | { readonly ok: false; readonly problem: string };

export function decodeReplayRequest(input: unknown): { ok: true; request: ReplayRequest } | { ok: false; problem: string } {
  return decodeInvocationRequest(ReplayRequest, "a replay request", input);
}
