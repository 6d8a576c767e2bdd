import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { functionNames } from "../../functions/topology";
import { parseConfig } from "../../stack-config/config";
import { configKeyTable } from "../../stack-config/key-table";
import { stackFile } from "../infra/stack-config";

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

describe("docs: the shipped stacks' reservations", () => {
  const reservedTotal = (stack: string) => {
    const config = parseConfig(stackFile(stack), stack, "eu-west-1");
    return functionNames.reduce((sum, fn) => sum + (config.functions[fn].reservedConcurrency ?? 0), 0);
  };

  it("DEPLOYING.md's account limits add up the stack files' reservations, and the 100 Lambda keeps unreserved", () => {
    const [prod, dev] = [reservedTotal("prod"), reservedTotal("dev")];
    expect(deploying.replace(/\s+/g, " ")).to.include(`prod reserves ${prod} concurrent executions in total, dev ${dev} `);
    expect(deploying.replace(/\s+/g, " ")).to.include(`at least ${prod + 100} for prod and ${dev + 100} for dev`);
  });

  it("TRADEOFFS.md's prod processor reservation and mapping maximum are the stack file's", () => {
    const prod = parseConfig(stackFile("prod"), "prod", "eu-west-1");
    const tradeoffs = readFileSync(path.resolve(__dirname, "..", "..", "docs", "TRADEOFFS.md"), "utf8").replace(/\s+/g, " ");
    const reserved = prod.functions.processor.reservedConcurrency;
    expect(reserved).to.equal(prod.queue.maximumConcurrency);
    expect(tradeoffs).to.include(`equal to its mapping's maximum (${reserved} and ${prod.queue.maximumConcurrency})`);
  });
});
