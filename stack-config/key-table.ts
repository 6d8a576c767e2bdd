import { stackSettings } from "./keys";
import { settingsOf } from "./setting";

/** DEPLOYING's configuration table, one row per key (per-function keys share one row), rendered from the declaration. */
export function configKeyTable(): string[] {
  const rows = new Map<string, string>();
  for (const entry of settingsOf(stackSettings)) {
    const name = entry.row ?? entry.key;
    if (!rows.has(name)) rows.set(name, `| \`${name}\` | ${entry.defaultText} | ${entry.meaning} |`);
  }
  return ["| Key | Default | Meaning |", "| --- | --- | --- |", ...rows.values()];
}
