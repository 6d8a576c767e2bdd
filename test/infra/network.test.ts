import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { serviceRoutes } from "../../components/network";
import { linkGrant, type LinkTargets } from "../../components/policies";
import { createFluxa } from "../../components/program";
import { functionNames, functionSpecs, linkServices, servicesCalledFromVpc, type AwsService, type Link } from "../../functions/topology";
import { runOffline, type Registration } from "../../scripts/preview/mock-engine";
import { readStackConfig } from "../../scripts/preview/stack-file";
import { loadConfig } from "../../stack-config/config";
import { runStack } from "./harness";

const region = "eu-west-1";

/** The services the program gave an endpoint, read from what it registered: awsx's gateway specs and interface endpoints. */
function endpointServices(registrations: readonly Registration[]): { gateway: string[]; interface: string[] } {
  const serviceOf = (serviceName: unknown) => String(serviceName).replace(`com.amazonaws.${region}.`, "");
  const vpc = registrations.find((r) => r.type === "awsx:ec2:Vpc");
  assert.ok(vpc, "no VPC registered");
  const specs = (vpc.inputs.vpcEndpointSpecs ?? []) as { serviceName: string; vpcEndpointType: string }[];
  return {
    gateway: specs.filter((s) => s.vpcEndpointType === "Gateway").map((s) => serviceOf(s.serviceName)),
    interface: registrations
      .filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.inputs.vpcEndpointType === "Interface")
      .map((r) => serviceOf(r.inputs.serviceName)),
  };
}

const grantTargets: LinkTargets = {
  queue: { url: "https://sqs.eu-west-1.amazonaws.com/123456789012/q", arn: "arn:aws:sqs:eu-west-1:123456789012:q", visibilityTimeoutSeconds: 180 },
  deadLetterQueue: { url: "https://sqs.eu-west-1.amazonaws.com/123456789012/d", arn: "arn:aws:sqs:eu-west-1:123456789012:d" },
  payloadBucket: { name: "b", arn: "arn:aws:s3:::b" },
  topicArn: "arn:aws:sns:eu-west-1:123456789012:t",
  database: { host: "h", port: 5432, name: "n", secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:s", poolSize: 2 },
  replay: { queueUrls: ["https://sqs.eu-west-1.amazonaws.com/123456789012/r"], maxWindowDays: 31 },
  sourceKeys: "{}",
  eventPartitions: { width: "day", ahead: 14 },
  retention: { archive: false },
};

const vpcFunctions = functionNames.filter((fn) => functionSpecs[fn].inVpc);
const servicesOf = (links: readonly Link[]): AwsService[] => [...new Set(links.flatMap((link) => linkServices[link]))];

describe("network routes follow the topology", () => {
  it("names an AWS service for every link that grants an AWS API, so a new link cannot go unrouted", () => {
    for (const [link, services] of Object.entries(linkServices) as [Link, readonly AwsService[]][]) {
      const actions = linkGrant(link, grantTargets).statements.flatMap((s) => s.Action);
      const called = [...new Set(actions.map((action) => action.split(":")[0]))].sort();
      assert.deepEqual([...services].sort(), called, `link ${link}`);
    }
  });

  it("routes every service a VPC function calls in every NAT strategy, S3 always through its free gateway endpoint", () => {
    for (const natStrategy of ["none", "single", "onePerAz"] as const) {
      const routes = serviceRoutes(natStrategy, servicesCalledFromVpc());
      assert.deepEqual(routes.map((r) => r.service).sort(), ["s3", "secretsmanager", "sns", "sqs"]);
      for (const { service, route } of routes) {
        const expected = service === "s3" ? "gateway endpoint" : natStrategy === "none" ? "interface endpoint" : "NAT";
        assert.equal(route, expected, `${service} with natStrategy ${natStrategy}`);
      }
    }
  });

  describe("without NAT (natStrategy none), under mocks", () => {
    let endpoints: { gateway: string[]; interface: string[] };
    before(async () => {
      const bundleDir = mkdtempSync(path.join(tmpdir(), "fluxa-bundles-network-"));
      const config = { ...readStackConfig("dev"), "fluxa:natStrategy": "none" };
      const { registrations } = await runOffline("dev", config, () => createFluxa(loadConfig(), { bundleDir }));
      endpoints = endpointServices(registrations);
    });

    it("gives the processor an endpoint for SQS, SNS, S3 and Secrets Manager", () => {
      const reachable = [...endpoints.gateway, ...endpoints.interface];
      for (const service of ["sqs", "sns", "s3", "secretsmanager"]) assert.ok(reachable.includes(service), `processor cannot reach ${service}`);
      assert.deepEqual(servicesOf(functionSpecs.processor.links).sort(), ["s3", "secretsmanager", "sns", "sqs"]);
    });

    for (const fn of vpcFunctions) {
      it(`gives ${fn} an endpoint for each service its links call`, () => {
        for (const service of servicesOf(functionSpecs[fn].links)) {
          const kind = service === "s3" ? endpoints.gateway : endpoints.interface;
          assert.ok(kind.includes(service), `${fn} calls ${service} but the VPC has no endpoint for it`);
        }
      });
    }

    it("creates one endpoint per service and none that no function needs", () => {
      assert.deepEqual(endpoints.gateway, ["s3"]);
      assert.deepEqual([...endpoints.interface].sort(), ["secretsmanager", "sns", "sqs"]);
    });
  });

  for (const stack of ["dev", "prod"] as const) {
    it(`${stack} reaches the AWS APIs through NAT, and S3 through the gateway endpoint`, async () => {
      const run = await runStack(stack);
      const vpc = run.registrations.find((r) => r.type === "awsx:ec2:Vpc")!.inputs;
      assert.notDeepEqual(vpc.natGateways, { strategy: "None" });
      assert.deepEqual(endpointServices(run.registrations), { gateway: ["s3"], interface: [] });
    });
  }
});
