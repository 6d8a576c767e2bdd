import { buildSync, type Metafile } from "esbuild";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { functionNames, functionSpecs, lambdaRuntime, type AwsSdkPlacement, type FunctionName } from "../functions/topology";

export const repositoryRoot = path.resolve(__dirname, "..");
export const defaultBundleDir = path.join(repositoryRoot, "dist", "functions");

/** The ES module Lambda loads for handler `index.handler`; the chunks it imports lie beside it. */
export const bundleEntryFile = "index.mjs";

/** Where one function's bundle lives: a directory holding `index.mjs` (exports `handler`). */
export function bundleDirectory(name: FunctionName, outDir = defaultBundleDir): string {
  return path.join(outDir, name);
}

/** esbuild's account of one bundle (which files went into which chunk, and how chunks import each other), kept beside its directory, outside what is uploaded. */
export function bundleMetafile(name: FunctionName, outDir = defaultBundleDir): string {
  return path.join(outDir, `${name}.meta.json`);
}

// esbuild's ES module output has no `require`, `__filename` or `__dirname`, which the bundled
// CommonJS packages (pg, pino, postgres-migrations) use; every output file defines its own. Their
// `require` calls left in the bundle are for Node's built-in modules only (the rest is bundled), and
// process.getBuiltinModule serves those without loading node:module (and its source-map support).
const commonJsGlobals = [
  `const require = (id) => process.getBuiltinModule(id) ?? (() => { throw Object.assign(new Error("Cannot find module '" + id + "'"), { code: "MODULE_NOT_FOUND" }); })();`,
  `const __filename = import.meta.filename;`,
  `const __dirname = import.meta.dirname;`,
].join("\n");

/**
 * Bundles every function of the topology (see `bundleEntry`), each into its own directory.
 * The AWS SDK v3 is bundled or left to the runtime's copy per function (`awsSdk` in the topology,
 * chosen by `npm run bench`); `sdk` overrides that for every function, so the bench can build both.
 * An external SDK resolves from node_modules on the local stack. esbuild output is byte-stable, so
 * unchanged code does not redeploy.
 */
export function buildFunctions(outDir = defaultBundleDir, sdk?: AwsSdkPlacement): Record<FunctionName, string> {
  const built = {} as Record<FunctionName, string>;
  for (const name of functionNames) {
    const dir = bundleDirectory(name, outDir);
    const metafile = bundleEntry(path.join(repositoryRoot, functionSpecs[name].entry), dir, sdk ?? functionSpecs[name].awsSdk);
    writeFileSync(bundleMetafile(name, outDir), JSON.stringify(metafile));
    if (name === "migrate") copyMigrations(dir);
    built[name] = dir;
  }
  return built;
}

/**
 * Builds one entry point into `dir` (emptied first) with esbuild: an ES module, minified, with source
 * maps, split into chunks so that what the code reaches only through `import()` (the S3 client, which
 * large payloads alone need) is read and compiled on first use, not at cold start. Returns esbuild's
 * metafile.
 */
export function bundleEntry(entry: string, dir: string, sdk: AwsSdkPlacement): Metafile {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return buildSync({
    entryPoints: { index: entry },
    outdir: dir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    platform: "node",
    target: `node${lambdaRuntime.nodeMajor}`,
    format: "esm",
    banner: { js: commonJsGlobals },
    metafile: true,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: "none",
    logLevel: "error",
    ...awsSdkOptions(sdk),
    // slonik require()s zod, so its CommonJS build is bundled; Fluxa's own `import` would resolve to the
    // ESM build, and the bundle would carry zod twice (about 60 KB each).
    alias: { zod: require.resolve("zod") },
  }).metafile;
}

/** The output files Node reads at cold start: the entry and every chunk it imports statically, transitively. */
export function filesLoadedAtInit(metafile: Metafile): string[] {
  const outputs = metafile.outputs;
  // Every `import()` target is an entry point of its own in the metafile: the function's is the one named index.
  const entry = Object.keys(outputs).find((file) => path.basename(file) === bundleEntryFile);
  const loaded = new Set<string>();
  const pending = entry === undefined ? [] : [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (loaded.has(file)) continue;
    loaded.add(file);
    for (const imported of outputs[file].imports) if (imported.kind === "import-statement" && imported.path in outputs) pending.push(imported.path);
  }
  return [...loaded];
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
  for (const [name, dir] of Object.entries(built)) console.log(`${name}: ${path.relative(repositoryRoot, dir)}/${bundleEntryFile}`);
}
