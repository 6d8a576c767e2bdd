import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Metafile } from "esbuild";
import { databaseLocationFromEnv } from "../../functions/shared/database-location";
import { optionalBoolean, optionalInteger } from "../../functions/shared/env";
import { buildFunctions, bundleEntryFile, bundleMetafile, filesLoadedAtInit } from "../../bundling/function-bundles";
import { functionNames, functionSpecs, type FunctionName } from "../../functions/topology";

describe("cold start configuration", () => {
  let bundles: Record<FunctionName, string>;
  let outDir: string;

  before(() => {
    outDir = mkdtempSync(path.join(tmpdir(), "fluxa-bundles-"));
    bundles = buildFunctions(outDir);
  });
  after(() => rmSync(outDir, { recursive: true, force: true }));

  /** Loads a bundle as Lambda would (an ES module import), in a fresh process with only the given environment. */
  function load(name: FunctionName, env: Record<string, string>): { status: number | null; stderr: string } {
    const entry = pathToFileURL(path.join(bundles[name], bundleEntryFile)).href;
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", `await import(${JSON.stringify(entry)})`], {
      env: { PATH: process.env.PATH ?? "", NODE_PATH: path.resolve("node_modules"), AWS_REGION: "us-east-1", ...env },
      encoding: "utf8",
    });
    return { status: result.status, stderr: result.stderr };
  }

  /** The files a bundle was built from, read from the source maps of all its chunks. */
  function bundledSources(name: FunctionName): string[] {
    const maps = readdirSync(bundles[name]).filter((file) => file.endsWith(".mjs.map"));
    return maps.flatMap((map) => (JSON.parse(readFileSync(path.join(bundles[name], map), "utf8")) as { sources: string[] }).sources);
  }

  function packagesOf(sources: readonly string[]): Set<string> {
    return new Set(sources.flatMap((source) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1] ?? []));
  }

  function bundledPackages(name: FunctionName): Set<string> {
    return packagesOf(bundledSources(name));
  }

  /** The packages in the chunks Node reads when the function starts, from esbuild's account of the bundle. */
  function packagesLoadedAtInit(name: FunctionName): Set<string> {
    const metafile = JSON.parse(readFileSync(bundleMetafile(name, outDir), "utf8")) as Metafile;
    return packagesOf(filesLoadedAtInit(metafile).flatMap((file) => Object.keys(metafile.outputs[file].inputs)));
  }

  it("loads the S3 client only with the first large payload, and the processor's SQS client only with its first failure", () => {
    for (const name of ["ingest", "processor"] as const) {
      expect(bundledPackages(name), name).to.include("@aws-sdk/client-s3");
      expect(packagesLoadedAtInit(name), name).to.not.include("@aws-sdk/client-s3");
    }
    expect(bundledPackages("processor")).to.include("@aws-sdk/client-sqs");
    expect(packagesLoadedAtInit("processor")).to.not.include("@aws-sdk/client-sqs");
    expect(packagesLoadedAtInit("processor")).to.include.members(["@aws-sdk/client-sns", "slonik"]);
    expect(packagesLoadedAtInit("ingest")).to.include("@aws-sdk/client-sqs");
  });

  it("bundles slonik and zod only into the functions that query through slonik", () => {
    expect([...bundledPackages("ingest")].filter((p) => p === "slonik" || p === "zod")).to.deep.equal([]);
    expect([...bundledPackages("processor")]).to.include.members(["slonik", "zod", "pg"]);
    // migrate creates the partitions of events through slonik after postgres-migrations has run.
    expect([...bundledPackages("migrate")]).to.include.members(["pg", "postgres-migrations", "slonik", "zod"]);
  });

  it("bundles the AWS SDK, from its ES module builds, only where the topology says so", () => {
    const sdkSources = (name: FunctionName) => bundledSources(name).filter((source) => source.includes("node_modules/@aws-sdk/"));
    for (const name of functionNames) {
      if (functionSpecs[name].awsSdk === "runtime") expect(sdkSources(name), name).to.deep.equal([]);
      else expect(sdkSources(name).filter((source) => source.includes("/dist-es/")), name).to.have.length.above(0);
    }
  });

  it("bundles one copy of zod, the CommonJS build slonik requires, not its ESM build as well", () => {
    const zodTypes = bundledSources("processor").filter((source) => /node_modules\/zod\/.*\/types\.[cm]?js$/.test(source));
    expect(zodTypes).to.have.length(1);
  });

  it("bundles io-ts and fp-ts once, from their ES module builds, not their CommonJS builds as well", () => {
    for (const name of functionNames) {
      const builds = new Set(bundledSources(name).flatMap((source) => /node_modules\/(io-ts|fp-ts)\/(es6|lib)\//.exec(source)?.slice(1).join("/") ?? []));
      expect([...builds].sort(), name).to.deep.equal(name === "migrate" ? [] : ["fp-ts/es6", "io-ts/es6"]);
    }
  });

  it("fails each function at load time naming the first missing variable", () => {
    expect(load("ingest", {}).stderr).to.include("EVENTS_QUEUE_URL is required");
    expect(load("ingest", { EVENTS_QUEUE_URL: "http://q" }).stderr).to.include("PAYLOAD_BUCKET is required");
    expect(load("processor", { PAYLOAD_BUCKET: "b", EVENTS_TOPIC_ARN: "arn:t" }).stderr).to.include("EVENTS_QUEUE_URL is required");
    const queues = { PAYLOAD_BUCKET: "b", EVENTS_TOPIC_ARN: "arn:t", EVENTS_QUEUE_URL: "http://q", EVENTS_DLQ_URL: "http://dlq" };
    expect(load("processor", { ...queues }).stderr).to.include("EVENTS_QUEUE_VISIBILITY_TIMEOUT_SECONDS is required");
    expect(load("processor", { ...queues, EVENTS_QUEUE_VISIBILITY_TIMEOUT_SECONDS: "0" }).stderr).to.include(
      "EVENTS_QUEUE_VISIBILITY_TIMEOUT_SECONDS must be between 1 and 43200, got 0",
    );
    expect(load("processor", { ...queues, EVENTS_QUEUE_VISIBILITY_TIMEOUT_SECONDS: "180" }).stderr).to.include("DATABASE_URL is required");
    expect(load("query", {}).stderr).to.include("DATABASE_URL is required");
    expect(load("replay", {}).stderr).to.include("EVENTS_TOPIC_ARN is required");
    expect(load("replay", { EVENTS_TOPIC_ARN: "arn:t" }).stderr).to.include("DATABASE_URL is required");
    expect(load("erase", {}).stderr).to.include("DATABASE_URL is required");
    expect(load("erase", { DATABASE_URL: "postgres://127.0.0.1:9/fluxa" }).stderr).to.include("PAYLOAD_BUCKET is required");
    expect(load("erase", { DATABASE_URL: "postgres://127.0.0.1:9/fluxa", PAYLOAD_BUCKET: "b" }).stderr).to.include("SOURCE_DIRECTORY is required");
    expect(load("maintain", {}).stderr).to.include("DATABASE_URL is required");
    const database = { DATABASE_URL: "postgres://127.0.0.1:9/fluxa" };
    expect(load("maintain", { ...database, RETENTION_DAYS: "7" }).stderr).to.include("RETENTION_DAYS must be between 15 and 3650, got 7");
    expect(load("maintain", { ...database, RETENTION_DAYS: "30" }).stderr).to.include("PAYLOAD_BUCKET is required");
  });

  it("fails the replay function at load time on a malformed window bound, naming the variable", () => {
    const result = load("replay", { EVENTS_TOPIC_ARN: "arn:t", DATABASE_URL: "postgres://127.0.0.1:9/fluxa", REPLAY_MAX_WINDOW_DAYS: "a month" });
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.include('REPLAY_MAX_WINDOW_DAYS must be a whole number, got "a month"');
  });

  it("fails the migrate function at load time on a partition width or lead it cannot use, naming the variable", () => {
    const database = { DATABASE_URL: "postgres://127.0.0.1:9/fluxa" };
    expect(load("migrate", { ...database, PARTITION_WIDTH: "week" }).stderr).to.include('PARTITION_WIDTH must be one of day, month, got "week"');
    expect(load("migrate", { ...database, PARTITION_WIDTH: "day", PARTITIONS_AHEAD: "0" }).stderr).to.include("PARTITIONS_AHEAD must be between 1 and 366, got 0");
    expect(load("migrate", { ...database, PARTITION_WIDTH: "month", PARTITIONS_AHEAD: "3" }).status).to.equal(0);
  });

  it("fails at load time on a malformed value, naming it and the reason", () => {
    const result = load("ingest", { EVENTS_QUEUE_URL: "http://q", PAYLOAD_BUCKET: "b", LARGE_PAYLOAD_THRESHOLD_BYTES: "lots" });
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.include('LARGE_PAYLOAD_THRESHOLD_BYTES must be a whole number, got "lots"');
  });

  it("loads when its environment is complete", () => {
    expect(load("ingest", { EVENTS_QUEUE_URL: "http://q", PAYLOAD_BUCKET: "b", SOURCE_DIRECTORY: '{"k1":"web"}' }).status).to.equal(0);
  });

  it("fails ingest and query at load time without a source directory, or with a malformed one, naming the variable", () => {
    const ingest = { EVENTS_QUEUE_URL: "http://q", PAYLOAD_BUCKET: "b" };
    expect(load("ingest", ingest).stderr).to.include("SOURCE_DIRECTORY is required");
    expect(load("ingest", { ...ingest, SOURCE_DIRECTORY: "web" }).stderr).to.include("SOURCE_DIRECTORY must be a JSON object of API key id to source name");
    expect(load("query", { DATABASE_URL: "postgres://127.0.0.1:9/fluxa", SOURCE_DIRECTORY: '{"k1":"Web Team"}' }).stderr).to.include('SOURCE_DIRECTORY names source "Web Team" for key k1');
  });

  it("checks ranges, booleans and database settings", () => {
    expect(() => optionalInteger({ N: "0" }, "N", 1, { min: 1, max: 5 })).to.throw("N must be between 1 and 5, got 0");
    expect(() => optionalBoolean({ B: "yes" }, "B", true)).to.throw('B must be "true" or "false", got "yes"');
    expect(() => databaseLocationFromEnv({ DATABASE_URL: "mysql://x" })).to.throw("DATABASE_URL must be a postgres:// URL");
    expect(() => databaseLocationFromEnv({ DB_HOST: "db", DB_NAME: "fluxa" })).to.throw("DB_SECRET_ARN is required");
    expect(databaseLocationFromEnv({ DB_HOST: "db", DB_NAME: "fluxa", DB_SECRET_ARN: "arn:s" })).to.deep.include({ kind: "secret", port: 5432, ssl: true });
  });
});
