// The repository's relative-import graph, read from the source text. Plain CommonJS so that
// `.mocharc.fast.cjs` can load it before any TypeScript loader is registered.
const { readdirSync, readFileSync } = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const sourceDirs = ["components", "stack-config", "bundling", "functions", "scripts", "test", path.join("clients", "typescript", "src")];
// A test's runScript("name") spawns scripts/<name>.ts: that is an import too, for the tiers.
const scriptRun = /runScript\("([\w-]+)"/g;
const specifier = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.{1,2}\/[^"]+)"|require\("(\.{1,2}\/[^"]+)"\)|import\("(\.{1,2}\/[^"]+)"\)/g;

/** Repository-relative source files (TypeScript and CommonJS), fixture bundles aside. */
function sourceFiles() {
  const files = ["index.ts"];
  for (const dir of sourceDirs) {
    for (const entry of readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })) {
      if (/\.(ts|cjs)$/.test(entry) && !entry.includes("fixtures")) files.push(path.join(dir, entry));
    }
  }
  return files;
}

/** file -> the repository-relative files it imports (type imports included). */
function importGraph() {
  const graph = new Map();
  for (const file of sourceFiles()) {
    const text = readFileSync(path.join(root, file), "utf8");
    const targets = [];
    for (const match of text.matchAll(specifier)) {
      const resolved = path.normalize(path.join(path.dirname(file), match[1] ?? match[2] ?? match[3]));
      targets.push(/\.(ts|cjs|js|json)$/.test(resolved) ? resolved : `${resolved}.ts`);
    }
    for (const match of text.matchAll(scriptRun)) targets.push(path.join("scripts", `${match[1]}.ts`));
    graph.set(file, targets);
  }
  return graph;
}

/** Every file `file` reaches through its imports, itself included. */
function reachable(graph, file) {
  const seen = new Set();
  const visit = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const target of graph.get(f) ?? []) visit(target);
  };
  visit(file);
  return seen;
}

/** What needs PostgreSQL: the local stack starts it, so a test reaching either is in the slow tier. */
const slowMarker = path.join("scripts", "local-stack", "embedded-postgres.ts");

/** Test files split into the fast tier (neither the local stack nor PostgreSQL) and the slow one. */
function testTiers(graph = importGraph()) {
  const tests = [...graph.keys()].filter((f) => f.endsWith(".test.ts")).sort();
  const slow = tests.filter((f) => reachable(graph, f).has(slowMarker));
  return { fast: tests.filter((f) => !slow.includes(f)), slow };
}

module.exports = { root, importGraph, reachable, testTiers, slowMarker };
