import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Metafile } from "esbuild";
import { buildFunctions, bundleMetafile, filesLoadedAtInit } from "../../bundling/function-bundles";
import { functionSpecs } from "../../functions/topology";
import { buildFloor, buildInitFloor, initFloorFunctions, invocationFloors } from "../../scripts/bench/floor-functions";

/** The packages of the chunks Node reads at init, from esbuild's account of a bundle. */
function packagesAtInit(metafile: Metafile): Set<string> {
  const inputs = filesLoadedAtInit(metafile).flatMap((file) => Object.keys(metafile.outputs[file].inputs));
  return new Set(inputs.flatMap((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? []));
}

function allPackages(metafile: Metafile): Set<string> {
  return new Set(Object.keys(metafile.inputs).flatMap((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? []));
}

/** What constructs a connection or a client: the AWS SDK's service clients and the database drivers. */
const clientPackage = (name: string) => name.startsWith("@aws-sdk/client-") || name === "slonik" || name === "pg";

describe("bench floor bundles", () => {
  let outDir: string;
  before(() => {
    outDir = mkdtempSync(path.join(tmpdir(), "fluxa-floors-"));
    buildFunctions(outDir);
  });
  after(() => rmSync(outDir, { recursive: true, force: true }));

  it("gives each function an init floor that loads the same client packages at init as the function does, and none of its other packages", () => {
    for (const name of initFloorFunctions) {
      const shipped = packagesAtInit(JSON.parse(readFileSync(bundleMetafile(name, outDir), "utf8")) as Metafile);
      const floor = packagesAtInit(buildInitFloor(name, path.join(outDir, "init-floors")).metafile);
      expect([...floor].filter(clientPackage).sort(), name).to.deep.equal([...shipped].filter(clientPackage).sort());
      expect([...floor].filter((pkg) => ["pino", "io-ts", "@aws-lambda-powertools/metrics"].includes(pkg)), name).to.deep.equal([]);
      expect([...floor].filter((pkg) => !shipped.has(pkg)), `${name}: packages the function does not load at init`).to.deep.equal([]);
    }
  });

  it("builds the invocation floors with raw drivers only: pg and SNS for the processor's, SQS for ingest's, nothing for the hop", () => {
    const built = Object.fromEntries(
      Object.entries(invocationFloors).map(([name, { source, like }]) => [name, allPackages(buildFloor(source, like, path.join(outDir, name)).metafile)]),
    );
    expect([...built["processor-floor"]].filter(clientPackage).sort()).to.deep.equal(["@aws-sdk/client-sns", "pg"]);
    expect([...built["ingest-floor"]].filter(clientPackage)).to.deep.equal(["@aws-sdk/client-sqs"]);
    expect([...built.hop]).to.deep.equal([]);
  });

  it("builds a floor as its function is built: the SDK where the topology places it, the output split and minified", () => {
    const { metafile, file } = buildInitFloor("ingest", path.join(outDir, "placement"));
    const sdkBundled = Object.keys(metafile.inputs).some((input) => input.includes("node_modules/@aws-sdk/client-sqs/dist-es/"));
    expect(sdkBundled).to.equal(functionSpecs.ingest.awsSdk === "bundled");
    expect(readFileSync(file, "utf8").split("\n").length).to.be.below(100);
    expect(Object.keys(metafile.outputs).filter((output) => output.endsWith(".mjs")).length).to.be.above(1);
  });
});
