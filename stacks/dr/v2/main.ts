// stackproof disaster-recovery layout, v2: healthcare-dr (README.md: what changed from v1 and why).
//
// v2 closes v1's gaps: TLS enforced and audit logging configured on both Aurora clusters (cluster
// parameter groups), VPC flow logs in both regions, server access logging on the data buckets,
// and the replication lag alarm on the secondary cluster in the DR region, where AWS publishes
// AuroraGlobalDBReplicationLag. The deployment states its version in the StackVersion output.
//
// One CDKTF stack, two AWS providers: primary eu-west-2 (London) and DR eu-west-1 (Ireland).
// Every resource gets a stable Terraform logical id equal to its construct id (see `keep`), so
// `resource.<type>.<id>` in cdktf.out/stacks/healthcare-dr/cdk.tf.json is part of the contract
// the static suites read. The outputs contract is outputs.yml.
import * as path from "path";
import { Construct } from "constructs";
import {
  App,
  AssetType,
  Fn,
  LocalBackend,
  S3Backend,
  TerraformAsset,
  TerraformElement,
  TerraformOutput,
  TerraformStack,
} from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { RdsGlobalCluster } from "@cdktf/provider-aws/lib/rds-global-cluster";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { Password } from "@cdktf/provider-random/lib/password";

export const STACK_NAME = "healthcare-dr";
export const PRIMARY_REGION = "eu-west-2";
export const DR_REGION = "eu-west-1";
const PRIMARY_CIDR = "10.0.0.0/16";
const DR_CIDR = "10.1.0.0/16";
const ENGINE = "aurora-postgresql";
const ENGINE_VERSION = "15.3";
const RPO_MS = 15 * 60 * 1000; // 15 minutes, the recovery point objective
const STACK_VERSION = "v2";
const PARAMETER_GROUP_FAMILY = "aurora-postgresql15";
// Flow logs and database logs are audit records: kept a year (HIPAA asks that audit controls exist;
// the retention is the layout's policy).
const AUDIT_LOG_RETENTION_DAYS = 365;

/** Pins the Terraform logical id of a resource to its construct id and returns it. */
function keep<T extends TerraformElement>(element: T): T {
  element.overrideLogicalId(element.node.id);
  return element;
}

