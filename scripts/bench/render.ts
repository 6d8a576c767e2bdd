/**
 * Prints the tables of the latest `npm run bench` (bench-results.json); with --write, puts them
 * into docs/PERFORMANCE.md and docs/COSTS.md between their `<!-- bench:… -->` markers and writes the
 * run's charts (docs/*.svg).
 *
 *   npx tsx scripts/bench/render.ts [--write]
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { repositoryRoot, resultsFile } from "./measure";
import type { BenchResults } from "./report";
import { benchCharts } from "./charts";
import { formatCosts, formatResults } from "./tables";

/** Replaces what lies between `<!-- bench:name -->` and `<!-- /bench:name -->`, markers kept. */
export function replaceBlock(document: string, name: string, content: string): string {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`no ${start} … ${end} block`);
  return `${document.slice(0, from + start.length)}\n${content}\n${document.slice(to)}`;
}

function main(): void {
  if (!existsSync(resultsFile)) {
    console.error(`${path.relative(process.cwd(), resultsFile)} does not exist: run npm run bench first`);
    process.exit(2);
  }
  const results = JSON.parse(readFileSync(resultsFile, "utf8")) as BenchResults;
  const blocks = { "docs/PERFORMANCE.md": { results: formatResults(results) }, "docs/COSTS.md": { costs: formatCosts(results) } };
  if (!process.argv.includes("--write")) {
    for (const [file, content] of Object.entries(blocks)) for (const [name, text] of Object.entries(content)) console.log(`<!-- ${file}: ${name} -->\n${text}\n`);
    return;
  }
  for (const [file, content] of Object.entries(blocks)) {
    const full = path.join(repositoryRoot, file);
    let document = readFileSync(full, "utf8");
    for (const [name, text] of Object.entries(content)) document = replaceBlock(document, name, text);
    writeFileSync(full, document);
    console.log(`${file} updated from ${path.relative(process.cwd(), resultsFile)} of ${results.date}`);
  }
  for (const [file, svg] of Object.entries(benchCharts(results))) {
    writeFileSync(path.join(repositoryRoot, file), svg);
    console.log(`${file} written`);
  }
}

if (require.main === module) main();
