import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS, shared with .mocharc.fast.cjs
const { importGraph } = require("../import-graph.cjs") as { importGraph: () => Map<string, string[]> };

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "visiting") {
      found.push([...stack.slice(stack.indexOf(file)), file]);
      return;
    }
    state.set(file, "visiting");
    stack.push(file);
    for (const target of graph.get(file) ?? []) visit(target);
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file);
  return found;
}

describe("code boundaries", () => {
  const graph = importGraph();
  const importsInto = (from: (file: string) => boolean, into: (target: string) => boolean) =>
    [...graph].flatMap(([file, targets]) => (from(file) ? targets.filter(into).map((t) => `${file} -> ${t}`) : []));
  const under = (dir: string) => (file: string) => file.startsWith(`${dir}${path.sep}`);

  it("reads the imports it checks (the graph is not empty)", () => {
    expect(graph.get(path.join("components", "program.ts"))).to.include(path.join("bundling", "function-bundles.ts"));
  });

  it("has no import cycles", () => {
    expect(cycles(graph).map((c) => c.join(" -> "))).to.deep.equal([]);
  });

  it("keeps the Pulumi program and the functions out of scripts/ and test/", () => {
    const product = (f: string) => f === "index.ts" || ["components", "stack-config", "bundling", "functions"].some((dir) => under(dir)(f));
    expect(importsInto(product, (t) => under("scripts")(t) || under("test")(t))).to.deep.equal([]);
  });

  it("lets nothing outside test/ import test/", () => {
    expect(importsInto((f) => !under("test")(f), under("test"))).to.deep.equal([]);
  });

  it("keeps the functions independent of the infrastructure", () => {
    const infrastructure = (t: string) => ["components", "stack-config", "bundling"].some((dir) => under(dir)(t)) || t === "index.ts";
    expect(importsInto(under("functions"), infrastructure)).to.deep.equal([]);
  });

  it("gives no two exported types the same name", () => {
    const declaredIn = new Map<string, Set<string>>();
    for (const file of graph.keys()) {
      if (!file.endsWith(".ts")) continue;
      const text = readFileSync(path.resolve(__dirname, "..", "..", file), "utf8");
      for (const [, name] of text.matchAll(/^export (?:declare )?(?:interface|type|class|enum) (\w+)/gm)) {
        declaredIn.set(name, (declaredIn.get(name) ?? new Set()).add(file));
      }
    }
    expect(declaredIn.get("QueueBatchOutcome")?.size).to.equal(1);
    const shared = [...declaredIn].filter(([, files]) => files.size > 1).map(([name, files]) => `${name}: ${[...files].join(", ")}`);
    expect(shared).to.deep.equal([]);
  });
});
