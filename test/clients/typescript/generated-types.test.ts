import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const clientDir = path.join(__dirname, "..", "..", "..", "clients", "typescript");
const documentArgument = "../../docs/openapi.json";
const generateScript = (JSON.parse(readFileSync(path.join(clientDir, "package.json"), "utf8")) as { scripts: { generate: string } }).scripts.generate;
const installHint = "is the client's generator installed? npm ci --prefix clients/typescript";

/** The generator with the package's own `generate` arguments and --check, on another document if given. */
async function check(document = documentArgument): Promise<{ code: number; output: string }> {
  const [command, ...args] = generateScript.split(" ").map((part) => (part === documentArgument ? document : part));
  const generator = path.join(clientDir, "node_modules", ".bin", command);
  try {
    const { stdout, stderr } = await run(generator, [...args, "--check"], { cwd: clientDir });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code?: number | string; stdout?: string; stderr?: string };
    if (failure.code === "ENOENT") throw new Error(`${generator} not found: ${installHint}`);
    return { code: Number(failure.code), output: `${failure.stdout ?? ""}${failure.stderr ?? ""}` };
  }
}

describe("TypeScript client: types generated from docs/openapi.json", function () {
  this.timeout(60_000);

  it("generates from the repository's document with openapi-typescript, through the package's one script", () => {
    expect(generateScript).to.equal(`openapi-typescript ${documentArgument} --output src/generated/openapi.ts`);
  });

  it("holds the committed types equal to a fresh generation (npm run generate:client after changing the document)", async () => {
    const result = await check();
    expect(result.code, result.output).to.equal(0);
  });

  it("fails the check when the document changes and the types are not regenerated", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fluxa-openapi-"));
    try {
      const document = JSON.parse(readFileSync(path.join(clientDir, documentArgument), "utf8")) as { components: { schemas: Record<string, { properties?: object }> } };
      document.components.schemas.StoredEvent.properties = { ...document.components.schemas.StoredEvent.properties, source_id: { type: "string" } };
      const changed = path.join(dir, "openapi.json");
      writeFileSync(changed, JSON.stringify(document));
      const result = await check(changed);
      expect(result.code, result.output).to.equal(1);
      expect(result.output).to.include("not up-to-date");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
