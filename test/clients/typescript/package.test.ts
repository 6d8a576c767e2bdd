import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const repositoryRoot = path.join(__dirname, "..", "..", "..");
const clientDir = path.join(repositoryRoot, "clients", "typescript");
const manifest = JSON.parse(readFileSync(path.join(clientDir, "package.json"), "utf8")) as { name: string; dependencies?: object; peerDependencies?: object };

describe("TypeScript client: the npm package", function () {
  this.timeout(180_000);
  let dir: string;
  let files: string[];
  let tarball: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "fluxa-client-pack-"));
    // prepack builds dist/ first, so a fresh clone packs what its source says.
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: clientDir });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf("["))) as { filename: string; files: { path: string }[] }[];
    files = packed.files.map((f) => f.path).sort();
    tarball = path.join(dir, packed.filename);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("ships the built JavaScript and its declarations, the README, and no source or runtime dependency", () => {
    expect(files).to.include.members(["package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/client.js", "dist/client.d.ts", "dist/generated/openapi.d.ts"]);
    expect(files.filter((f) => !f.startsWith("dist/") && f !== "package.json" && f !== "README.md")).to.deep.equal([]);
    expect(manifest.dependencies).to.equal(undefined);
    expect(manifest.peerDependencies).to.equal(undefined);
  });

  it("installs from the tarball into another project, loads, and type-checks the README's example against it", async () => {
    const project = path.join(dir, "consumer");
    await run("mkdir", [project]);
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    await run("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], { cwd: project });

    const script = `const { FluxaClient, FluxaValidationError } = require("${manifest.name}");
      const client = new FluxaClient({ endpoint: "http://127.0.0.1:9", apiKey: "k", drainOnExit: false });
      console.log(typeof client.send, new FluxaValidationError([{ path: "amount", message: "m" }]).code);`;
    const { stdout } = await run(process.execPath, ["-e", script], { cwd: project });
    expect(stdout.trim()).to.equal("function validation_failed");

    const readme = readFileSync(path.join(repositoryRoot, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Send events from your code"));
    const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example, "the README's TypeScript example").to.include(`from "${manifest.name}"`);
    writeFileSync(path.join(project, "example.mts"), example!);
    const tsc = path.join(clientDir, "node_modules", ".bin", "tsc");
    const typeRoots = path.join(repositoryRoot, "node_modules", "@types");
    await run(tsc, ["--noEmit", "--strict", "--module", "nodenext", "--target", "es2022", "--lib", "es2022,dom", "--typeRoots", typeRoots, "--types", "node", "example.mts"], { cwd: project });
  });
});
