import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { AwsService } from "../functions/topology";
import type { NatStrategy } from "../stack-config/config";
import { databasePort } from "./event-store";

export interface NetworkArgs {
  /** Region of the VPC endpoints' service names. */
  readonly region: string;
  /** How private subnets reach AWS APIs: NAT gateways, or ("none") VPC endpoints only. */
  readonly natStrategy: NatStrategy;
  /** The AWS services the functions in the VPC call (`servicesCalledFromVpc()`): each gets a route. */
  readonly services: readonly AwsService[];
  /** Make a security group for an RDS Proxy between the functions and the database. Default false. */
  readonly proxy?: boolean;
}

/** How a function in the VPC reaches an AWS service. */
export type ServiceRoute = "gateway endpoint" | "interface endpoint" | "NAT";

/** AWS: S3 (like DynamoDB) has gateway endpoints: free, routed through the route tables, no NAT charge per GB. */
const gatewayEndpointServices: ReadonlySet<AwsService> = new Set(["s3"]);

/** The route to each service: a gateway endpoint where AWS offers one, else NAT, or without NAT an interface endpoint. */
export function serviceRoutes(natStrategy: NatStrategy, services: readonly AwsService[]): { service: AwsService; route: ServiceRoute }[] {
  return services.map((service) => ({
    service,
    route: gatewayEndpointServices.has(service) ? "gateway endpoint" : natStrategy === "none" ? "interface endpoint" : "NAT",
  }));
}

const natStrategies: Record<NatStrategy, awsx.types.enums.ec2.NatGatewayStrategy> = {
  none: "None",
  single: "Single",
  onePerAz: "OnePerAz",
};

/**
 * The VPC the database and the functions that reach it live in: private (or, without NAT, isolated)
 * subnets in 2 AZs, a route to every AWS service those functions call (`serviceRoutes`), and the
 * security groups that let only the functions (or their proxy) reach PostgreSQL.
 */
export class Network extends pulumi.ComponentResource {
  /** Subnets for the functions that reach the database; resolves once they can also reach AWS APIs. */
  readonly functionSubnetIds: pulumi.Output<string[]>;
  readonly functionSecurityGroupId: pulumi.Output<string>;
  /** Subnets of the database (and its proxy). */
  readonly databaseSubnetIds: pulumi.Output<string[]>;
  readonly databaseSecurityGroupId: pulumi.Output<string>;
  /** Set when `proxy` is. */
  readonly proxySecurityGroupId?: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fluxa:index:Network", name, {}, opts);
    const natStrategy = args.natStrategy;
    const routes = serviceRoutes(natStrategy, args.services);
    const servicesRoutedBy = (route: ServiceRoute) => routes.filter((r) => r.route === route).map((r) => r.service);
    const formerParent = pulumi.createUrn(formerComponentName, "fluxa:index:EventStore");
    const child = (role: string) => ({ parent: this, aliases: [{ name: `${formerComponentName}-${role}`, parent: formerParent }] });

    // Without NAT, subnets are "Isolated" (awsx rejects private subnets without a NAT gateway).
    const vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        numberOfAvailabilityZones: 2,
        enableDnsHostnames: true,
        subnetStrategy: "Auto",
        subnetSpecs: natStrategy === "none" ? [{ type: "Isolated", cidrMask: 20 }] : [{ type: "Public", cidrMask: 24 }, { type: "Private", cidrMask: 20 }],
        natGateways: { strategy: natStrategies[natStrategy] },
        // "Auto" attaches the gateway endpoints to the VPC's route tables.
        vpcEndpointStrategy: "Auto",
        vpcEndpointSpecs: servicesRoutedBy("gateway endpoint").map((service) => ({ serviceName: `com.amazonaws.${args.region}.${service}`, vpcEndpointType: "Gateway" })),
      },
      child("vpc"),
    );
    const subnetIds = natStrategy === "none" ? vpc.isolatedSubnetIds : vpc.privateSubnetIds;

    const functionsSg = new aws.ec2.SecurityGroup(
      `${name}-functions-sg`,
      {
        vpcId: vpc.vpcId,
        description: "Fluxa functions that reach the database",
        // Outbound to the database and to AWS APIs (through NAT or the VPC endpoints).
        egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
      },
      child("functions-sg"),
    );
    const proxySg = args.proxy
      ? new aws.ec2.SecurityGroup(
          `${name}-proxy-sg`,
          {
            vpcId: vpc.vpcId,
            description: "Fluxa RDS Proxy: PostgreSQL from the functions only",
            ingress: [{ protocol: "tcp", fromPort: databasePort, toPort: databasePort, securityGroups: [functionsSg.id] }],
            egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
          },
          child("proxy-sg"),
        )
      : undefined;
    const dbSg = new aws.ec2.SecurityGroup(
      `${name}-db-sg`,
      {
        vpcId: vpc.vpcId,
        description: "Fluxa PostgreSQL: only from the functions (or their proxy)",
        ingress: [{ protocol: "tcp", fromPort: databasePort, toPort: databasePort, securityGroups: [(proxySg ?? functionsSg).id] }],
      },
      child("db-sg"),
    );
    const interfaceServices = servicesRoutedBy("interface endpoint");
    const endpoints =
      interfaceServices.length > 0 ? this.createInterfaceEndpoints(name, args.region, interfaceServices, vpc.vpcId, subnetIds, [functionsSg, ...(proxySg ? [proxySg] : [])], child) : [];

    this.functionSubnetIds = pulumi.all([subnetIds, pulumi.all(endpoints.map((e) => e.id))]).apply(([ids]) => ids);
    this.functionSecurityGroupId = functionsSg.id;
    this.databaseSubnetIds = subnetIds;
    this.databaseSecurityGroupId = dbSg.id;
    this.proxySecurityGroupId = proxySg?.id;
    this.registerOutputs({
      functionSubnetIds: this.functionSubnetIds,
      functionSecurityGroupId: this.functionSecurityGroupId,
      databaseSubnetIds: this.databaseSubnetIds,
      databaseSecurityGroupId: this.databaseSecurityGroupId,
      proxySecurityGroupId: this.proxySecurityGroupId,
    });
  }

  /** Without NAT, the functions reach these services through interface endpoints with private DNS. */
  private createInterfaceEndpoints(
    name: string,
    region: string,
    services: readonly AwsService[],
    vpcId: pulumi.Output<string>,
    subnetIds: pulumi.Output<string[]>,
    clients: aws.ec2.SecurityGroup[],
    child: (role: string) => pulumi.CustomResourceOptions,
  ): aws.ec2.VpcEndpoint[] {
    const sg = new aws.ec2.SecurityGroup(
      `${name}-endpoints-sg`,
      {
        vpcId,
        description: "Fluxa VPC endpoints: HTTPS from the functions",
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: clients.map((c) => c.id) }],
      },
      child("endpoints-sg"),
    );
    return services.map(
      (service) =>
        new aws.ec2.VpcEndpoint(
          `${name}-${service}-endpoint`,
          {
            vpcId,
            serviceName: `com.amazonaws.${region}.${service}`,
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            subnetIds,
            securityGroupIds: [sg.id],
          },
          child(`${service}-endpoint`),
        ),
    );
  }
}

// These resources were children of the former EventStore component ("fluxa-store"), named after it;
// the aliases keep a deployed stack's VPC and security groups in place instead of replacing them.
// (The URN is made in the constructor: createUrn reads the stack's name, known only once the program runs.)
const formerComponentName = "fluxa-store";
