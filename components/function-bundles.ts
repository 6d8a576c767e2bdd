import { buildSync } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { functionNames, functionSpecs, lambdaRuntime, type AwsSdkPlacement, type FunctionName } from "../functions/topology";

export const repositoryRoot = path.resolve(__dirname, "..");
export const defaultBundleDir = path.join(repositoryRoot, "dist", "functions");

/** Where one function's bundle lives: a directory holding `index.js` (exports `handler`). */
export function bundleDirectory(name: FunctionName, outDir = defaultBundleDir): string {
  return path.join(outDir, name);
}

/**
 * Bundles every function of the topology with esbuild: CommonJS, minified, with source maps.
 * The AWS SDK v3 is bundled or left to the runtime's copy per function (`awsSdk` in the topology,
 * chosen by `npm run bench`); `sdk` overrides that for every function, so the bench can build both.
 * An external SDK resolves from node_modules on the local stack. esbuild output is byte-stable, so
 * unchanged code does not redeploy.
 */
export function buildFunctions(outDir = defaultBundleDir, sdk?: AwsSdkPlacement): Record<FunctionName, string> {
  const built = {} as Record<FunctionName, string>;
  for (const name of functionNames) {
    const dir = bundleDirectory(name, outDir);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    buildSync({
      entryPoints: [path.join(repositoryRoot, functionSpecs[name].entry)],
      outfile: path.join(dir, "index.js"),
      bundle: true,
      platform: "node",
      target: `node${lambdaRuntime.nodeMajor}`,
      format: "cjs",
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      legalComments: "none",
      logLevel: "error",
      ...awsSdkOptions(sdk ?? functionSpecs[name].awsSdk),
      // slonik require()s zod, so its CommonJS build is bundled; Fluxa's own `import` would resolve to the
      // ESM build, and the bundle would carry zod twice (about 60 KB each).
      alias: { zod: require.resolve("zod") },
    });
    if (name === "migrate") copyMigrations(dir);
    built[name] = dir;
  }
  return built;
}

/**
 * Bundled, the SDK is tree-shaken from its ES module builds (esbuild prefers `module` over `main`)
 * and pinned at the lockfile's version; external, the function uses whatever the runtime ships.
 */
function awsSdkOptions(sdk: AwsSdkPlacement): { external: string[]; mainFields?: string[] } {
  return sdk === "bundled" ? { external: ["pg-native"], mainFields: ["module", "main"] } : { external: ["@aws-sdk/*", "pg-native"] };
}

/** The directory, inside the migrate bundle, that holds Fluxa's SQL migrations. */
export const bundledMigrationsDirectory = "schema-migrations";

/**
 * postgres-migrations reads its own first migration from `<__dirname>/migrations/`, and once bundled
 * its __dirname is the bundle's: that file goes there, Fluxa's own files beside it.
 */
function copyMigrations(dir: string): void {
  cpSync(path.join(repositoryRoot, "migrations"), path.join(dir, bundledMigrationsDirectory), { recursive: true });
  const bootstrap = require.resolve("postgres-migrations/dist/migrations/0_create-migrations-table.sql");
  mkdirSync(path.join(dir, "migrations"));
  cpSync(bootstrap, path.join(dir, "migrations", path.basename(bootstrap)));
}

if (require.main === module) {
  const built = buildFunctions();
  for (const [name, dir] of Object.entries(built)) console.log(`${name}: ${path.relative(repositoryRoot, dir)}/index.js`);
}
