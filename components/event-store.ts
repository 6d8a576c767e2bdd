import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { NatStrategy } from "./config";
import { assumeRolePolicy, policyDocument } from "./policies";

export interface EventStoreArgs {
  /** Region of the VPC endpoints' service names. */
  readonly region: string;
  /** How private subnets reach AWS APIs: NAT gateways, or ("none") VPC endpoints only. Default "single". */
  readonly natStrategy?: NatStrategy;
  /** Without NAT, also an SQS interface endpoint (the replay function sends to listed queues). Default false. */
  readonly sqsEndpoint?: boolean;
  /** PostgreSQL version; a major alone ("17") lets RDS pick the latest minor. Default "17". */
  readonly engineVersion?: string;
  /** Default "db.t4g.micro". */
  readonly instanceClass?: pulumi.Input<string>;
  /** Default 20. */
  readonly allocatedStorageGb?: pulumi.Input<number>;
  /** Default false. */
  readonly multiAz?: pulumi.Input<boolean>;
  /** Default 1. */
  readonly backupRetentionDays?: pulumi.Input<number>;
  /** Also decides whether a final snapshot is taken on delete. Default false. */
  readonly deletionProtection?: boolean;
  /** Put an RDS Proxy in front of the instance; functions connect to it. Default false. */
  readonly proxy?: boolean;
  /** The proxy's share of max_connections (MaxConnectionsPercent). Default 90. */
  readonly proxyMaxConnectionsPercent?: number;
}

export const databaseName = "fluxa";
export const databasePort = 5432;

const natStrategies: Record<NatStrategy, awsx.types.enums.ec2.NatGatewayStrategy> = {
  none: "None",
  single: "Single",
  onePerAz: "OnePerAz",
};

/**
 * PostgreSQL on RDS in the private subnets of its own VPC, reachable only from the functions'
 * security group, over TLS, with the master password kept by RDS in Secrets Manager.
 */
