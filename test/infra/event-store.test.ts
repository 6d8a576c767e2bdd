import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { one, ofType, runStack, statementsOf, type StackRun } from "./harness";

/**
 * The digest the migrate invocation must carry, computed here from its definition (SHA-256 over each
 * migration's name, NUL, content, NUL, in name order) rather than by the hashDirectory under test.
 */
function migrationsDigest(): string {
  const dir = path.resolve(__dirname, "..", "..", "migrations");
  const names = readdirSync(dir).sort();
  assert.ok(names.length >= 3 && names.every((n) => n.endsWith(".sql")), `unexpected migrations: ${names.join(", ")}`);
  return createHash("sha256").update(Buffer.concat(names.flatMap((n) => [Buffer.from(`${n}\0`), readFileSync(path.join(dir, n)), Buffer.from("\0")]))).digest("hex");
}

const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-mock";

for (const stack of ["dev", "prod"] as const) {
  describe(`Network and EventStore (${stack})`, () => {
    let run: StackRun;
    before(async () => {
      run = await runStack(stack);
    });

    it("runs PostgreSQL as sized by the stack config, encrypted and private", () => {
      const db = run.config.database;
      const instance = one(run, "aws:rds/instance:Instance", "fluxa-store-db").inputs;
      assert.equal(instance.engine, "postgres");
      assert.equal(instance.engineVersion, db.engineVersion);
      assert.equal(instance.instanceClass, db.instanceClass);
      assert.equal(instance.allocatedStorage, db.allocatedStorageGb);
      assert.equal(instance.multiAz, db.multiAz);
      assert.equal(instance.backupRetentionPeriod, db.backupRetentionDays);
      assert.equal(instance.deletionProtection, db.deletionProtection);
      assert.equal(instance.skipFinalSnapshot, !db.deletionProtection);
      assert.equal(instance.storageEncrypted, true);
      assert.equal(instance.publiclyAccessible, false);
    });

    it("lets RDS keep the master password in Secrets Manager: none in config or code", () => {
      const instance = one(run, "aws:rds/instance:Instance", "fluxa-store-db").inputs;
      assert.equal(instance.manageMasterUserPassword, true);
      assert.equal(instance.password, undefined);
      assert.equal(instance.passwordWo, undefined);
    });

    it("enforces TLS with a parameter group of the engine's major version", () => {
      const params = one(run, "aws:rds/parameterGroup:ParameterGroup", "fluxa-store-params").inputs;
      assert.equal(params.family, `postgres${run.config.database.engineVersion.split(".")[0]}`);
      assert.deepEqual(params.parameters, [{ name: "rds.force_ssl", value: "1" }]);
      assert.equal(one(run, "aws:rds/instance:Instance", "fluxa-store-db").inputs.parameterGroupName, "fluxa-store-params-1a2b3c");
    });

    it("places the database in the VPC's private subnets, with the NAT strategy configured", () => {
      const vpc = one(run, "awsx:ec2:Vpc", "fluxa-network-vpc").inputs;
      const strategy = { none: "None", single: "Single", onePerAz: "OnePerAz" }[run.config.natStrategy];
      assert.deepEqual(vpc.natGateways, { strategy });
      assert.deepEqual(vpc.vpcEndpointSpecs, [{ serviceName: "com.amazonaws.eu-west-1.s3", vpcEndpointType: "Gateway" }]);
      const subnets = one(run, "aws:rds/subnetGroup:SubnetGroup", "fluxa-store-subnets").inputs;
      const expected = run.config.natStrategy === "none" ? ["subnet-isolated-a", "subnet-isolated-b"] : ["subnet-private-a", "subnet-private-b"];
      assert.deepEqual(subnets.subnetIds, expected);
      assert.equal(ofType(run, "aws:ec2/vpcEndpoint:VpcEndpoint").length, run.config.natStrategy === "none" ? 2 : 0);
    });

    it("admits 5432 only from the functions' security group (through the proxy when it is on)", () => {
      const dbSg = one(run, "aws:ec2/securityGroup:SecurityGroup", "fluxa-network-db-sg").inputs;
      const source = run.config.database.proxy ? "fluxa-network-proxy-sg-id" : "fluxa-network-functions-sg-id";
      assert.deepEqual(dbSg.ingress, [{ protocol: "tcp", fromPort: 5432, toPort: 5432, securityGroups: [source] }]);
      assert.equal(dbSg.egress, undefined);
      assert.deepEqual(one(run, "aws:rds/instance:Instance", "fluxa-store-db").inputs.vpcSecurityGroupIds, ["fluxa-network-db-sg-id"]);
      if (run.config.database.proxy) {
        const proxySg = one(run, "aws:ec2/securityGroup:SecurityGroup", "fluxa-network-proxy-sg").inputs;
        assert.deepEqual(proxySg.ingress, [{ protocol: "tcp", fromPort: 5432, toPort: 5432, securityGroups: ["fluxa-network-functions-sg-id"] }]);
      }
    });

    it("puts an RDS Proxy in front exactly when configured, requiring TLS and reading only the managed secret", () => {
      const proxies = ofType(run, "aws:rds/proxy:Proxy");
      assert.equal(proxies.length, run.config.database.proxy ? 1 : 0);
      if (!run.config.database.proxy) {
        assert.match(run.outputs.dbEndpoint, /\.mock\.eu-west-1\.rds\.amazonaws\.com$/);
        return;
      }
      const proxy = proxies[0].inputs;
      assert.equal(proxy.engineFamily, "POSTGRESQL");
      assert.equal(proxy.requireTls, true);
      assert.deepEqual(proxy.auths, [{ authScheme: "SECRETS", secretArn, iamAuth: "DISABLED", clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256" }]);
      assert.equal(one(run, "aws:rds/proxyTarget:ProxyTarget", "fluxa-store-proxy-target").inputs.dbInstanceIdentifier, "fluxa-store-db-1a2b3c");
      const statements = statementsOf(one(run, "aws:iam/rolePolicy:RolePolicy", "fluxa-store-proxy-policy").inputs.policy);
      assert.deepEqual(statements, [{ Sid: "ReadDatabaseSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [secretArn] }]);
      assert.match(run.outputs.dbEndpoint, /\.proxy-mock\./);
    });

    it("invokes the migrate function with {} keyed on a hash of migrations/ and on the stack's partition layout", () => {
      const invocation = one(run, "aws:lambda/invocation:Invocation", "fluxa-pipeline-migrations").inputs;
      assert.equal(invocation.functionName, `fluxa-migrate-${stack}`);
      assert.equal(invocation.input, "{}");
      assert.deepEqual(invocation.triggers, { migrations: migrationsDigest(), eventPartitions: stack === "prod" ? "day/14" : "month/3" });
    });
  });
}
