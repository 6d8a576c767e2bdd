import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

/**
 * The local API key: generated once and kept in `<dataDir>/api-key`, so a curl copied from an
 * earlier run keeps working after a restart.
 */
export function localApiKey(dataDir: string): string {
  const file = path.join(dataDir, "api-key");
  try {
    const stored = readFileSync(file, "utf8").trim();
    if (stored) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const key = `fluxa-local-${randomBytes(16).toString("hex")}`;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
