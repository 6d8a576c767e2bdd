import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { functionNames, functionSpecs, linkNames } from "../../functions/topology";

const architecture = readFileSync(path.resolve(__dirname, "..", "..", "docs", "ARCHITECTURE.md"), "utf8");
const code = (name: string) => `\`${name}\``;

/** ARCHITECTURE's function table, as the topology gives it. */
function functionTable(): string[] {
  const rows = functionNames.map((fn) => {
    const spec = functionSpecs[fn];
    const reserved = spec.reservedConcurrency === undefined ? "unset" : String(spec.reservedConcurrency);
    return `| ${code(fn)} | ${spec.memoryMb} MB / ${spec.timeoutSeconds} s | ${reserved} | ${spec.links.map(code).join(", ")} | ${spec.inVpc ? "yes" : "no"} |`;
  });
  return ["| Function | Memory / timeout | Reserved concurrency | Links | In VPC |", "| --- | --- | --- | --- | --- |", ...rows];
}

describe("docs: the functions and their links", () => {
  it("ARCHITECTURE.md's function table is the topology's", () => {
    const start = architecture.indexOf("| Function | Memory / timeout |");
    const table = architecture.slice(start).split("\n\n")[0].split("\n");
    expect(table, `paste into ARCHITECTURE.md:\n${functionTable().join("\n")}\n`).to.deep.equal(functionTable());
  });

  it("ARCHITECTURE.md names every link there is, in the topology's order", () => {
    const sentence = /through a \*link\* in the topology \(([^)]+)\)/.exec(architecture.replace(/\n/g, " "));
    expect(sentence?.[1].split(/,\s*/)).to.deep.equal(linkNames.map(code));
  });
});
