import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { NatStrategy } from "../stack-config/config";
import { databasePort } from "./event-store";

export interface NetworkArgs {
  /** Region of the VPC endpoints' service names. */
  readonly region: string;
  /** How private subnets reach AWS APIs: NAT gateways, or ("none") VPC endpoints only. */
  readonly natStrategy: NatStrategy;
  /** Without NAT, also an SQS interface endpoint (the replay function sends to listed queues). Default false. */
  readonly sqsEndpoint?: boolean;
  /** Make a security group for an RDS Proxy between the functions and the database. Default false. */
  readonly proxy?: boolean;
}

const natStrategies: Record<NatStrategy, awsx.types.enums.ec2.NatGatewayStrategy> = {
  none: "None",
  single: "Single",
  onePerAz: "OnePerAz",
};

/**
 * The VPC the database and the functions that reach it live in: private (or, without NAT, isolated)
 * subnets in 2 AZs, the S3 gateway endpoint, interface endpoints when there is no NAT, and the
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
        // The S3 gateway endpoint is free and keeps payload reads off the NAT; "Auto" attaches it to the VPC's route tables.
        vpcEndpointStrategy: "Auto",
        vpcEndpointSpecs: [{ serviceName: `com.amazonaws.${args.region}.s3`, vpcEndpointType: "Gateway" }],
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
    const endpoints = natStrategy === "none" ? this.createInterfaceEndpoints(name, args, vpc.vpcId, subnetIds, [functionsSg, ...(proxySg ? [proxySg] : [])], child) : [];

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

  /** Without NAT, the functions reach Secrets Manager and SNS (and SQS, if asked) through interface endpoints. */
  private createInterfaceEndpoints(
    name: string,
    { region, sqsEndpoint }: NetworkArgs,
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
    return ["secretsmanager", "sns", ...(sqsEndpoint ? ["sqs"] : [])].map(
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
