import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { routes } from "../../functions/topology";
import { one, ofType, runStack, type StackRun } from "./harness";

/**
 * The security baseline, checked on what the program asks the engine to create for dev and prod:
 * nothing reachable from the internet but the API, everything encrypted at rest and in transit,
 * least-privilege IAM and no secret in config, environment or code.
 */

const repoRoot = path.resolve(__dirname, "..", "..");

/**
 * IAM actions that accept no narrower resource than "*". The ENI actions are what Lambda needs to
 * join a VPC (AWS's own AWSLambdaVPCAccessExecutionRole grants them on "*"): the network interface
 * does not exist yet when it is created, and the Describe* calls have no resource-level permissions.
 */
const actionsWithoutResourceLevelPermissions = new Set([
  "ec2:CreateNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSubnets",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
]);

/**
 * AWS-managed policies allowed on a role, each with why. API Gateway's account-wide logging role
 * must be able to create the log groups of any stage it writes to; AWS publishes this policy for it.
 */
const allowedManagedPolicies = new Set(["arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"]);

/**
 * SNS topics allowed without a KMS key, each with why. CloudWatch alarms cannot publish to a topic
 * encrypted with the AWS-managed aws/sns key (components/observability.ts); alarm messages carry
 * metric names and thresholds, never event data.
 */
const unencryptedTopicsAllowed = new Set(["fluxa-observability-alarm-topic"]);

interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every IAM policy document in any input of any resource, wherever the component put it. */
function policyDocuments(run: StackRun): { where: string; statements: PolicyStatement[] }[] {
  const found: { where: string; statements: PolicyStatement[] }[] = [];
  for (const registration of run.registrations) {
    for (const [input, value] of Object.entries(registration.inputs)) {
      if (typeof value !== "string" || !value.includes('"Statement"')) continue;
      const document = JSON.parse(value) as { Statement: PolicyStatement | PolicyStatement[] };
      const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
      found.push({ where: `${registration.name}.${input}`, statements });
    }
  }
  return found;
}

/** The API Gateway resource path of every method, rebuilt from the resources' parent links. */
function methodPaths(run: StackRun): { name: string; path: string; httpMethod: string; apiKeyRequired: unknown }[] {
  const resources = ofType(run, "aws:apigateway/resource:Resource");
  const byId = new Map(resources.map((r) => [`${r.name}-id`, r]));
  const pathOf = (id: string): string => {
    const resource = byId.get(id);
    if (!resource) return "";
    return `${pathOf(String(resource.inputs.parentId))}/${String(resource.inputs.pathPart)}`;
  };
  return ofType(run, "aws:apigateway/method:Method").map((m) => ({
    name: m.name,
    path: pathOf(String(m.inputs.resourceId)) || "/",
    httpMethod: String(m.inputs.httpMethod),
    apiKeyRequired: m.inputs.apiKeyRequired,
  }));
}

function filesUnder(dir: string, extensions: readonly string[]): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return filesUnder(full, extensions);
    return extensions.some((ext) => entry.endsWith(ext)) ? [full] : [];
  });
}

