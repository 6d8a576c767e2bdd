import assert from "node:assert/strict";
import { ConfigError, loadConfig, parseConfig } from "../../stack-config/config";
import { budgetProblems, connectionBudget, instanceClassMemoryBytes, rdsDefaultMaxConnections } from "../../stack-config/connection-budget";
import { runOffline } from "../../scripts/preview/mock-engine";
import { createFluxa } from "../../components/program";
import { readStackConfig } from "../../scripts/preview/stack-file";
import { configProblems as problemsOf, stackFile } from "../infra/stack-config";

const gib = 1024 ** 3;

describe("connection budget", () => {
  it("takes RDS's default max_connections from the instance memory, capped at 5000", () => {
    assert.equal(rdsDefaultMaxConnections(1 * gib), 112);
    assert.equal(rdsDefaultMaxConnections(8 * gib), 901);
    assert.equal(rdsDefaultMaxConnections(64 * gib), 5000);
  });

  it("knows the memory of burstable, general and memory-optimised classes, and says when it does not", () => {
    assert.equal(instanceClassMemoryBytes("db.t4g.micro"), 1 * gib);
    assert.equal(instanceClassMemoryBytes("db.t3.medium"), 4 * gib);
    assert.equal(instanceClassMemoryBytes("db.m7g.large"), 8 * gib);
    assert.equal(instanceClassMemoryBytes("db.m6i.4xlarge"), 64 * gib);
    assert.equal(instanceClassMemoryBytes("db.r6g.xlarge"), 32 * gib);
    assert.equal(instanceClassMemoryBytes("db.x2g.large"), undefined);
    assert.equal(instanceClassMemoryBytes("db.t4g.huge"), undefined);
  });

  it("holds for dev: 40 connections from the functions against 102 of db.t4g.micro's 112", () => {
    const budget = connectionBudget(parseConfig(stackFile("dev"), "dev", "eu-west-1"));
    assert.deepEqual(
      budget.demands.map((d) => [d.who, d.connections, d.because]),
      [
        ["processor", 10, "processorMaximumConcurrency 5 × dbPoolSize 2"],
        ["query", 20, "queryReservedConcurrency 10 × dbPoolSize 2"],
        ["migrate", 2, "migrateReservedConcurrency 1 × dbPoolSize 2"],
        ["replay", 4, "replayReservedConcurrency 2 × dbPoolSize 2"],
        ["erase", 2, "eraseReservedConcurrency 1 × dbPoolSize 2"],
        ["maintain", 2, "maintainReservedConcurrency 1 × dbPoolSize 2"],
      ],
    );
    assert.deepEqual([budget.maxConnections, budget.reserved, budget.functionSupply, budget.functionDemand], [112, 5, 102, 40]);
  });

  it("holds for prod through RDS Proxy: 210 against the proxy's 90% of db.m7g.large's 901, operators beside it", () => {
    const budget = connectionBudget(parseConfig(stackFile("prod"), "prod", "eu-west-1"));
    assert.deepEqual([budget.maxConnections, budget.functionSupply, budget.functionDemand, budget.operatorSupply], [901, 810, 210, 86]);
  });

  it("refuses a stack whose functions can open more connections than the database accepts, naming the keys", () => {
    const problems = problemsOf({ ...stackFile("prod"), dbProxy: "false", dbInstanceClass: "db.t4g.micro" });
    assert.deepEqual(problems, [
      "connection budget: the functions can open 210 connections (processor processorMaximumConcurrency 50 × dbPoolSize 2, " +
        "query queryReservedConcurrency 50 × dbPoolSize 2, migrate migrateReservedConcurrency 1 × dbPoolSize 2, replay replayReservedConcurrency 2 × dbPoolSize 2, " +
        "erase eraseReservedConcurrency 1 × dbPoolSize 2, maintain maintainReservedConcurrency 1 × dbPoolSize 2) " +
        "but the database accepts 102 (max_connections 112 less 5 reserved and 5 for operators); change fluxa:processorMaximumConcurrency, " +
        "fluxa:queryReservedConcurrency, fluxa:migrateReservedConcurrency, fluxa:replayReservedConcurrency, fluxa:eraseReservedConcurrency, fluxa:maintainReservedConcurrency, fluxa:dbPoolSize, fluxa:dbInstanceClass, fluxa:dbOperatorConnections",
    ]);
  });

  it("refuses a processor reservation below the mapping's maximum concurrency, which would throttle batches", () => {
    const [problem] = problemsOf({ processorReservedConcurrency: "3", processorMaximumConcurrency: "10" });
    assert.match(problem, /^fluxa:processorReservedConcurrency: 3 is below fluxa:processorMaximumConcurrency 10: /);
  });

  it("refuses a database function left without a bound", () => {
    const config = parseConfig({}, "qa", "eu-west-1");
    const unbounded = { ...config, functions: { ...config.functions, query: { ...config.functions.query, reservedConcurrency: undefined } } };
    assert.deepEqual(connectionBudget(unbounded).unbounded, ["query"]);
    const [problem] = budgetProblems(unbounded, "fluxa");
    assert.match(problem, /^fluxa:queryReservedConcurrency: required: query connects to PostgreSQL/);
  });

  it("asks for max_connections when the instance class is unknown, and uses it when given", () => {
    assert.deepEqual(problemsOf({ dbInstanceClass: "db.x2g.large" }), [
      "fluxa:dbInstanceClass: the memory of db.x2g.large is not known, so neither is its max_connections; set fluxa:dbMaxConnections",
    ]);
    assert.deepEqual(problemsOf({ dbInstanceClass: "db.x2g.large", dbMaxConnections: "500" }), []);
  });

  it("refuses a proxy share that leaves operators no connections", () => {
    const [problem] = problemsOf({ ...stackFile("prod"), dbProxyMaxConnectionsPercent: "100" });
    assert.match(problem, /^fluxa:dbProxyMaxConnectionsPercent: RDS Proxy may take 100% of max_connections 901, leaving 0 /);
  });

  it("refuses reservations that leave the account fewer than 100 unreserved executions", () => {
    const [problem] = problemsOf({ ingestReservedConcurrency: "900" });
    assert.match(problem, /^fluxa:lambdaAccountConcurrency: reservations total 915 \(fluxa:ingestReservedConcurrency, fluxa:queryReservedConcurrency, fluxa:migrateReservedConcurrency, fluxa:replayReservedConcurrency, fluxa:eraseReservedConcurrency, fluxa:maintainReservedConcurrency\)/);
  });

  it("stops the program under mocks when the stack oversubscribes, before any deploy", async () => {
    const config = { ...readStackConfig("prod"), "fluxa:dbProxy": "false", "fluxa:dbInstanceClass": "db.t4g.micro" };
    await assert.rejects(
      runOffline("prod", config, () => createFluxa(loadConfig())),
      (error: unknown) => error instanceof ConfigError && /connection budget: .*change fluxa:processorMaximumConcurrency/.test(error.message),
    );
  });
});
