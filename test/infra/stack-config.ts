import { ConfigError, parseConfig } from "../../stack-config/config";
import { namespaceKeys, readStackConfig } from "../../scripts/preview/stack-file";

/** A shipped stack file's `fluxa:` keys, without the prefix, as parseConfig takes them. */
export function stackFile(stack: string): Record<string, string> {
  return namespaceKeys(readStackConfig(stack), "fluxa");
}

/** What parseConfig refuses in `raw`; empty when it accepts it. */
export function configProblems(raw: Record<string, string>): string[] {
  try {
    parseConfig(raw, "dev", "eu-west-1");
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}
