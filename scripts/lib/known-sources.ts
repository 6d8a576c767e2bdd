import { defaultSourceName } from "../../functions/shared/sources";
import { parseConfig } from "../../stack-config/config";
import { parseSourceKeys } from "../local-stack/settings";
import { namespaceKeys, readStackConfig } from "../preview/stack-file";
import { UsageError } from "./cli";

/**
 * The sources an operator CLI may name: a stack file's (`--stack`), else the local stack's
 * (FLUXA_SOURCES, as `npm start` reads it), else the one source of a stack without sources.
 */
export function knownSources(env: Readonly<Record<string, string | undefined>>, stack?: string): string[] {
  if (stack !== undefined) {
    const raw = readStackConfig(stack);
    return parseConfig(namespaceKeys(raw, "fluxa"), stack, raw["aws:region"] ?? "").sources.map((s) => s.name);
  }
  const local = env.FLUXA_SOURCES ? parseSourceKeys(env.FLUXA_SOURCES) : undefined;
  if (local && !local.ok) throw new UsageError(`FLUXA_SOURCES is not valid: expected ${local.expected}`);
  return local ? local.value.map((s) => s.name) : [defaultSourceName];
}

/** `--source`, checked: an unknown one is a usage error that names the known ones. */
export function sourceSetting(given: string | undefined, known: readonly string[]): string | undefined {
  if (given === undefined || known.includes(given)) return given;
  throw new UsageError(`--source ${JSON.stringify(given)} is not a source of this stack; its sources: ${known.join(", ")}`);
}
