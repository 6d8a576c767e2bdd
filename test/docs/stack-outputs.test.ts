import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { stackOutputNames } from "../../components/stack-outputs";

const deploying = readFileSync(path.resolve(__dirname, "..", "..", "docs", "DEPLOYING.md"), "utf8");

describe("docs: the stack outputs", () => {
  it("DEPLOYING.md's `pulumi stack output` comment lists exactly the outputs components/stack-outputs.ts names, in order", () => {
    const comment = /^pulumi stack output +# (.+)\n +# (.+)$/m.exec(deploying);
    expect(comment, "the `pulumi stack output` line and its continuation").to.not.equal(null);
    const listed = `${comment![1]} ${comment![2]}`.split(/,\s*/).map((name) => name.trim()).filter(Boolean);
    expect(listed).to.deep.equal(Object.values(stackOutputNames));
  });
});
