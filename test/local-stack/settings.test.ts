import assert from "node:assert/strict";
import * as path from "node:path";
import { defaultDataDir, resolveSettings } from "../../scripts/local-stack/settings";

describe("local stack: settings", () => {
  it("defaults to port 3000, the repository's .fluxa dir, embedded PostgreSQL and fauxqs", () => {
    const settings = resolveSettings({}, {});

    assert.equal(settings.port, 3000);
    assert.equal(settings.dataDir, defaultDataDir);
    assert.equal(path.basename(defaultDataDir), ".fluxa");
    assert.equal(settings.databaseUrl, undefined);
    assert.equal(settings.awsEndpointUrl, undefined);
    assert.equal(settings.apiKeys, undefined);
    assert.equal(settings.sources, undefined);
    assert.equal(settings.stack, undefined);
    assert.deepEqual(settings.reservedConcurrency, {});
    assert.equal(settings.pollerConcurrency, undefined);
  });

  it("keeps events forever unless FLUXA_RETENTION_DAYS is set, and archives only with FLUXA_ARCHIVE", () => {
    assert.deepEqual([resolveSettings({}, {}).retentionDays, resolveSettings({}, {}).archive], [undefined, false]);
    const settings = resolveSettings({}, { FLUXA_RETENTION_DAYS: "30", FLUXA_ARCHIVE: "true" });
    assert.deepEqual([settings.retentionDays, settings.archive], [30, true]);
  });

  it("reads prod's limits or explicit ones from the environment", () => {
    const env = { FLUXA_STACK: "prod", FLUXA_RESERVED_CONCURRENCY: "ingest=2, processor=1", FLUXA_MAXIMUM_CONCURRENCY: "3" };

    const settings = resolveSettings({}, env);

    assert.deepEqual([settings.stack, settings.reservedConcurrency, settings.pollerConcurrency], ["prod", { ingest: 2, processor: 1 }, 3]);
  });

  it("reads the environment, and options win over it", () => {
    const env = { PORT: "4000", FLUXA_API_KEYS: "a, b", DATABASE_URL: "postgres://u:p@db:5432/fluxa", LOG_LEVEL: "DEBUG", FLUXA_VISIBILITY_TIMEOUT_SECONDS: "4" };

    const fromEnv = resolveSettings({}, env);
    const fromOptions = resolveSettings({ port: 0, apiKeys: ["c"], logLevel: "warn" }, env);

    assert.deepEqual([fromEnv.port, fromEnv.apiKeys, fromEnv.databaseUrl, fromEnv.logLevel], [4000, ["a", "b"], env.DATABASE_URL, "debug"]);
    assert.deepEqual([fromOptions.port, fromOptions.apiKeys, fromOptions.logLevel], [0, ["c"], "warn"]);
    assert.equal(fromEnv.visibilityTimeoutSeconds, 4);
    assert.equal(resolveSettings({ visibilityTimeoutSeconds: 2 }, env).visibilityTimeoutSeconds, 2);
  });

  it("reads FLUXA_SOURCES as source:key pairs, grouping each source's keys in order", () => {
    const settings = resolveSettings({}, { FLUXA_SOURCES: "web:key-web-1, web:key-web-2,mobile:key-mob-1" });
    assert.deepEqual(settings.sources, [
      { name: "web", keys: ["key-web-1", "key-web-2"] },
      { name: "mobile", keys: ["key-mob-1"] },
    ]);
  });

  it("pretty-prints function logs on a terminal and passes them as JSON when piped, unless FLUXA_LOG_FORMAT or the option says", () => {
    assert.equal(resolveSettings({}, {}, true).logFormat, "pretty");
    assert.equal(resolveSettings({}, {}, false).logFormat, "json");
    assert.equal(resolveSettings({}, { FLUXA_LOG_FORMAT: "json" }, true).logFormat, "json");
    assert.equal(resolveSettings({}, { FLUXA_LOG_FORMAT: "Pretty" }, false).logFormat, "pretty");
    assert.equal(resolveSettings({ logFormat: "json" }, { FLUXA_LOG_FORMAT: "pretty" }, true).logFormat, "json");
  });

  it("fails on a malformed variable, naming it", () => {
    const malformed: Array<[string, string]> = [
      ["PORT", "80a"],
      ["PORT", "70000"],
      ["DATABASE_URL", "mysql://x"],
      ["AWS_ENDPOINT_URL", "localhost:4566"],
      ["FLUXA_API_KEYS", "a,,b"],
      ["FLUXA_SOURCES", "web"],
      ["FLUXA_SOURCES", "Web:k1"],
      ["FLUXA_SOURCES", "web:k1,mobile:k1"],
      ["FLUXA_SOURCES", "web:k1,,mobile:k2"],
      ["LOG_LEVEL", "loud"],
      ["FLUXA_LOG_FORMAT", "colour"],
      ["FLUXA_VISIBILITY_TIMEOUT_SECONDS", "0"],
      ["FLUXA_VISIBILITY_TIMEOUT_SECONDS", "43201"],
      ["FLUXA_VISIBILITY_TIMEOUT_SECONDS", "2.5"],
      ["FLUXA_STACK", "../prod"],
      ["FLUXA_RESERVED_CONCURRENCY", "ingest"],
      ["FLUXA_RESERVED_CONCURRENCY", "ingest=0"],
      ["FLUXA_RESERVED_CONCURRENCY", "worker=2"],
      ["FLUXA_MAXIMUM_CONCURRENCY", "1"],
      ["FLUXA_MAXIMUM_CONCURRENCY", "1001"],
      ["FLUXA_RETENTION_DAYS", "14"],
      ["FLUXA_ARCHIVE", "yes"],
    ];
    for (const [name, value] of malformed) {
      assert.throws(() => resolveSettings({}, { [name]: value }), new RegExp(`^SettingError: ${name}=`));
    }
  });
});
