import assert from "node:assert/strict";
import { configKeys, parseConfig } from "../../stack-config/config";
import { readStackConfig } from "../../scripts/preview/stack-file";
import { functionSpecs } from "../../functions/topology";
import { configProblems as problemsOf, stackFile } from "../infra/stack-config";

describe("stack config", () => {
  it("defaults to a cheap stack: one NAT, db.t4g.micro, no Multi-AZ, no proxy, topology sizing", () => {
    const config = parseConfig({}, "dev", "eu-west-1");
    assert.equal(config.natStrategy, "single");
    assert.deepEqual(
      [config.database.instanceClass, config.database.multiAz, config.database.proxy, config.database.deletionProtection],
      ["db.t4g.micro", false, false, false],
    );
    assert.deepEqual(config.functions.processor, { memoryMb: functionSpecs.processor.memoryMb, timeoutSeconds: functionSpecs.processor.timeoutSeconds, reservedConcurrency: undefined });
    assert.deepEqual(config.queue, { batchSize: 10, batchingWindowSeconds: 1, maximumConcurrency: 5 });
    assert.equal(config.payload.expirationDays, 90);
    assert.equal(config.alarms.email, undefined);
  });

  it("reads the prod stack file as safe: Multi-AZ, deletion protection, longer backups, RDS Proxy, NAT per AZ", () => {
    const config = parseConfig(stackFile("prod"), "prod", "eu-west-1");
    assert.deepEqual(
      [config.database.multiAz, config.database.deletionProtection, config.database.proxy, config.natStrategy],
      [true, true, true, "onePerAz"],
    );
    assert.ok(config.database.backupRetentionDays >= 7);
    assert.equal(config.payload.forceDestroy, false);
  });

  it("reads the dev stack file as cheap", () => {
    const config = parseConfig(stackFile("dev"), "dev", "eu-west-1");
    assert.deepEqual([config.database.instanceClass, config.database.multiAz, config.database.proxy, config.natStrategy], ["db.t4g.micro", false, false, "single"]);
  });

  it("names the key and the reason for every bad value", () => {
    const problems = problemsOf({ dbMultiAz: "yes", processorTimeoutSeconds: "901", natStrategy: "two", logRetentionDays: "10", alarmEmail: "ops" });
    assert.deepEqual(problems, [
      'fluxa:processorTimeoutSeconds: must be between 1 and 900, got 901',
      'fluxa:dbMultiAz: must be true or false, got "yes"',
      'fluxa:natStrategy: must be one of none, single, onePerAz, got "two"',
      'fluxa:logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got "10"',
      'fluxa:alarmEmail: must be an e-mail address, got "ops"',
    ]);
  });

  it("partitions events by day in prod and by month in dev, with a lead that follows the width unless set", () => {
    assert.deepEqual(parseConfig(stackFile("prod"), "prod", "eu-west-1").eventPartitions, { width: "day", ahead: 14 });
    assert.deepEqual(parseConfig(stackFile("dev"), "dev", "eu-west-1").eventPartitions, { width: "month", ahead: 3 });
    assert.deepEqual(parseConfig({}, "qa", "eu-west-1").eventPartitions, { width: "day", ahead: 14 });
    assert.deepEqual(parseConfig({ partitionWidth: "month" }, "qa", "eu-west-1").eventPartitions, { width: "month", ahead: 3 });
    assert.deepEqual(parseConfig({ partitionWidth: "day", partitionsAhead: "30" }, "qa", "eu-west-1").eventPartitions, { width: "day", ahead: 30 });
  });

  it("names the partition key that is wrong and why", () => {
    assert.deepEqual(problemsOf({ partitionWidth: "week", partitionsAhead: "0" }), [
      'fluxa:partitionWidth: must be one of day, month, got "week"',
      "fluxa:partitionsAhead: must be between 1 and 366, got 0",
    ]);
    assert.deepEqual(problemsOf({ partitionsAhead: "two" }), ['fluxa:partitionsAhead: must be a whole number, got "two"']);
  });

  it("keeps events forever unless retentionDays is set; raw/ payloads then expire with the same window", () => {
    const forever = parseConfig({}, "dev", "eu-west-1");
    assert.deepEqual([forever.retention.days, forever.retention.archive, forever.payload.expirationDays], [undefined, false, 90]);
    const kept = parseConfig({ retentionDays: "30", archive: "true" }, "dev", "eu-west-1");
    assert.deepEqual([kept.retention.days, kept.retention.archive, kept.payload.expirationDays], [30, true, 30]);
  });

  it("refuses a retention window shorter than a DLQ redrive, archive without retention, and raw/ payloads on another window", () => {
    assert.deepEqual(problemsOf({ retentionDays: "7" }), ["fluxa:retentionDays: must be between 15 and 3650, got 7"]);
    assert.deepEqual(problemsOf({ archive: "true" }), ["fluxa:archive: archives partitions as they expire; set fluxa:retentionDays too"]);
    assert.deepEqual(problemsOf({ retentionDays: "30", payloadExpirationDays: "90" }), [
      "fluxa:payloadExpirationDays: 90 differs from fluxa:retentionDays 30; raw/ payloads follow their events' window: unset it",
    ]);
  });

  it("rejects unknown keys, so a typo cannot fall back to a default", () => {
    assert.deepEqual(problemsOf({ dbMultiAZ: "true" }), ["fluxa:dbMultiAZ: unknown key"]);
  });

  it("refuses an SQS batch above 10 without a batching window (an AWS rule)", () => {
    assert.deepEqual(problemsOf({ sqsBatchSize: "50", sqsBatchingWindowSeconds: "0" }), [
      "fluxa:sqsBatchSize: above 10 requires fluxa:sqsBatchingWindowSeconds of at least 1",
    ]);
  });

  it("lets Lambda's log filter follow the functions' level, and refuses one above INFO that would drop the EMF metrics", () => {
    assert.deepEqual(parseConfig({}, "qa", "eu-west-1").lambdaLogLevels, { application: "INFO", system: "INFO" });
    assert.deepEqual(parseConfig({ logLevel: "debug" }, "qa", "eu-west-1").lambdaLogLevels, { application: "DEBUG", system: "INFO" });
    assert.deepEqual(parseConfig({ logLevel: "warn" }, "qa", "eu-west-1").lambdaLogLevels.application, "INFO");
    assert.deepEqual(problemsOf({ lambdaApplicationLogLevel: "WARN" }), [
      "fluxa:lambdaApplicationLogLevel: WARN would drop Fluxa's metrics (Lambda files EMF lines, which carry no level, as INFO); " +
        "set fluxa:logLevel to warn instead, which the functions apply before writing",
    ]);
  });

  it("leaves API Gateway's account-wide settings alone unless the stack is chosen to own them", () => {
    assert.equal(parseConfig({}, "qa", "eu-west-1").api.manageAccountSettings, false);
    assert.equal(parseConfig({ apiGatewayAccountSettings: "true" }, "qa", "eu-west-1").api.manageAccountSettings, true);
  });

  it("has at most one shipped stack per region own API Gateway's account settings", () => {
    const owners = new Map<string, string[]>();
    for (const stack of ["dev", "prod"]) {
      const file = stackFile(stack);
      const region = readStackConfig(stack)["aws:region"];
      if (file.apiGatewayAccountSettings === "true") owners.set(region, [...(owners.get(region) ?? []), stack]);
    }
    for (const [region, stacks] of owners) assert.equal(stacks.length, 1, `${region}: ${stacks.join(", ")}`);
    assert.deepEqual([...owners.values()].flat(), ["prod"]);
  });

  it("uses only known keys in the stack files", () => {
    for (const stack of ["dev", "prod"]) for (const key of Object.keys(stackFile(stack))) assert.ok(configKeys.includes(key), `${stack}: ${key}`);
  });
});
