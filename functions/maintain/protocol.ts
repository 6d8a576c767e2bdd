import * as t from "io-ts";
import { decodeInvocationRequest } from "../shared/invocation-request";

/**
 * What the maintenance function is invoked with, by its schedule or `npm run maintain`: one run,
 * or what one would do. The schedule sends `{"action":"run","dryRun":false}`.
 */
export const MaintainRequest = t.type({ action: t.literal("run"), dryRun: t.boolean });
export type MaintainRequest = t.TypeOf<typeof MaintainRequest>;

/** Why an expired partition was kept: it is tried again at the next run. */
export type KeptReason = "unpublished" | "archive-unverified";

export interface ExpiredPartition {
  readonly partition: string;
  readonly from: string;
  readonly to: string;
  readonly rows: number;
}

/** What a run did, or (dry run) would do. */
export interface MaintenanceReport {
  readonly dryRun: boolean;
  readonly now: string;
  readonly partitionsCreated: readonly string[];
  /** Partitions beyond the one holding now, once the run is done. */
  readonly partitionsAhead: number;
  /** The oldest attached partition left, or null when there is none. */
  readonly oldestPartition: { readonly name: string; readonly ageDays: number } | null;
  /** Null: retention is off (stack config retentionDays unset). */
  readonly retentionCutoff: string | null;
  readonly archived: readonly (ExpiredPartition & { readonly manifestKey: string; readonly files: number })[];
  readonly dropped: readonly ExpiredPartition[];
  readonly kept: readonly (ExpiredPartition & { readonly reason: KeptReason; readonly detail: string })[];
}

export type MaintainResponse = { readonly ok: true; readonly report: MaintenanceReport } | { readonly ok: false; readonly problem: string };

export function decodeMaintainRequest(input: unknown): { ok: true; request: MaintainRequest } | { ok: false; problem: string } {
  return decodeInvocationRequest(MaintainRequest, "a maintenance request", input);
}