/** Shapes of credentials that must never be written down: AWS keys, private keys, passwords in URLs. */
const secretPatterns: readonly { name: string; pattern: RegExp }[] = [
  { name: "AWS access key id", pattern: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/ },
  { name: "private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { name: "password in a connection URL", pattern: /postgres(?:ql)?:\/\/[^:/\s"'`]+:[^@\s"'`$]+@(?!127\.0\.0\.1|localhost)/ },
  { name: "AWS secret access key", pattern: /aws_secret_access_key\s*[:=]\s*["']?[A-Za-z0-9/+]{40}/i },
];

const secretLikeName = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY)/i;

for (const stack of ["dev", "prod"] as const) {
  describe(`security baseline (${stack})`, () => {
    let run: StackRun;
    before(async () => {
      run = await runStack(stack);
    });

    it("keeps the database off the internet: not publicly accessible, reachable only from the functions' security group", () => {
      const db = one(run, "aws:rds/instance:Instance", "fluxa-store-db").inputs;
      assert.equal(db.publiclyAccessible, false);
      const dbSg = one(run, "aws:ec2/securityGroup:SecurityGroup", "fluxa-network-db-sg").inputs;
      const ingress = dbSg.ingress as { cidrBlocks?: string[]; ipv6CidrBlocks?: string[]; securityGroups?: string[] }[];
      assert.ok(ingress.length > 0);
      for (const rule of ingress) {
        assert.deepEqual(rule.cidrBlocks ?? [], [], "the database accepts traffic from an address range");
        assert.deepEqual(rule.ipv6CidrBlocks ?? [], []);
        assert.ok((rule.securityGroups ?? []).length > 0);
      }
      const subnets = one(run, "aws:rds/subnetGroup:SubnetGroup", "fluxa-store-subnets").inputs.subnetIds as string[];
      assert.ok(subnets.every((id) => !id.includes("public")), `database subnets include a public one: ${subnets.join(", ")}`);
    });

    it("encrypts RDS, S3, SQS and the events topic at rest", () => {
      assert.equal(one(run, "aws:rds/instance:Instance", "fluxa-store-db").inputs.storageEncrypted, true);
      const buckets = ofType(run, "aws:s3/bucket:Bucket");
      const encryption = ofType(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
      for (const bucket of buckets) {
        const config = encryption.find((e) => e.inputs.bucket === `${bucket.name}-id`);
        assert.ok(config, `bucket ${bucket.name} has no server-side encryption configuration`);
        const rules = config.inputs.rules as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[];
        assert.ok(rules.some((r) => ["AES256", "aws:kms", "aws:kms:dsse"].includes(r.applyServerSideEncryptionByDefault?.sseAlgorithm ?? "")));
      }
      const queues = ofType(run, "aws:sqs/queue:Queue");
      assert.ok(queues.length >= 2);
      for (const queue of queues) assert.ok(queue.inputs.sqsManagedSseEnabled === true || queue.inputs.kmsMasterKeyId, `queue ${queue.name} is not encrypted`);
      for (const topic of ofType(run, "aws:sns/topic:Topic")) {
        if (unencryptedTopicsAllowed.has(topic.name)) continue;
        assert.ok(topic.inputs.kmsMasterKeyId, `topic ${topic.name} is not encrypted`);
      }
    });

    it("requires TLS to S3 (bucket policy) and to PostgreSQL (rds.force_ssl, proxy requireTls, clients with DB_SSL)", () => {
      for (const bucket of ofType(run, "aws:s3/bucket:Bucket")) {
        const policy = ofType(run, "aws:s3/bucketPolicy:BucketPolicy").find((p) => p.inputs.bucket === `${bucket.name}-id`);
        assert.ok(policy, `bucket ${bucket.name} has no policy`);
        const statements = (JSON.parse(policy.inputs.policy as string) as { Statement: PolicyStatement[] }).Statement;
        const physical = `arn:aws:s3:::${bucket.name}-1a2b3c`;
        const denies = statements.filter((s) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false");
        assert.ok(denies.some((s) => list(s.Action).includes("s3:*") && list(s.Resource).includes(physical) && list(s.Resource).includes(`${physical}/*`)));
      }
      const db = one(run, "aws:rds/instance:Instance", "fluxa-store-db").inputs;
      const params = one(run, "aws:rds/parameterGroup:ParameterGroup", "fluxa-store-params").inputs;
      assert.equal(db.parameterGroupName, "fluxa-store-params-1a2b3c");
      assert.deepEqual((params.parameters as { name: string; value: string }[]).find((p) => p.name === "rds.force_ssl"), { name: "rds.force_ssl", value: "1" });
      for (const proxy of ofType(run, "aws:rds/proxy:Proxy")) assert.equal(proxy.inputs.requireTls, true, `${proxy.name} accepts plain connections`);
      for (const fn of ofType(run, "aws:lambda/function:Function")) {
        const variables = (fn.inputs.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {};
        if ("DB_HOST" in variables) assert.equal(variables.DB_SSL, "true", `${fn.name} connects to PostgreSQL without TLS`);
      }
    });

    it("requires an API key on every /events route, in the topology and on the deployed methods", () => {
      const eventRoutes = routes.filter((r) => r.path === "/events" || r.path.startsWith("/events/"));
      assert.ok(eventRoutes.length >= 2);
      for (const route of eventRoutes) assert.equal(route.apiKeyRequired, true, `${route.method} ${route.path} in the topology`);
      const methods = methodPaths(run).filter((m) => m.path === "/events" || m.path.startsWith("/events/"));
      assert.equal(methods.length, eventRoutes.length);
      for (const method of methods) assert.equal(method.apiKeyRequired, true, `${method.httpMethod} ${method.path} (${method.name})`);
      const open = methodPaths(run).filter((m) => m.apiKeyRequired !== true).map((m) => `${m.httpMethod} ${m.path}`);
      assert.deepEqual(open, ["GET /health"]);
    });

    it("allows no '*' action and '*' resources only for actions that have no narrower resource", () => {
      const documents = policyDocuments(run);
      assert.ok(documents.length >= 5);
      for (const { where, statements } of documents) {
        for (const statement of statements) {
          if (statement.Effect !== "Allow") continue;
          assert.equal(statement.NotAction, undefined, `${where} uses NotAction`);
          assert.equal(statement.NotResource, undefined, `${where} uses NotResource`);
          const actions = list(statement.Action);
          assert.ok(actions.every((a) => a !== "*" && !a.endsWith(":*")), `${where} allows a wildcard action: ${actions.join(", ")}`);
          if (list(statement.Resource).includes("*")) {
            const wide = actions.filter((a) => !actionsWithoutResourceLevelPermissions.has(a));
            assert.deepEqual(wide, [], `${where} grants on "*" actions that can be scoped`);
          }
        }
      }
      for (const attachment of ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
        assert.ok(allowedManagedPolicies.has(String(attachment.inputs.policyArn)), `${attachment.name} attaches ${String(attachment.inputs.policyArn)}`);
      }
    });

    it("puts no secret value in the stack config, the functions' environment or the database's inputs", () => {
      const config = readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8");
      for (const line of config.split("\n")) {
        if (secretLikeName.test(line.split(":").slice(0, 2).join(":"))) assert.match(line, /secure:/, `Pulumi.${stack}.yaml has a plaintext secret: ${line}`);
      }
      const db = one(run, "aws:rds/instance:Instance", "fluxa-store-db").inputs;
      assert.equal(db.manageMasterUserPassword, true);
      assert.equal(db.password, undefined, "the master password is in the program");
      const apiKeyValue = "mock-api-key-value";
      for (const fn of ofType(run, "aws:lambda/function:Function")) {
        const variables = (fn.inputs.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {};
        for (const [name, value] of Object.entries(variables)) {
          if (secretLikeName.test(name)) assert.match(value, /^arn:aws:secretsmanager:/, `${fn.name} has ${name} in its environment`);
          assert.ok(!value.includes(apiKeyValue), `${fn.name}.${name} holds the API key`);
          for (const { name: kind, pattern } of secretPatterns) assert.doesNotMatch(value, pattern, `${fn.name}.${name} holds a ${kind}`);
        }
      }
    });

    it("ships no credential in the deployed bundles or the infrastructure code", () => {
      const files = [
        ...filesUnder(run.bundleDir, [".mjs"]),
        ...filesUnder(path.join(repoRoot, "functions"), [".ts"]),
        ...filesUnder(path.join(repoRoot, "components"), [".ts"]),
        ...readdirSync(repoRoot).filter((f) => /^(Pulumi\..*\.yaml|index\.ts)$/.test(f)).map((f) => path.join(repoRoot, f)),
      ];
      assert.ok(files.some((f) => f.startsWith(run.bundleDir)), "no bundle was built");
      for (const file of files) {
        const text = readFileSync(file, "utf8");
        for (const { name, pattern } of secretPatterns) assert.doesNotMatch(text, pattern, `${path.relative(repoRoot, file)} contains a ${name}`);
      }
    });
  });
}
