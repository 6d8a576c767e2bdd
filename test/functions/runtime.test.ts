import { assert } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { lambdaRuntime } from "../../functions/topology";

const packageJson = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as {
  devDependencies: Record<string, string>;
};

describe("the Node.js runtime", () => {
  it("deploys every function on nodejs24.x, Lambda's current Node runtime", () => {
    assert.equal(lambdaRuntime.identifier, "nodejs24.x");
    assert.equal(lambdaRuntime.nodeMajor, 24);
  });

  it("runs the tests on the Node major Lambda runs, not on the machine's own Node", () => {
    assert.equal(Number(process.versions.node.split(".")[0]), lambdaRuntime.nodeMajor, `tests run on ${process.version}`);
  });

  it("pins that Node major as a devDependency, so npm scripts put it first on PATH", () => {
    assert.match(packageJson.devDependencies.node, new RegExp(`^\\^${lambdaRuntime.nodeMajor}\\.`));
  });
});
