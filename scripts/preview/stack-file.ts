import { readFileSync } from "node:fs";
import * as path from "node:path";

type Scalar = string | number | boolean;

/**
 * Reads the `config:` map of a `Pulumi.<stack>.yaml` the way the Pulumi CLI hands it to the
 * program: flat `namespace:key` to string, and a structured value (a list of flat mappings, as
 * `fluxa:sources` is) as its JSON text. That is all this accepts; it lets the tests and
 * `preview:offline` run the real stack files without the CLI.
 */
export function readStackConfig(stack: string, root = path.resolve(__dirname, "..", "..")): Record<string, string> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  const config: Record<string, string> = {};
  let inConfig = false;
  let list: { key: string; items: Record<string, Scalar>[] } | undefined;
  const closeList = () => {
    if (list) config[list.key] = JSON.stringify(list.items);
    list = undefined;
  };
  for (const [index, raw] of readFileSync(file, "utf8").split(/\r?\n/).entries()) {
    const line = raw.replace(/\s+#.*$/, "");
    if (/^\s*(#.*)?$/.test(line)) continue;
    const where = `${file}:${index + 1}`;
    if (!line.startsWith(" ")) {
      closeList();
      inConfig = line.trim() === "config:";
      continue;
    }
    if (!inConfig) continue;
    if (list) {
      const item = /^\s+(- )?\s*([\w-]+):\s*(.*?)\s*$/.exec(line);
      if (item && /^\s{3,}/.test(line)) {
        if (item[1]) list.items.push({});
        const current = list.items.at(-1);
        if (!current) throw new Error(`${where}: a list item starts with "- "`);
        current[item[2]] = scalar(item[3]);
        continue;
      }
      closeList();
    }
    const entry = /^\s+([\w-]+:[\w-]+):\s*(.*?)\s*$/.exec(line);
    if (!entry) throw new Error(`${where}: expected "namespace:key: value", got "${line.trim()}"`);
    if (entry[2] === "") list = { key: entry[1], items: [] };
    else config[entry[1]] = unquote(entry[2]);
  }
  closeList();
  return config;
}

const unquote = (text: string) => text.replace(/^(["'])(.*)\1$/, "$2");

/** A YAML scalar as Pulumi's JSON carries it: numbers and booleans typed, quoted text as text. */
function scalar(text: string): Scalar {
  if (/^(["']).*\1$/.test(text)) return unquote(text);
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return text;
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
