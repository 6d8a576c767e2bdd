import { expect } from "chai";
import { replaceBlock } from "../../scripts/bench/render";

describe("bench render", () => {
  it("replaces only what lies between a block's markers", () => {
    const document = "# Title\n<!-- bench:results -->\nold table\n<!-- /bench:results -->\nkept\n";
    expect(replaceBlock(document, "results", "new table")).to.equal("# Title\n<!-- bench:results -->\nnew table\n<!-- /bench:results -->\nkept\n");
  });

  it("refuses a document without the block, naming it", () => {
    expect(() => replaceBlock("no markers", "costs", "x")).to.throw("no <!-- bench:costs --> … <!-- /bench:costs --> block");
  });
});
