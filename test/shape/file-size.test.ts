import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS, read by .mocharc.fast.cjs too
const { root, importGraph } = require("../import-graph.cjs") as { root: string; importGraph: () => Map<string, string[]> };

const maxLines = 300;

describe("file size", () => {
  it(`keeps every source file at ${maxLines} lines or fewer`, () => {
    const files = [...importGraph().keys()];
    expect(files).to.include(path.join("stack-config", "config.ts"));
    const long = files
      .map((file) => ({ file, lines: readFileSync(path.join(root, file), "utf8").split("\n").length - 1 }))
      .filter(({ lines }) => lines > maxLines)
      .map(({ file, lines }) => `${file}: ${lines}`);
    expect(long).to.deep.equal([]);
  });
});