/** An IAM / key / bucket policy document. Tokens inside survive JSON.stringify. */
function policy(statements: object[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

export class HealthcareDrStack extends TerraformStack {
  constructor(scope: Construct, id: string, suffix: string) {
    super(scope, id);

    // ---------------------------------------------------------------- backend and providers
    const stateBucket = process.env.STATE_BUCKET;
    if (stateBucket) {
      new S3Backend(this, {
        bucket: stateBucket,
        key: process.env.STATE_KEY || `healthcare-dr/${suffix}/terraform.tfstate`,
        region: process.env.STATE_REGION || PRIMARY_REGION,
        encrypt: true,
        ...(process.env.STATE_LOCK_TABLE ? { dynamodbTable: process.env.STATE_LOCK_TABLE } : {}),
      });
    } else {
      new LocalBackend(this, { path: "terraform.healthcare-dr.tfstate" });
    }

    const defaultTags = [{ tags: { EnvironmentSuffix: suffix, Project: "healthcare-dr" } }];
    const primary = new AwsProvider(this, "primary", { region: PRIMARY_REGION, alias: "primary", defaultTags });
    const dr = new AwsProvider(this, "dr", { region: DR_REGION, alias: "dr", defaultTags });
    new RandomProvider(this, "random");

    const caller = keep(new DataAwsCallerIdentity(this, "caller", { provider: primary }));
    const account = caller.accountId;
    const primaryAzs = keep(new DataAwsAvailabilityZones(this, "primary_azs", { provider: primary, state: "available" }));
    const drAzs = keep(new DataAwsAvailabilityZones(this, "dr_azs", { provider: dr, state: "available" }));

    // Names that other resources must know before the resource exists (no dependency cycles).
    const trailName = `healthcare-dr-trail-${suffix}`;
    const trailArn = `arn:aws:cloudtrail:${PRIMARY_REGION}:${account}:trail/${trailName}`;
    const failoverFunctionName = `healthcare-failover-${suffix}`;

    // ---------------------------------------------------------------- IAM roles used by key policies
    const replicationRole = keep(new IamRole(this, "replication_role", {
      provider: primary,
      name: `healthcare-s3-replication-${suffix}`,
      assumeRolePolicy: policy([{
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": account } },
      }]),
    }));

    const backupRole = keep(new IamRole(this, "backup_role", {
      provider: primary,
      name: `healthcare-backup-${suffix}`,
      assumeRolePolicy: policy([{
        Effect: "Allow",
        Principal: { Service: "backup.amazonaws.com" },
        Action: "sts:AssumeRole",
      }]),
    }));
    keep(new IamRolePolicyAttachment(this, "backup_role_backup_policy", {
      provider: primary,
      role: backupRole.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    }));
    keep(new IamRolePolicyAttachment(this, "backup_role_restore_policy", {
      provider: primary,
      role: backupRole.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    }));

    // ---------------------------------------------------------------- KMS
    const keyPolicy = (region: string, extra: object[]) => policy([
      {
        Sid: "AccountRootAdministersTheKey",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "S3ReplicationRole",
        Effect: "Allow",
        Principal: { AWS: replicationRole.arn },
        Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
      },
      {
        Sid: "BackupRole",
        Effect: "Allow",
        Principal: { AWS: backupRole.arn },
        Action: ["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: "*",
      },
      {
        Sid: "BackupRoleGrantsForAwsResources",
        Effect: "Allow",
        Principal: { AWS: backupRole.arn },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
      {
        // Secrets Manager encrypts the database master secret (and its DR replica) with the key
        // on behalf of principals of this account only.
        Sid: "SecretsManagerUsesKeyForAccount",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: "*",
        Condition: {
          StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com`, "kms:CallerAccount": account },
        },
      },
      ...extra,
    ]);

    const primaryKey = keep(new KmsKey(this, "primary_key", {
      provider: primary,
      description: `healthcare-dr primary data key (${PRIMARY_REGION}) ${suffix}`,
      enableKeyRotation: true,
      deletionWindowInDays: 7,
      policy: keyPolicy(PRIMARY_REGION, [
        {
          Sid: "CloudTrailEncryptsLogs",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "kms:GenerateDataKey*",
          Resource: "*",
          Condition: {
            StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${account}:trail/*` },
            StringEquals: { "aws:SourceArn": trailArn },
          },
        },
        {
          Sid: "CloudTrailDescribesKey",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "kms:DescribeKey",
          Resource: "*",
        },
        {
          Sid: "CloudWatchLogsEncryptsLogGroups",
          Effect: "Allow",
          Principal: { Service: `logs.${PRIMARY_REGION}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: {
            ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${PRIMARY_REGION}:${account}:log-group:*` },
          },
        },
        {
          Sid: "SnsAndCloudWatchAlarmsUseEncryptedTopic",
          Effect: "Allow",
          Principal: { Service: ["sns.amazonaws.com", "cloudwatch.amazonaws.com"] },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          Condition: { StringEquals: { "aws:SourceAccount": account } },
        },
      ]),
    }));
    keep(new KmsAlias(this, "primary_key_alias", {
      provider: primary,
      name: `alias/healthcare-dr-primary-${suffix}`,
      targetKeyId: primaryKey.keyId,
    }));

    const drKey = keep(new KmsKey(this, "dr_key", {
      provider: dr,
      description: `healthcare-dr DR data key (${DR_REGION}) ${suffix}`,
      enableKeyRotation: true,
      deletionWindowInDays: 7,
      // v2: the DR region has its own encrypted log groups (flow logs, the DR cluster's postgresql
      // log) and its own alerts topic, which the replication lag alarm notifies.
      policy: keyPolicy(DR_REGION, [
        {
          Sid: "CloudWatchLogsEncryptsLogGroups",
          Effect: "Allow",
          Principal: { Service: `logs.${DR_REGION}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: {
            ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${DR_REGION}:${account}:log-group:*` },
          },
        },
        {
          Sid: "SnsAndCloudWatchAlarmsUseEncryptedTopic",
          Effect: "Allow",
          Principal: { Service: ["sns.amazonaws.com", "cloudwatch.amazonaws.com"] },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          Condition: { StringEquals: { "aws:SourceAccount": account } },
        },
      ]),
    }));
    keep(new KmsAlias(this, "dr_key_alias", {
      provider: dr,
      name: `alias/healthcare-dr-dr-${suffix}`,
      targetKeyId: drKey.keyId,
    }));

    // ---------------------------------------------------------------- network
    // VPC flow logs of both VPCs go to CloudWatch Logs through this role (IAM is global).
    const flowLogRole = keep(new IamRole(this, "flow_log_role", {
      provider: primary,
      name: `healthcare-flow-logs-${suffix}`,
      assumeRolePolicy: policy([{
        Effect: "Allow",
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": account } },
      }]),
    }));
    keep(new IamRolePolicy(this, "flow_log_policy", {
      provider: primary,
      name: `healthcare-flow-logs-${suffix}`,
      role: flowLogRole.id,
      policy: policy([{
        Sid: "DeliverFlowLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
        Resource: [
          `arn:aws:logs:${PRIMARY_REGION}:${account}:log-group:/healthcare-dr/${suffix}/flow-logs/*`,
          `arn:aws:logs:${DR_REGION}:${account}:log-group:/healthcare-dr/${suffix}/flow-logs/*`,
        ],
      }]),
    }));
    const network = (side: "primary" | "dr", provider: AwsProvider, cidr: string, octet: number, azs: DataAwsAvailabilityZones, key: KmsKey) => {
      const vpc = keep(new Vpc(this, `${side}_vpc`, {
        provider,
        cidrBlock: cidr,
        enableDnsSupport: true,
        enableDnsHostnames: true,
        tags: { Name: `healthcare-${side}-vpc-${suffix}` },
      }));
      const subnets = [1, 2].map((n, i) => keep(new Subnet(this, `${side}_private_subnet_${n}`, {
        provider,
        vpcId: vpc.id,
        cidrBlock: `10.${octet}.${n}.0/24`,
        availabilityZone: Fn.element(azs.names, i),
        mapPublicIpOnLaunch: false,
        tags: { Name: `healthcare-${side}-private-${n}-${suffix}`, Tier: "private" },
      })));
      const sg = keep(new SecurityGroup(this, `${side}_db_sg`, {
        provider,
        name: `healthcare-${side}-db-sg-${suffix}`,
        description: "Aurora PostgreSQL: 5432 from inside the VPC only",
        vpcId: vpc.id,
        ingress: [{
          description: "PostgreSQL from the VPC",
          protocol: "tcp",
          fromPort: 5432,
          toPort: 5432,
          cidrBlocks: [cidr],
          ipv6CidrBlocks: [],
          prefixListIds: [],
          securityGroups: [],
          selfAttribute: false,
        }],
        egress: [{
          description: "Inside the VPC only",
          protocol: "-1",
          fromPort: 0,
          toPort: 0,
          cidrBlocks: [cidr],
          ipv6CidrBlocks: [],
          prefixListIds: [],
          securityGroups: [],
          selfAttribute: false,
        }],
        tags: { Name: `healthcare-${side}-db-sg-${suffix}` },
      }));
      const subnetGroup = keep(new DbSubnetGroup(this, `${side}_db_subnet_group`, {
        provider,
        name: `healthcare-${side}-db-subnets-${suffix}`,
        description: `private subnets of the ${side} Aurora cluster`,
        subnetIds: subnets.map((s) => s.id),
      }));
      const flowLogGroup = keep(new CloudwatchLogGroup(this, `${side}_flow_log_group`, {
        provider,
        name: `/healthcare-dr/${suffix}/flow-logs/${side}`,
        retentionInDays: AUDIT_LOG_RETENTION_DAYS,
        kmsKeyId: key.arn,
      }));
      keep(new FlowLog(this, `${side}_flow_log`, {
        provider,
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: flowLogGroup.arn,
        iamRoleArn: flowLogRole.arn,
        maxAggregationInterval: 60,
        tags: { Name: `healthcare-${side}-flow-log-${suffix}` },
      }));
      return { vpc, subnets, sg, subnetGroup, flowLogGroup };
    };
    const primaryNet = network("primary", primary, PRIMARY_CIDR, 0, primaryAzs, primaryKey);
    const drNet = network("dr", dr, DR_CIDR, 1, drAzs, drKey);

    // ---------------------------------------------------------------- Aurora cluster parameter groups
    // rds.force_ssl defaults to 0 on Aurora PostgreSQL (plaintext accepted): 1 refuses it. pgaudit
    // (loaded through shared_preload_libraries) logs the statement classes HIPAA's audit controls
    // need; connections and disconnections are logged too. The postgresql log is exported to
    // CloudWatch Logs (enabledCloudwatchLogsExports) into log groups the layout encrypts.
    const clusterParameters = [
      { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
      { name: "shared_preload_libraries", value: "pgaudit,pg_stat_statements", applyMethod: "pending-reboot" },
      { name: "pgaudit.log", value: "ddl,role,write", applyMethod: "immediate" },
      { name: "pgaudit.role", value: "rds_pgaudit", applyMethod: "immediate" },
      { name: "log_connections", value: "1", applyMethod: "immediate" },
      { name: "log_disconnections", value: "1", applyMethod: "immediate" },
    ];
    const parameterGroup = (side: "primary" | "dr", provider: AwsProvider) =>
      keep(new RdsClusterParameterGroup(this, `${side}_cluster_parameters`, {
        provider,
        name: `healthcare-db-${side}-${suffix}`,
        family: PARAMETER_GROUP_FAMILY,
        description: "TLS only, pgaudit and connection logging",
        parameter: clusterParameters,
      }));
    const primaryParameters = parameterGroup("primary", primary);
    const drParameters = parameterGroup("dr", dr);

    // The clusters' exported postgresql logs, created by the layout so they are encrypted and
    // kept: RDS writes to /aws/rds/cluster/<id>/postgresql.
    const dbLogGroup = (side: "primary" | "dr", provider: AwsProvider, clusterId: string, key: KmsKey) =>
      keep(new CloudwatchLogGroup(this, `${side}_db_log_group`, {
        provider,
        name: `/aws/rds/cluster/${clusterId}/postgresql`,
        retentionInDays: AUDIT_LOG_RETENTION_DAYS,
        kmsKeyId: key.arn,
      }));
    const primaryDbLogs = dbLogGroup("primary", primary, `healthcare-db-${suffix}`, primaryKey);
    const drDbLogs = dbLogGroup("dr", dr, `healthcare-db-dr-${suffix}`, drKey);

    // ---------------------------------------------------------------- Aurora PostgreSQL global database
    const globalCluster = keep(new RdsGlobalCluster(this, "global_cluster", {
      provider: primary,
      globalClusterIdentifier: `healthcare-global-${suffix}`,
      engine: ENGINE,
      engineVersion: ENGINE_VERSION,
      storageEncrypted: true,
      deletionProtection: false,
    }));

    // Master credentials: AWS does not support a Secrets Manager-managed master password
    // (manageMasterUserPassword) on clusters in an Aurora global database, so the layout generates
    // the password, keeps it in its own secret (replicated to the DR region) and passes it in.
    const masterUsername = "healthcare_admin";
    const dbMasterPassword = keep(new Password(this, "db_master_password", {
      length: 32,
      special: true,
      overrideSpecial: "!#$%&*()-_=+[]{}<>:?",
    }));
    const dbMasterSecret = keep(new SecretsmanagerSecret(this, "db_master_secret", {
      provider: primary,
      name: `healthcare-db-master-${suffix}`,
      description: "master credentials of the healthcare-dr Aurora global database",
      kmsKeyId: primaryKey.arn,
      recoveryWindowInDays: 0,
      replica: [{ region: DR_REGION, kmsKeyId: drKey.arn }],
    }));
    keep(new SecretsmanagerSecretVersion(this, "db_master_secret_version", {
      provider: primary,
      secretId: dbMasterSecret.id,
      secretString: Fn.jsonencode({ username: masterUsername, password: dbMasterPassword.result }),
    }));

    const scaling = { minCapacity: 0.5, maxCapacity: 2 };
    const primaryCluster = keep(new RdsCluster(this, "primary_cluster", {
      provider: primary,
      clusterIdentifier: `healthcare-db-${suffix}`,
      globalClusterIdentifier: globalCluster.id,
      engine: ENGINE,
      engineVersion: ENGINE_VERSION,
      engineMode: "provisioned",
      serverlessv2ScalingConfiguration: scaling,
      databaseName: "healthcare",
      masterUsername,
      masterPassword: dbMasterPassword.result,
      storageEncrypted: true,
      kmsKeyId: primaryKey.arn,
      enabledCloudwatchLogsExports: ["postgresql"],
      dbClusterParameterGroupName: primaryParameters.name,
      preferredBackupWindow: "03:00-04:00",
      preferredMaintenanceWindow: "sun:04:30-sun:05:30",
      backupRetentionPeriod: 7,
      copyTagsToSnapshot: true,
      skipFinalSnapshot: true,
      deletionProtection: false,
      dbSubnetGroupName: primaryNet.subnetGroup.name,
      vpcSecurityGroupIds: [primaryNet.sg.id],
      dependsOn: [primaryDbLogs],
    }));
    [1, 2].forEach((n, i) => keep(new RdsClusterInstance(this, `primary_instance_${n}`, {
      provider: primary,
      identifier: `healthcare-db-${suffix}-${n}`,
      clusterIdentifier: primaryCluster.id,
      instanceClass: "db.serverless",
      engine: ENGINE,
      engineVersion: ENGINE_VERSION,
      availabilityZone: Fn.element(primaryAzs.names, i),
      dbSubnetGroupName: primaryNet.subnetGroup.name,
      publiclyAccessible: false,
    })));

    const drCluster = keep(new RdsCluster(this, "dr_cluster", {
      provider: dr,
      clusterIdentifier: `healthcare-db-dr-${suffix}`,
      globalClusterIdentifier: globalCluster.id,
      engine: ENGINE,
      engineVersion: ENGINE_VERSION,
      engineMode: "provisioned",
      serverlessv2ScalingConfiguration: scaling,
      storageEncrypted: true,
      kmsKeyId: drKey.arn,
      enabledCloudwatchLogsExports: ["postgresql"],
      dbClusterParameterGroupName: drParameters.name,
      preferredBackupWindow: "03:00-04:00",
      backupRetentionPeriod: 7,
      copyTagsToSnapshot: true,
      skipFinalSnapshot: true,
      deletionProtection: false,
      dbSubnetGroupName: drNet.subnetGroup.name,
      vpcSecurityGroupIds: [drNet.sg.id],
      // A secondary joins once the primary has a writer; RDS sets the replication source itself.
      dependsOn: [primaryCluster, drDbLogs],
      lifecycle: { ignoreChanges: ["replication_source_identifier"] },
    }));
    keep(new RdsClusterInstance(this, "dr_instance_1", {
      provider: dr,
      identifier: `healthcare-db-dr-${suffix}-1`,
      clusterIdentifier: drCluster.id,
      instanceClass: "db.serverless",
      engine: ENGINE,
      engineVersion: ENGINE_VERSION,
      dbSubnetGroupName: drNet.subnetGroup.name,
      publiclyAccessible: false,
    }));

    // ---------------------------------------------------------------- S3 data buckets
    const denyInsecureTransport = (bucketArn: string) => ({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });

    // Server access logs of a data bucket go to a log bucket of its own region. S3 delivers them
    // only to a bucket with SSE-S3 (AES256) default encryption, not SSE-KMS; the log bucket blocks
    // public access and admits only the logging service writing for the data bucket.
    const accessLogBucket = (side: "primary" | "dr", provider: AwsProvider, dataBucketArn: string) => {
      const logs = keep(new S3Bucket(this, `${side}_access_log_bucket`, {
        provider,
        bucket: `healthcare-access-logs-${suffix}-${side}`,
        forceDestroy: true,
      }));
      keep(new S3BucketVersioningA(this, `${side}_access_log_bucket_versioning`, {
        provider,
        bucket: logs.id,
        versioningConfiguration: { status: "Enabled" },
      }));
      keep(new S3BucketServerSideEncryptionConfigurationA(this, `${side}_access_log_bucket_encryption`, {
        provider,
        bucket: logs.id,
        rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      }));
      const block = keep(new S3BucketPublicAccessBlock(this, `${side}_access_log_bucket_public_access_block`, {
        provider,
        bucket: logs.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      }));
      const logsPolicy = keep(new S3BucketPolicy(this, `${side}_access_log_bucket_policy`, {
        provider,
        bucket: logs.id,
        policy: policy([
          denyInsecureTransport(logs.arn),
          {
            Sid: "S3ServerAccessLogsDelivery",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `${logs.arn}/access/*`,
            Condition: {
              ArnLike: { "aws:SourceArn": dataBucketArn },
              StringEquals: { "aws:SourceAccount": account },
            },
          },
        ]),
        dependsOn: [block],
      }));
      return { logs, logsPolicy };
    };

    const dataBucket = (side: "primary" | "dr", provider: AwsProvider, key: KmsKey) => {
      const bucket = keep(new S3Bucket(this, `${side}_bucket`, {
        provider,
        bucket: `healthcare-data-${suffix}-${side}`,
        forceDestroy: true,
      }));
      const accessLogs = accessLogBucket(side, provider, bucket.arn);
      keep(new S3BucketLoggingA(this, `${side}_bucket_logging`, {
        provider,
        bucket: bucket.id,
        targetBucket: accessLogs.logs.id,
        targetPrefix: "access/",
        dependsOn: [accessLogs.logsPolicy],
      }));
      const versioning = keep(new S3BucketVersioningA(this, `${side}_bucket_versioning`, {
        provider,
        bucket: bucket.id,
        versioningConfiguration: { status: "Enabled" },
      }));
      keep(new S3BucketServerSideEncryptionConfigurationA(this, `${side}_bucket_encryption`, {
        provider,
        bucket: bucket.id,
        rule: [{
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
          bucketKeyEnabled: true,
        }],
      }));
      const publicAccessBlock = keep(new S3BucketPublicAccessBlock(this, `${side}_bucket_public_access_block`, {
        provider,
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      }));
      keep(new S3BucketLifecycleConfiguration(this, `${side}_bucket_lifecycle`, {
        provider,
        bucket: bucket.id,
        rule: [{
          id: "intelligent-tiering-and-noncurrent-expiry",
          status: "Enabled",
          filter: [{ prefix: "" }],
          transition: [{ days: 30, storageClass: "INTELLIGENT_TIERING" }],
          noncurrentVersionExpiration: [{ noncurrentDays: 90 }],
        }],
        dependsOn: [versioning],
      }));
      keep(new S3BucketPolicy(this, `${side}_bucket_policy`, {
        provider,
        bucket: bucket.id,
        policy: policy([denyInsecureTransport(bucket.arn)]),
        dependsOn: [publicAccessBlock],
      }));
      return { bucket, versioning, accessLogs };
    };
    const primaryData = dataBucket("primary", primary, primaryKey);
    const drData = dataBucket("dr", dr, drKey);

    keep(new IamRolePolicy(this, "replication_policy", {
      provider: primary,
      name: `healthcare-s3-replication-${suffix}`,
      role: replicationRole.id,
      policy: policy([
        {
          Sid: "ReadSourceConfiguration",
          Effect: "Allow",
          Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
          Resource: [primaryData.bucket.arn],
        },
        {
          Sid: "ReadSourceObjectVersions",
          Effect: "Allow",
          Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
          Resource: [`${primaryData.bucket.arn}/*`],
        },
        {
          Sid: "WriteReplicas",
          Effect: "Allow",
          Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
          Resource: [`${drData.bucket.arn}/*`],
        },
        {
          Sid: "DecryptSourceObjects",
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: [primaryKey.arn],
          Condition: { StringEquals: { "kms:ViaService": `s3.${PRIMARY_REGION}.amazonaws.com` } },
        },
        {
          Sid: "EncryptReplicas",
          Effect: "Allow",
          Action: ["kms:Encrypt", "kms:GenerateDataKey"],
          Resource: [drKey.arn],
          Condition: { StringEquals: { "kms:ViaService": `s3.${DR_REGION}.amazonaws.com` } },
        },
      ]),
    }));

    keep(new S3BucketReplicationConfigurationA(this, "primary_bucket_replication", {
      provider: primary,
      bucket: primaryData.bucket.id,
      role: replicationRole.arn,
      rule: [{
        id: "replicate-all-to-dr",
        status: "Enabled",
        priority: 1,
        filter: { prefix: "" },
        deleteMarkerReplication: { status: "Enabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: {
          bucket: drData.bucket.arn,
          storageClass: "STANDARD",
          encryptionConfiguration: { replicaKmsKeyId: drKey.arn },
          replicationTime: { status: "Enabled", time: { minutes: 15 } },
          metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
        },
      }],
      dependsOn: [primaryData.versioning, drData.versioning],
    }));

    // ---------------------------------------------------------------- AWS Backup
    const primaryVault = keep(new BackupVault(this, "primary_vault", {
      provider: primary,
      name: `healthcare-backup-vault-${suffix}`,
      kmsKeyArn: primaryKey.arn,
      forceDestroy: true,
    }));
    const drVault = keep(new BackupVault(this, "dr_vault", {
      provider: dr,
      name: `healthcare-backup-vault-dr-${suffix}`,
      kmsKeyArn: drKey.arn,
      forceDestroy: true,
    }));
    const backupPlan = keep(new BackupPlan(this, "backup_plan", {
      provider: primary,
      name: `healthcare-backup-plan-${suffix}`,
      rule: [{
        ruleName: `hourly-continuous-${suffix}`,
        targetVaultName: primaryVault.name,
        schedule: "cron(0 */1 * * ? *)",
        enableContinuousBackup: true,
        startWindow: 60,
        completionWindow: 180,
        lifecycle: { deleteAfter: 7 },
        copyAction: [{ destinationVaultArn: drVault.arn, lifecycle: { deleteAfter: 7 } }],
      }],
    }));
    keep(new BackupSelection(this, "backup_selection", {
      provider: primary,
      name: `healthcare-aurora-${suffix}`,
      planId: backupPlan.id,
      iamRoleArn: backupRole.arn,
      resources: [primaryCluster.arn],
    }));

    // ---------------------------------------------------------------- monitoring
    const alertsTopic = keep(new SnsTopic(this, "alerts_topic", {
      provider: primary,
      name: `healthcare-dr-alerts-${suffix}`,
      kmsMasterKeyId: primaryKey.arn,
    }));

    const cpuAlarm = keep(new CloudwatchMetricAlarm(this, "cpu_alarm", {
      provider: primary,
      alarmName: `healthcare-db-cpu-${suffix}`,
      alarmDescription: "Aurora primary cluster CPU above 80%",
      namespace: "AWS/RDS",
      metricName: "CPUUtilization",
      dimensions: { DBClusterIdentifier: primaryCluster.clusterIdentifier },
      statistic: "Average",
      period: 300,
      evaluationPeriods: 2,
      threshold: 80,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "missing",
      alarmActions: [alertsTopic.arn],
      okActions: [alertsTopic.arn],
    }));
    const connectionsAlarm = keep(new CloudwatchMetricAlarm(this, "connections_alarm", {
      provider: primary,
      alarmName: `healthcare-db-connections-${suffix}`,
      alarmDescription: "Aurora primary cluster connection count too high",
      namespace: "AWS/RDS",
      metricName: "DatabaseConnections",
      dimensions: { DBClusterIdentifier: primaryCluster.clusterIdentifier },
      statistic: "Average",
      period: 300,
      evaluationPeriods: 2,
      threshold: 100,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "missing",
      alarmActions: [alertsTopic.arn],
      okActions: [alertsTopic.arn],
    }));
    // Alarm actions must be in the alarm's region: the DR region has its own alerts topic, which
    // the failover function (in the primary region) subscribes to across regions.
    const drAlertsTopic = keep(new SnsTopic(this, "dr_alerts_topic", {
      provider: dr,
      name: `healthcare-dr-alerts-dr-${suffix}`,
      kmsMasterKeyId: drKey.arn,
    }));
    // AWS publishes AuroraGlobalDBReplicationLag for the secondary cluster, in the secondary's
    // region (README: sources): on the primary cluster it has no datapoints and never fires.
    const replicationLagAlarm = keep(new CloudwatchMetricAlarm(this, "replication_lag_alarm", {
      provider: dr,
      alarmName: `healthcare-db-replication-lag-${suffix}`,
      alarmDescription: "Aurora global database replication lag above the 15 minute RPO",
      namespace: "AWS/RDS",
      metricName: "AuroraGlobalDBReplicationLag",
      dimensions: { DBClusterIdentifier: drCluster.clusterIdentifier },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 3,
      threshold: RPO_MS,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [drAlertsTopic.arn],
      okActions: [drAlertsTopic.arn],
    }));

    const appLogGroup = keep(new CloudwatchLogGroup(this, "app_log_group", {
      provider: primary,
      name: `/healthcare-dr/${suffix}/app`,
      retentionInDays: 30,
      kmsKeyId: primaryKey.arn,
    }));
    const failoverLogGroup = keep(new CloudwatchLogGroup(this, "failover_log_group", {
      provider: primary,
      name: `/aws/lambda/${failoverFunctionName}`,
      retentionInDays: 30,
      kmsKeyId: primaryKey.arn,
    }));

    // ---------------------------------------------------------------- CloudTrail
    const trailBucket = keep(new S3Bucket(this, "trail_bucket", {
      provider: primary,
      bucket: `healthcare-dr-trail-${suffix}`,
      forceDestroy: true,
    }));
    keep(new S3BucketVersioningA(this, "trail_bucket_versioning", {
      provider: primary,
      bucket: trailBucket.id,
      versioningConfiguration: { status: "Enabled" },
    }));
    keep(new S3BucketServerSideEncryptionConfigurationA(this, "trail_bucket_encryption", {
      provider: primary,
      bucket: trailBucket.id,
      rule: [{
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: primaryKey.arn },
        bucketKeyEnabled: true,
      }],
    }));
    const trailPublicAccessBlock = keep(new S3BucketPublicAccessBlock(this, "trail_bucket_public_access_block", {
      provider: primary,
      bucket: trailBucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }));
    const trailBucketPolicy = keep(new S3BucketPolicy(this, "trail_bucket_policy", {
      provider: primary,
      bucket: trailBucket.id,
      policy: policy([
        {
          Sid: "CloudTrailAclCheck",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:GetBucketAcl",
          Resource: trailBucket.arn,
          Condition: { StringEquals: { "aws:SourceArn": trailArn } },
        },
        {
          Sid: "CloudTrailWrite",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `${trailBucket.arn}/AWSLogs/${account}/*`,
          Condition: {
            StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn },
          },
        },
        denyInsecureTransport(trailBucket.arn),
      ]),
      dependsOn: [trailPublicAccessBlock],
    }));
    const trail = keep(new Cloudtrail(this, "trail", {
      provider: primary,
      name: trailName,
      s3BucketName: trailBucket.id,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      kmsKeyId: primaryKey.arn,
      dependsOn: [trailBucketPolicy],
    }));

    // ---------------------------------------------------------------- failover Lambda
    const failoverRole = keep(new IamRole(this, "failover_role", {
      provider: primary,
      name: `healthcare-failover-${suffix}`,
      assumeRolePolicy: policy([{
        Effect: "Allow",
        Principal: { Service: "lambda.amazonaws.com" },
        Action: "sts:AssumeRole",
      }]),
    }));
    const failoverPolicy = keep(new IamRolePolicy(this, "failover_policy", {
      provider: primary,
      name: `healthcare-failover-${suffix}`,
      role: failoverRole.id,
      policy: policy([
        {
          Sid: "DescribeAndFailOverTheGlobalDatabase",
          Effect: "Allow",
          Action: ["rds:DescribeDBClusters", "rds:FailoverGlobalCluster", "rds:ModifyDBCluster"],
          Resource: [globalCluster.arn, primaryCluster.arn, drCluster.arn],
        },
        {
          Sid: "PublishFailoverEvents",
          Effect: "Allow",
          Action: ["sns:Publish"],
          Resource: [alertsTopic.arn],
        },
        {
          Sid: "ReadFailoverConfiguration",
          Effect: "Allow",
          Action: ["ssm:GetParameter", "ssm:GetParameters"],
          Resource: [`arn:aws:ssm:${PRIMARY_REGION}:${account}:parameter/healthcare-dr/${suffix}/*`],
        },
        {
          Sid: "EncryptNotificationsOnTheTopic",
          Effect: "Allow",
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: [primaryKey.arn],
          Condition: { StringEquals: { "kms:ViaService": `sns.${PRIMARY_REGION}.amazonaws.com` } },
        },
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [failoverLogGroup.arn, `${failoverLogGroup.arn}:log-stream:*`],
        },
      ]),
    }));

    const failoverConfig = keep(new SsmParameter(this, "failover_config", {
      provider: primary,
      name: `/healthcare-dr/${suffix}/config`,
      type: "String",
      description: "configuration of the healthcare-dr failover function",
      value: JSON.stringify({
        globalClusterIdentifier: globalCluster.id,
        primaryClusterArn: primaryCluster.arn,
        drClusterArn: drCluster.arn,
        primaryRegion: PRIMARY_REGION,
        drRegion: DR_REGION,
        replicationLagAlarmName: `healthcare-db-replication-lag-${suffix}`,
        autoFailover: false,
        rpoMinutes: 15,
        rtoMinutes: 60,
      }),
    }));

    const code = new TerraformAsset(this, "failover_code", {
      path: path.resolve(__dirname, "lambda"),
      type: AssetType.ARCHIVE,
    });
    const failoverFunction = keep(new LambdaFunction(this, "failover_function", {
      provider: primary,
      functionName: failoverFunctionName,
      description: "orchestrates the healthcare-dr Aurora global database failover",
      role: failoverRole.arn,
      runtime: "nodejs20.x",
      handler: "index.handler",
      filename: code.path,
      sourceCodeHash: code.assetHash,
      timeout: 300,
      memorySize: 256,
      environment: {
        variables: {
          ALERTS_TOPIC_ARN: alertsTopic.arn,
          CONFIG_PARAMETER_NAME: failoverConfig.name,
        },
      },
      dependsOn: [failoverLogGroup, failoverPolicy],
    }));
    keep(new LambdaPermission(this, "failover_invoke_permission", {
      provider: primary,
      statementId: "AllowAlertsTopicInvoke",
      action: "lambda:InvokeFunction",
      functionName: failoverFunction.functionName,
      principal: "sns.amazonaws.com",
      sourceArn: alertsTopic.arn,
    }));
    keep(new SnsTopicSubscription(this, "failover_subscription", {
      provider: primary,
      topicArn: alertsTopic.arn,
      protocol: "lambda",
      endpoint: failoverFunction.arn,
    }));
    // The failover path across regions: the DR region's topic (the lag alarm's) invokes the
    // function in the primary region.
    keep(new LambdaPermission(this, "failover_invoke_permission_dr", {
      provider: primary,
      statementId: "AllowDrAlertsTopicInvoke",
      action: "lambda:InvokeFunction",
      functionName: failoverFunction.functionName,
      principal: "sns.amazonaws.com",
      sourceArn: drAlertsTopic.arn,
    }));
    keep(new SnsTopicSubscription(this, "failover_subscription_dr", {
      provider: dr,
      topicArn: drAlertsTopic.arn,
      protocol: "lambda",
      endpoint: failoverFunction.arn,
    }));

    // ---------------------------------------------------------------- Route53
    const healthCheck = keep(new Route53HealthCheck(this, "replication_health_check", {
      provider: primary,
      type: "CLOUDWATCH_METRIC",
      cloudwatchAlarmName: replicationLagAlarm.alarmName,
      cloudwatchAlarmRegion: DR_REGION,
      insufficientDataHealthStatus: "Unhealthy",
      tags: { Name: `healthcare-replication-${suffix}` },
    }));

    // ---------------------------------------------------------------- outputs (contract: outputs.yml)
    const out = (id: string, value: string, description: string) =>
      keep(new TerraformOutput(this, id, { value, description }));
    out("StackVersion", STACK_VERSION, "layout version: the suites judge the deployment by this version's contract");
    out("PrimaryRegion", PRIMARY_REGION, "primary region");
    out("DrRegion", DR_REGION, "disaster recovery region");
    out("PrimaryKmsKeyArn", primaryKey.arn, "primary region customer key");
    out("DrKmsKeyArn", drKey.arn, "DR region customer key");
    out("PrimaryVpcId", primaryNet.vpc.id, "primary VPC");
    out("DrVpcId", drNet.vpc.id, "DR VPC");
    out("PrimaryPrivateSubnetIds", Fn.join(",", primaryNet.subnets.map((s) => s.id)), "primary private subnets");
    out("DrPrivateSubnetIds", Fn.join(",", drNet.subnets.map((s) => s.id)), "DR private subnets");
    out("PrimaryDbSecurityGroupId", primaryNet.sg.id, "primary Aurora security group");
    out("DrDbSecurityGroupId", drNet.sg.id, "DR Aurora security group");
    out("GlobalClusterIdentifier", globalCluster.id, "Aurora global cluster");
    out("PrimaryClusterIdentifier", primaryCluster.clusterIdentifier, "primary Aurora cluster");
    out("DrClusterIdentifier", drCluster.clusterIdentifier, "DR Aurora cluster");
    out("PrimaryBucketName", primaryData.bucket.bucket, "primary data bucket");
    out("DrBucketName", drData.bucket.bucket, "DR replica bucket");
    out("ReplicationRoleArn", replicationRole.arn, "S3 replication role");
    out("PrimaryBackupVaultName", primaryVault.name, "primary backup vault");
    out("DrBackupVaultName", drVault.name, "DR backup vault (copy target)");
    out("BackupPlanId", backupPlan.id, "hourly backup plan");
    out("AlertsTopicArn", alertsTopic.arn, "alerts topic");
    out("CpuAlarmName", cpuAlarm.alarmName, "CPU alarm");
    out("ConnectionsAlarmName", connectionsAlarm.alarmName, "connections alarm");
    out("ReplicationLagAlarmName", replicationLagAlarm.alarmName, "replication lag alarm");
    out("AppLogGroupName", appLogGroup.name, "application log group");
    out("FailoverLogGroupName", failoverLogGroup.name, "failover function log group");
    out("TrailName", trail.name, "multi-region trail");
    out("TrailBucketName", trailBucket.bucket, "trail bucket");
    out("FailoverFunctionName", failoverFunction.functionName, "failover function");
    out("FailoverRoleName", failoverRole.name, "failover function role");
    out("FailoverConfigParameterName", failoverConfig.name, "failover configuration parameter");
    out("HealthCheckId", healthCheck.id, "Route53 health check on the replication lag alarm");
    out("DrAlertsTopicArn", drAlertsTopic.arn, "DR region alerts topic (replication lag alarm)");
    out("PrimaryClusterParameterGroupName", primaryParameters.name, "primary cluster parameter group");
    out("DrClusterParameterGroupName", drParameters.name, "DR cluster parameter group");
    out("PrimaryFlowLogGroupName", primaryNet.flowLogGroup.name, "primary VPC flow log group");
    out("DrFlowLogGroupName", drNet.flowLogGroup.name, "DR VPC flow log group");
    out("PrimaryAccessLogBucketName", primaryData.accessLogs.logs.bucket, "primary data bucket access log bucket");
    out("DrAccessLogBucketName", drData.accessLogs.logs.bucket, "DR data bucket access log bucket");
    out("PrimaryMasterUserSecretArn", dbMasterSecret.arn, "Secrets Manager secret with the Aurora master credentials (replicated to the DR region)");
  }
}

const app = new App();
new HealthcareDrStack(app, STACK_NAME, process.env.ENVIRONMENT_SUFFIX || "dev");
app.synth();
