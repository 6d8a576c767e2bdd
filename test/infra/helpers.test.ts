import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { alarmDefinitions } from "../../components/alarms";
import { invokeSourcePath, redeploymentHash, resourceTree, routeSlug } from "../../components/api-routes";
import { parseConfig } from "../../stack-config/config";
import { hashDirectory } from "../../components/migrations-hash";
import { resourceNames } from "../../components/names";
import { linkGrant, type LinkTargets } from "../../components/policies";
import { routes } from "../../functions/topology";
import { promiseOf } from "./harness";

describe("API route helpers", () => {
  it("builds each resource once, parents first, from the topology's routes", () => {
    assert.deepEqual(resourceTree(routes), [
      { path: "/events", parentPath: "/", pathPart: "events" },
      { path: "/health", parentPath: "/", pathPart: "health" },
      { path: "/events/{id}", parentPath: "/events", pathPart: "{id}" },
      { path: "/events/batch", parentPath: "/events", pathPart: "batch" },
    ]);
  });

  it("turns path parameters into wildcards in the invoke permission and keeps names readable", () => {
    assert.equal(invokeSourcePath({ method: "GET", path: "/events/{id}" }), "GET/events/*");
    assert.equal(routeSlug({ method: "GET", path: "/events/{id}" }), "get-events-id");
  });

  it("changes the redeployment hash when a route or an integration changes", () => {
    const base = redeploymentHash(routes, ["a"]);
    assert.equal(redeploymentHash(routes, ["a"]), base);
    assert.notEqual(redeploymentHash(routes, ["b"]), base);
    assert.notEqual(redeploymentHash(routes.slice(1), ["a"]), base);
  });
});

describe("migrations hash", () => {
  it("changes exactly when a migration's name or content changes", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fluxa-migrations-"));
    mkdirSync(path.join(dir, "sub"));
    writeFileSync(path.join(dir, "001_a.sql"), "create table a ();");
    const first = hashDirectory(dir);
    assert.equal(hashDirectory(dir), first);
    writeFileSync(path.join(dir, "001_a.sql"), "create table b ();");
    const edited = hashDirectory(dir);
    assert.notEqual(edited, first);
    writeFileSync(path.join(dir, "sub", "002_b.sql"), "");
    assert.notEqual(hashDirectory(dir), edited);
  });
});

describe("alarm definitions", () => {
  it("follow the seed's names and the configured thresholds", () => {
    const alarms = alarmDefinitions(resourceNames("qa"), parseConfig({ alarmQueueAgeSeconds: "600" }, "qa", "eu-west-1").alarms, 180);
    assert.ok(alarms.some((a) => a.name === "fluxa-dlq-depth-qa" && a.threshold === 0 && a.comparisonOperator === "GreaterThanThreshold"));
    assert.ok(alarms.some((a) => a.name === "fluxa-ingest-errors-qa"));
    assert.equal(alarms.find((a) => a.key === "queue-age")?.threshold, 600);
  });
});

describe("links", () => {
  const targets: LinkTargets = {
    queue: { url: "https://queue", arn: "arn:aws:sqs:r:1:q", visibilityTimeoutSeconds: 180 },
    deadLetterQueue: { url: "https://dlq", arn: "arn:aws:sqs:r:1:dlq" },
    payloadBucket: { name: "bucket", arn: "arn:aws:s3:::bucket" },
    topicArn: "arn:aws:sns:r:1:t",
    database: { host: "db", port: 5432, name: "fluxa", secretArn: "arn:aws:secretsmanager:r:1:secret:s", poolSize: 3 },
    replay: { queueUrls: [], maxWindowDays: 31 },
    sourceKeys: '{"k1":"web"}',
    eventPartitions: { width: "month", ahead: 3 },
    retention: { archive: false },
  };

  it("lets the queue's consumer defer and re-send on its queue, and only send to the DLQ", () => {
    const consumer = linkGrant("queueConsumer", targets);
    assert.deepEqual(consumer.environment, { EVENTS_QUEUE_URL: "https://queue", EVENTS_QUEUE_VISIBILITY_TIMEOUT_SECONDS: "180" });
    assert.ok(consumer.statements[0].Action.includes("sqs:ChangeMessageVisibility"));
    assert.deepEqual(consumer.statements[0].Resource, ["arn:aws:sqs:r:1:q"]);
    const dlq = linkGrant("deadLetterQueue", targets);
    assert.deepEqual(dlq.environment, { EVENTS_DLQ_URL: "https://dlq" });
    assert.deepEqual(dlq.statements.map((s) => [s.Action, s.Resource]), [[["sqs:SendMessage"], ["arn:aws:sqs:r:1:dlq"]]]);
  });

  it("gives the environment variable and the IAM statement together, scoped to the payload prefix", async () => {
    const write = linkGrant("payloadBucketWrite", targets);
    assert.deepEqual(write.environment, { PAYLOAD_BUCKET: "bucket" });
    assert.deepEqual(write.statements[0].Action, ["s3:PutObject"]);
    assert.equal(await promiseOf(write.statements[0].Resource[0]), "arn:aws:s3:::bucket/raw/*");
  });

  it("gives the database link the managed secret, TLS, the RDS CA bundle and the budgeted pool size", async () => {
    const db = linkGrant("database", targets);
    assert.equal(db.environment.DB_SSL, "true");
    assert.equal(db.environment.DB_POOL_SIZE, "3");
    assert.equal(db.environment.NODE_EXTRA_CA_CERTS, "/var/runtime/ca-cert.pem");
    assert.equal(await promiseOf(db.environment.DB_PORT), "5432");
    assert.deepEqual(db.statements, [{ Sid: "ReadDatabaseSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [targets.database.secretArn] }]);
  });
});
