import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { minVersion, satisfies, subset } from "semver";

const root = path.join(__dirname, "..", "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

interface LockedPackage {
  readonly name?: string;
  readonly version?: string;
  readonly hasInstallScript?: boolean;
  readonly engines?: { readonly node?: string } | readonly string[];
}

describe("a quiet install: the Node.js requirement (package.json engines) and install scripts (allowScripts)", () => {
  const manifest = JSON.parse(read("package.json")) as { engines: { node: string }; devDependencies: Record<string, string>; allowScripts: Record<string, boolean> };
  const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, LockedPackage> };
  const required = manifest.engines.node;

  it("admits only Node versions every installed package admits, so npm install warns of no engine", () => {
    const narrower = Object.entries(lock.packages).flatMap(([location, locked]) => {
      const range = Array.isArray(locked.engines) ? undefined : (locked.engines as { node?: string } | undefined)?.node;
      return location !== "" && range !== undefined && !subset(required, range) ? [`${location} needs node ${range}`] : [];
    });

    expect(lock.packages[""].engines).to.deep.equal(manifest.engines);
    expect(narrower).to.deep.equal([]);
  });

  it("is met by the Node the npm scripts run on (the node devDependency, Lambda's nodejs24.x)", () => {
    const bundled = lock.packages["node_modules/node"].version ?? "";

    expect(satisfies(bundled, required), `node ${bundled}`).to.equal(true);
    expect(bundled.split(".")[0]).to.equal("24");
    expect(String(minVersion(manifest.devDependencies.node))).to.match(/^24\./);
  });

  it("is the one the README and DEPLOYING state", () => {
    for (const doc of ["README.md", "docs/DEPLOYING.md"]) expect(read(doc), doc).to.include(`Node.js \`${required}\``);
  });

  it("decides for every locked package with an install script whether it runs, so npm 11 lists none as unreviewed", () => {
    const undecided = Object.entries(lock.packages).flatMap(([location, locked]) => {
      const name = locked.name ?? location.slice(location.lastIndexOf("node_modules/") + "node_modules/".length);
      return locked.hasInstallScript && !(name in manifest.allowScripts) ? [name] : [];
    });

    expect(undecided).to.deep.equal([]);
    expect(manifest.allowScripts.esbuild, "esbuild's postinstall fetches its binary").to.equal(true);
  });
});
