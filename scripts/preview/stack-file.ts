import { readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * Reads the `config:` map of a `Pulumi.<stack>.yaml` the way the Pulumi CLI hands it to the
 * program: flat `namespace:key` to string. Fluxa's stack files hold scalars only, which is all
 * this accepts; it lets the tests and `preview:offline` run the real stack files without the CLI.
 */
export function readStackConfig(stack: string, root = path.resolve(__dirname, "..", "..")): Record<string, string> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  const config: Record<string, string> = {};
  let inConfig = false;
  for (const [index, line] of readFileSync(file, "utf8").split(/\r?\n/).entries()) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    if (!line.startsWith(" ")) {
      inConfig = line.trim() === "config:";
      continue;
    }
    if (!inConfig) continue;
    const entry = /^\s+([\w-]+:[\w-]+):\s*(.*?)\s*$/.exec(line);
    if (!entry) throw new Error(`${file}:${index + 1}: expected "namespace:key: value", got "${line.trim()}"`);
    config[entry[1]] = entry[2].replace(/^(["'])(.*)\1$/, "$2");
  }
  return config;
}

/** The keys of one namespace (`fluxa`), without its prefix: what parseConfig takes. */
export function namespaceKeys(config: Readonly<Record<string, string>>, namespace: string): Record<string, string> {
  const prefix = `${namespace}:`;
  return Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}
