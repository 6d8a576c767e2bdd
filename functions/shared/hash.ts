import { createHash } from "node:crypto";

/** Of a string's UTF-8 bytes, or of the bytes given. */
export function sha256Hex(data: string | Uint8Array): string {
  return (typeof data === "string" ? createHash("sha256").update(data, "utf8") : createHash("sha256").update(data)).digest("hex");
}
