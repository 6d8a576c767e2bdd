import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, policyDocument } from "./policies";

export interface EventStoreArgs {
  /** Subnets of the instance (and its proxy): the Network's private ones. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The instance's security group: PostgreSQL from the functions or their proxy only. */
  readonly securityGroupId: pulumi.Input<string>;
  /** The proxy's security group; required when `proxy` is on. */
  readonly proxySecurityGroupId?: pulumi.Input<string>;
  /** PostgreSQL version (a major alone, "17", lets RDS pick the latest minor), sizing and safety, from the stack config. */
  readonly engineVersion: string;
  readonly instanceClass: pulumi.Input<string>;
  readonly allocatedStorageGb: pulumi.Input<number>;
  readonly multiAz: pulumi.Input<boolean>;
  readonly backupRetentionDays: pulumi.Input<number>;
  /** Also decides whether a final snapshot is taken on delete. */
  readonly deletionProtection: boolean;
  /** Put an RDS Proxy in front of the instance; functions connect to it. */
  readonly proxy: boolean;
  /** The proxy's share of max_connections (MaxConnectionsPercent). */
  readonly proxyMaxConnectionsPercent: number;
}

export const databaseName = "fluxa";
export const databasePort = 5432;

/**
 * PostgreSQL on RDS in the Network's private subnets, behind its security group, over TLS, with the
 * master password kept by RDS in Secrets Manager; optionally behind an RDS Proxy.
 */
export class EventStore extends pulumi.ComponentResource {
  /** Where functions connect: the proxy endpoint when the proxy is on, else the instance address. */
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly databaseName: pulumi.Output<string>;
  /** The RDS-managed master secret (JSON with username and password). */
  readonly secretArn: pulumi.Output<string>;
  readonly instanceIdentifier: pulumi.Output<string>;

  constructor(name: string, args: EventStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    // The type 0.1.0 deployed under this name, so its RDS resources stay in place.
    super("fluxa:index:EventStore", name, {}, opts);
    if (args.proxy && args.proxySecurityGroupId === undefined) throw new Error(`${name}: proxy is on but no proxySecurityGroupId was given`);
    const { deletionProtection, engineVersion } = args;

    const subnetGroup = new aws.rds.SubnetGroup(`${name}-subnets`, { subnetIds: args.subnetIds }, { parent: this });
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
        instanceClass: args.instanceClass,
        allocatedStorage: args.allocatedStorageGb,
        storageType: "gp3",
        storageEncrypted: true,
        publiclyAccessible: false,
        multiAz: args.multiAz,
        backupRetentionPeriod: args.backupRetentionDays,
        deletionProtection,
        skipFinalSnapshot: !deletionProtection,
        finalSnapshotIdentifier: deletionProtection ? `${name}-final` : undefined,
        copyTagsToSnapshot: true,
        dbName: databaseName,
        username: "fluxa",
        manageMasterUserPassword: true,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [args.securityGroupId],
        parameterGroupName: parameterGroup.name,
        autoMinorVersionUpgrade: true,
      },
      { parent: this },
    );
    this.secretArn = instance.masterUserSecrets.apply((secrets) => secrets[0].secretArn);
    this.host = args.proxy && args.proxySecurityGroupId !== undefined
      ? this.createProxy(name, instance, args.subnetIds, args.proxySecurityGroupId, args.proxyMaxConnectionsPercent)
      : instance.address;

    this.port = pulumi.output(databasePort);
    this.databaseName = pulumi.output(databaseName);
    this.instanceIdentifier = instance.identifier;
    this.registerOutputs({
      host: this.host,
      port: this.port,
      databaseName: this.databaseName,
      secretArn: this.secretArn,
      instanceIdentifier: this.instanceIdentifier,
    });
  }

  /** Returns the proxy endpoint, resolved only once the instance is registered as its target. */
  private createProxy(
    name: string,
    instance: aws.rds.Instance,
    subnetIds: pulumi.Input<pulumi.Input<string>[]>,
    securityGroupId: pulumi.Input<string>,
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
