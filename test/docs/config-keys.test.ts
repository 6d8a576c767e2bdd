import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { configKeyTable } from "../../stack-config/key-table";

const deploying = readFileSync(path.resolve(__dirname, "..", "..", "docs", "DEPLOYING.md"), "utf8");

describe("docs: the stack config keys", () => {
  it("DEPLOYING.md's configuration table is the one rendered from stack-config/keys.ts", () => {
    const start = deploying.indexOf("| Key | Default | Meaning |");
    const table = deploying.slice(start).split("\n\n")[0].split("\n");
    expect(table, `paste into DEPLOYING.md:\n${configKeyTable().join("\n")}\n`).to.deep.equal(configKeyTable());
  });

  it("gives the keys declared once per function one row each, with every function's default", () => {
    const reserved = configKeyTable().find((row) => row.startsWith("| `<fn>ReservedConcurrency` |"));
    expect(reserved).to.include("query `10`").and.include("migrate `1`").and.include("others unset");
  });
});
