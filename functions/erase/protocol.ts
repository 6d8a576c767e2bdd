import * as t from "io-ts";
import { decodeInvocationRequest } from "../shared/invocation-request";
import type { ErasureCounts, ErasureRecord } from "../shared/ports";

/** What the erase function is invoked with (by `npm run erase`) and answers. */
export const EraseRequest = t.union([
  t.intersection([
    t.type({ action: t.literal("erase"), userId: t.string, dryRun: t.boolean, requestedBy: t.string }),
    t.partial({ source: t.string }),
  ]),
  t.type({ action: t.literal("list") }),
]);
export type EraseRequest = t.TypeOf<typeof EraseRequest>;

/** Past erasures `list` answers, newest first. */
export const listLimit = 100;

/** `problem` is the caller's mistake (a one-line reason); nothing was changed. */
export type EraseResponse =
  | { readonly ok: true; readonly erasure: ErasureRecord }
  | { readonly ok: true; readonly dryRun: ErasureCounts & { readonly userIdSha256: string; readonly source: string | null } }
  | { readonly ok: true; readonly erasures: readonly ErasureRecord[] }
  | { readonly ok: false; readonly problem: string };

export function decodeEraseRequest(input: unknown): { ok: true; request: EraseRequest } | { ok: false; problem: string } {
  return decodeInvocationRequest(EraseRequest, "an erase request", input);
}
