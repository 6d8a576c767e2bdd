import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Clock, IdSource } from "./ports";

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Time-ordered ids keep the
 * events primary-key index appending at its right edge instead of splitting random pages.
 */
export function uuidv7(nowMs: number, random: Buffer = randomBytes(10)): string {
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(nowMs, 0, 6);
  random.copy(bytes, 6, 0, 10);
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  return formatUuid(bytes);
}

/** UUIDv5 (RFC 9562): the same namespace and name always give the same id. */
export function uuidv5(namespace: string, name: string): string {
  const digest = createHash("sha1").update(Buffer.from(namespace.replaceAll("-", ""), "hex")).update(name, "utf8").digest();
  digest[6] = 0x50 | (digest[6] & 0x0f);
  digest[8] = 0x80 | (digest[8] & 0x3f);
  return formatUuid(digest.subarray(0, 16));
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}


export const systemClock: Clock = { now: () => new Date() };

export function randomIds(clock: Clock = systemClock): IdSource {
  return {
    newEventId: () => uuidv7(clock.now().getTime()),
    newCorrelationId: () => randomUUID(),
  };
}
