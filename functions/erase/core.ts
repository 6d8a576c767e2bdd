import { sha256Hex } from "../shared/hash";
import type { Clock, ErasureRecord, ErasureStore, Log, PayloadEraser } from "../shared/ports";
import { listLimit, type EraseRequest, type EraseResponse } from "./protocol";

export interface ErasePorts {
  readonly erasures: ErasureStore;
  readonly payloads: PayloadEraser;
  readonly clock: Clock;
  readonly newErasureId: () => string;
  readonly log: Log;
}

export interface EraseSettings {
  /** The stack's sources (fluxa:sourceKeys); an erasure names one of them or none. */
  readonly sources: readonly string[];
}

/**
 * Erases one user's events (in one source, or every source): the tombstone first, so nothing the
 * user sent before it is stored afterwards, then the S3 payloads, then the rows. A run that fails
 * leaves its record unfinished; running the erasure again deletes what is left.
 */
export async function handleErase(ports: ErasePorts, settings: EraseSettings, request: EraseRequest): Promise<EraseResponse> {
  if (request.action === "list") return { ok: true, erasures: await ports.erasures.list(listLimit) };
  const problem = refusal(settings, request);
  if (problem !== undefined) return { ok: false, problem };

  const selection = { userId: request.userId, source: request.source ?? null };
  const erasedAt = ports.clock.now().toISOString();
  const userIdSha256 = sha256Hex(request.userId);
  if (request.dryRun) {
    const counts = await ports.erasures.count(selection, erasedAt);
    const dryRun = { ...counts, userIdSha256, source: selection.source };
    ports.log.info({ dry_run: dryRun, requested_by: request.requestedBy }, "erasure dry run: nothing changed");
    return { ok: true, dryRun };
  }

  const record: ErasureRecord = {
    erasureId: ports.newErasureId(),
    userIdSha256,
    source: selection.source,
    erasedAt,
    requestedBy: request.requestedBy,
    erased: null,
    finishedAt: null,
  };
  await ports.erasures.tombstone(record);
  const keys = await ports.erasures.payloadKeys(selection, erasedAt);
  await ports.payloads.deleteAll(keys);
  const rows = await ports.erasures.deleteEvents(selection, erasedAt);
  const erased = { rows, payloads: keys.length };
  const finishedAt = ports.clock.now().toISOString();
  await ports.erasures.finish(record.erasureId, erased, finishedAt);
  const finished: ErasureRecord = { ...record, erased, finishedAt };
  ports.log.info({ erasure: finished }, "user erased");
  return { ok: true, erasure: finished };
}

function refusal(settings: EraseSettings, request: EraseRequest & { action: "erase" }): string | undefined {
  if (request.userId.trim() === "") return "--user-id must name a user";
  if (request.requestedBy.trim() === "") return "requestedBy (the caller's identity) must be set";
  if (request.source !== undefined && !settings.sources.includes(request.source))
    return `--source ${JSON.stringify(request.source)} is not a source of this stack; its sources: ${settings.sources.join(", ")}`;
  return undefined;
}