export class EventStore extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  /** Subnets for the functions that reach the database; resolves once they can also reach AWS APIs. */
  readonly functionSubnetIds: pulumi.Output<string[]>;
  readonly functionSecurityGroupId: pulumi.Output<string>;
  /** Where functions connect: the proxy endpoint when the proxy is on, else the instance address. */
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly databaseName: pulumi.Output<string>;
  /** The RDS-managed master secret (JSON with username and password). */
  readonly secretArn: pulumi.Output<string>;
  readonly instanceIdentifier: pulumi.Output<string>;

  constructor(name: string, args: EventStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fluxa:index:EventStore", name, {}, opts);
    const natStrategy = args.natStrategy ?? "single";
    const deletionProtection = args.deletionProtection ?? false;
    const engineVersion = args.engineVersion ?? "17";

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
      { parent: this },
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
      { parent: this },
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
          { parent: this },
        )
      : undefined;
    const dbSg = new aws.ec2.SecurityGroup(
      `${name}-db-sg`,
      {
        vpcId: vpc.vpcId,
        description: "Fluxa PostgreSQL: only from the functions (or their proxy)",
        ingress: [{ protocol: "tcp", fromPort: databasePort, toPort: databasePort, securityGroups: [(proxySg ?? functionsSg).id] }],
      },
      { parent: this },
    );
    const endpoints = natStrategy === "none" ? this.createInterfaceEndpoints(name, args, vpc.vpcId, subnetIds, [functionsSg, ...(proxySg ? [proxySg] : [])]) : [];

    const subnetGroup = new aws.rds.SubnetGroup(`${name}-subnets`, { subnetIds }, { parent: this });
    const major = engineVersion.split(".")[0];
    const parameterGroup = new aws.rds.ParameterGroup(
      `${name}-params`,
      { family: `postgres${major}`, parameters: [{ name: "rds.force_ssl", value: "1" }] },
      { parent: this },
    );
    const instance = new aws.rds.Instance(
      `${name}-db`,
      {
        engine: "postgres",
        engineVersion,
        instanceClass: args.instanceClass ?? "db.t4g.micro",
        allocatedStorage: args.allocatedStorageGb ?? 20,
        storageType: "gp3",
        storageEncrypted: true,
        publiclyAccessible: false,
        multiAz: args.multiAz ?? false,
        backupRetentionPeriod: args.backupRetentionDays ?? 1,
        deletionProtection,
        skipFinalSnapshot: !deletionProtection,
        finalSnapshotIdentifier: deletionProtection ? `${name}-final` : undefined,
        copyTagsToSnapshot: true,
        dbName: databaseName,
        username: "fluxa",
        manageMasterUserPassword: true,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [dbSg.id],
        parameterGroupName: parameterGroup.name,
        autoMinorVersionUpgrade: true,
      },
      { parent: this },
    );
    this.secretArn = instance.masterUserSecrets.apply((secrets) => secrets[0].secretArn);
    this.host = proxySg ? this.createProxy(name, instance, subnetIds, proxySg.id, args.proxyMaxConnectionsPercent ?? 90) : instance.address;

    this.vpcId = vpc.vpcId;
    this.functionSubnetIds = pulumi.all([subnetIds, pulumi.all(endpoints.map((e) => e.id))]).apply(([ids]) => ids);
    this.functionSecurityGroupId = functionsSg.id;
    this.port = pulumi.output(databasePort);
    this.databaseName = pulumi.output(databaseName);
    this.instanceIdentifier = instance.identifier;
    this.registerOutputs({
      vpcId: this.vpcId,
      functionSubnetIds: this.functionSubnetIds,
      functionSecurityGroupId: this.functionSecurityGroupId,
      host: this.host,
      port: this.port,
      databaseName: this.databaseName,
      secretArn: this.secretArn,
      instanceIdentifier: this.instanceIdentifier,
    });
  }

  /** Without NAT, the functions reach Secrets Manager and SNS (and SQS, if asked) through interface endpoints. */
  private createInterfaceEndpoints(
    name: string,
    { region, sqsEndpoint }: EventStoreArgs,
    vpcId: pulumi.Output<string>,
    subnetIds: pulumi.Output<string[]>,
    clients: aws.ec2.SecurityGroup[],
  ): aws.ec2.VpcEndpoint[] {
    const sg = new aws.ec2.SecurityGroup(
      `${name}-endpoints-sg`,
      {
        vpcId,
        description: "Fluxa VPC endpoints: HTTPS from the functions",
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: clients.map((c) => c.id) }],
      },
      { parent: this },
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
          { parent: this },
        ),
    );
  }

  /** Returns the proxy endpoint, resolved only once the instance is registered as its target. */
  private createProxy(
    name: string,
    instance: aws.rds.Instance,
    subnetIds: pulumi.Output<string[]>,
    securityGroupId: pulumi.Output<string>,
    proxyMaxConnectionsPercent: number,
  ): pulumi.Output<string> {
    const secretArn = this.secretArn;
    const role = new aws.iam.Role(`${name}-proxy-role`, { assumeRolePolicy: assumeRolePolicy("rds.amazonaws.com") }, { parent: this });
    const policy = new aws.iam.RolePolicy(
      `${name}-proxy-policy`,
      {
        role: role.id,
        policy: policyDocument([{ Sid: "ReadDatabaseSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [secretArn] }]),
      },
      { parent: this },
    );
    const proxy = new aws.rds.Proxy(
      `${name}-proxy`,
      {
        engineFamily: "POSTGRESQL",
        requireTls: true,
        roleArn: role.arn,
        vpcSubnetIds: subnetIds,
        vpcSecurityGroupIds: [securityGroupId],
        auths: [{ authScheme: "SECRETS", secretArn, iamAuth: "DISABLED", clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256" }],
      },
      { parent: this, dependsOn: [policy] },
    );
    const targetGroup = new aws.rds.ProxyDefaultTargetGroup(
      `${name}-proxy-targets`,
      { dbProxyName: proxy.name, connectionPoolConfig: { maxConnectionsPercent: proxyMaxConnectionsPercent } },
      { parent: this },
    );
    const target = new aws.rds.ProxyTarget(
      `${name}-proxy-target`,
      { dbProxyName: proxy.name, targetGroupName: targetGroup.name, dbInstanceIdentifier: instance.identifier },
      { parent: this },
    );
    return pulumi.all([proxy.endpoint, target.id]).apply(([endpoint]) => endpoint);
  }
}
