//! The HIPAA stack's named breakages of a seeded deployment: the live checks claim them, the
//! seeder (`localstack/seed`) applies them, and the offline proof shows each fails its check
//! alone. `output` (its `nth` entry) names the resource the failing finding must name, `property`
//! the property it must judge.

use stackproof_harness::mutation::Mutant;

use super::outputs as o;

pub const KMS_ROTATION_OFF: Mutant = Mutant {
    name: "kms-rotation-off",
    about: "DisableKeyRotation on the data key",
    output: o::DATA_KEY_ARN,
    nth: 0,
    property: "KeyRotationEnabled",
};

pub const KMS_KEY_DISABLED: Mutant = Mutant {
    name: "kms-key-disabled",
    about: "DisableKey on the data key",
    output: o::DATA_KEY_ARN,
    nth: 0,
    property: "KeyState",
};

pub const PRIVATE_SUBNET_PUBLIC_IP: Mutant = Mutant {
    name: "private-subnet-public-ip",
    about: "MapPublicIpOnLaunch=true on the second private subnet",
    output: o::PRIVATE_SUBNET_IDS,
    nth: 1,
    property: "MapPublicIpOnLaunch",
};

pub const PRIVATE_ROUTE_TO_IGW: Mutant = Mutant {
    name: "private-route-to-igw",
    about: "the first private route table's 0.0.0.0/0 replaced by a route to the internet gateway",
    output: o::PRIVATE_ROUTE_TABLE_IDS,
    nth: 0,
    property: "Routes[0.0.0.0/0]",
};

pub const PRIVATE_SUBNETS_ONE_AZ: Mutant = Mutant {
    name: "private-subnets-one-az",
    about: "both private subnets created in the first AZ",
    output: o::PRIVATE_SUBNET_IDS,
    nth: 0,
    property: "AvailabilityZone (distinct)",
};

pub const NAT_MISSING: Mutant = Mutant {
    name: "nat-missing",
    about: "the first NAT gateway deleted",
    output: o::NAT_GATEWAY_IDS,
    nth: 0,
    property: "State",
};

pub const LOG_GROUP_FOREIGN_KEY: Mutant = Mutant {
    name: "log-group-foreign-key",
    about: "the audit log group created under a key that is not the stack's (AssociateKmsKey is not emulated)",
    output: o::AUDIT_LOG_GROUP_NAME,
    nth: 0,
    property: "kmsKeyId",
};

pub const LOG_RETENTION_OFF: Mutant = Mutant {
    name: "log-retention-off",
    about: "DeleteRetentionPolicy on the audit log group",
    output: o::AUDIT_LOG_GROUP_NAME,
    nth: 0,
    property: "retentionInDays",
};

pub const VPC_DNS_HOSTNAMES_OFF: Mutant = Mutant {
    name: "vpc-dns-hostnames-off",
    about: "enableDnsHostnames turned off on the VPC",
    output: o::VPC_ID,
    nth: 0,
    property: "EnableDnsHostnames",
};

pub const PUBLIC_ROUTE_MISSING: Mutant = Mutant {
    name: "public-route-missing",
    about: "the public route table's 0.0.0.0/0 route deleted",
    output: o::PUBLIC_ROUTE_TABLE_ID,
    nth: 0,
    property: "Routes[0.0.0.0/0]",
};

pub const FLOW_LOGS_OFF: Mutant = Mutant {
    name: "flow-logs-off",
    about: "the VPC's flow log deleted",
    output: o::VPC_ID,
    nth: 0,
    property: "FlowLogs",
};

pub const DB_INGRESS_FROM_LOAD_BALANCER: Mutant = Mutant {
    name: "db-ingress-from-load-balancer",
    about: "the database group also admits the load balancer's group on 3306",
    output: o::DATABASE_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions",
};

pub const CACHE_INGRESS_EXTRA_PORT: Mutant = Mutant {
    name: "cache-ingress-extra-port",
    about: "the cache group also admits the app tier on port 22",
    output: o::CACHE_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions",
};

pub const EFS_INGRESS_FROM_VPC_CIDR: Mutant = Mutant {
    name: "efs-ingress-from-vpc-cidr",
    about: "the EFS group also admits the whole VPC CIDR on 2049",
    output: o::EFS_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions",
};

pub const APP_OPEN_TO_WORLD: Mutant = Mutant {
    name: "app-open-to-world",
    about: "the app tier's group admits 0.0.0.0/0 on 8080",
    output: o::APP_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions",
};

pub const NAME_WITHOUT_SUFFIX: Mutant = Mutant {
    name: "name-without-suffix",
    about: "the ECS log group created without the suffix in its name",
    output: o::ECS_LOG_GROUP_NAME,
    nth: 0,
    property: "Name",
};

pub const AURORA_STORAGE_UNENCRYPTED: Mutant = Mutant {
    name: "aurora-storage-unencrypted",
    about: "the Aurora cluster created with StorageEncrypted=false",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "StorageEncrypted",
};

pub const AURORA_BACKUP_RETENTION_SHORT: Mutant = Mutant {
    name: "aurora-backup-retention-short",
    about: "ModifyDBCluster BackupRetentionPeriod=1",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "BackupRetentionPeriod",
};

pub const AURORA_INSTANCES_ONE_AZ: Mutant = Mutant {
    name: "aurora-instances-one-az",
    about: "both Aurora instances created in the first AZ",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "AvailabilityZone (distinct)",
};

pub const AURORA_INSTANCE_PUBLIC: Mutant = Mutant {
    name: "aurora-instance-public",
    about: "ModifyDBInstance PubliclyAccessible=true on the second Aurora instance",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "PubliclyAccessible",
};

pub const DB_SUBNET_GROUP_PUBLIC_SUBNET: Mutant = Mutant {
    name: "db-subnet-group-public-subnet",
    about: "the DB subnet group created with the second public subnet instead of the second private one",
    output: o::DB_SUBNET_GROUP_NAME,
    nth: 0,
    property: "Subnets",
};

pub const AURORA_AUDIT_LOG_EXPORT_OFF: Mutant = Mutant {
    name: "aurora-audit-log-export-off",
    about: "the Aurora cluster created without the audit log export (moto ignores CloudwatchLogsExportConfiguration)",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "EnabledCloudwatchLogsExports",
};

pub const AURORA_TLS_NOT_REQUIRED: Mutant = Mutant {
    name: "aurora-tls-not-required",
    about: "require_secure_transport=OFF in the cluster parameter group",
    output: o::DB_CLUSTER_PARAMETER_GROUP_NAME,
    nth: 0,
    property: "require_secure_transport",
};

pub const AURORA_ENGINE_VERSION_OLD: Mutant = Mutant {
    name: "aurora-engine-version-old",
    about: "the Aurora cluster created on engine version 8.0.mysql_aurora.3.04.0",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "EngineVersion",
};

pub const AURORA_FOREIGN_SECURITY_GROUP: Mutant = Mutant {
    name: "aurora-foreign-security-group",
    about: "ModifyDBCluster VpcSecurityGroupIds=[the app tier's group]",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "VpcSecurityGroups",
};

pub const EFS_UNENCRYPTED: Mutant = Mutant {
    name: "efs-unencrypted",
    about: "the file system created with Encrypted=false",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "Encrypted",
};

pub const EFS_BACKUP_OFF: Mutant = Mutant {
    name: "efs-backup-off",
    about: "the file system created with Backup=false (PutBackupPolicy is not emulated)",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "BackupPolicy.Status",
};

pub const EFS_MOUNT_TARGET_PUBLIC_SUBNET: Mutant = Mutant {
    name: "efs-mount-target-public-subnet",
    about: "the second mount target created in the second public subnet",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "SubnetId",
};

pub const EFS_MOUNT_TARGET_ONE_AZ: Mutant = Mutant {
    name: "efs-mount-target-one-az",
    about: "the second mount target never created",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "AvailabilityZoneName (coverage)",
};

pub const EFS_MOUNT_TARGET_FOREIGN_SG: Mutant = Mutant {
    name: "efs-mount-target-foreign-sg",
    about: "ModifyMountTargetSecurityGroups on the first mount target: the app tier's group",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "SecurityGroups",
};

pub const EFS_POLICY_ALLOWS_PLAIN_NFS: Mutant = Mutant {
    name: "efs-policy-allows-plain-nfs",
    about: "the file-system policy without its Deny on aws:SecureTransport=false",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "Policy",
};

pub const REDIS_AT_REST_UNENCRYPTED: Mutant = Mutant {
    name: "redis-at-rest-unencrypted",
    about: "the replication group created with AtRestEncryptionEnabled=false",
    output: o::CACHE_REPLICATION_GROUP_ID,
    nth: 0,
    property: "AtRestEncryptionEnabled",
};

pub const REDIS_TRANSIT_ENCRYPTION_PREFERRED: Mutant = Mutant {
    name: "redis-transit-encryption-preferred",
    about: "the replication group created with TransitEncryptionMode=preferred (plaintext clients admitted)",
    output: o::CACHE_REPLICATION_GROUP_ID,
    nth: 0,
    property: "TransitEncryptionMode",
};

pub const REDIS_MULTI_AZ_OFF: Mutant = Mutant {
    name: "redis-multi-az-off",
    about: "the replication group created with MultiAZEnabled=false",
    output: o::CACHE_REPLICATION_GROUP_ID,
    nth: 0,
    property: "MultiAZ",
};

pub const REDIS_AUTOMATIC_FAILOVER_OFF: Mutant = Mutant {
    name: "redis-automatic-failover-off",
    about: "the replication group created with AutomaticFailoverEnabled=false (AWS would also refuse Multi-AZ; moto does not)",
    output: o::CACHE_REPLICATION_GROUP_ID,
    nth: 0,
    property: "AutomaticFailover",
};

pub const REDIS_AUTH_TOKEN_OFF: Mutant = Mutant {
    name: "redis-auth-token-off",
    about: "the replication group created without an AuthToken",
    output: o::CACHE_REPLICATION_GROUP_ID,
    nth: 0,
    property: "AuthTokenEnabled",
};

pub const CACHE_SUBNET_GROUP_PUBLIC_SUBNET: Mutant = Mutant {
    name: "cache-subnet-group-public-subnet",
    about: "the cache subnet group created with the second public subnet instead of the second private one",
    output: o::CACHE_SUBNET_GROUP_NAME,
    nth: 0,
    property: "Subnets",
};

pub const ECS_SERVICE_EC2_LAUNCH_TYPE: Mutant = Mutant {
    name: "ecs-service-ec2-launch-type",
    about: "the ECS service created with launch type EC2 instead of FARGATE",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "launchType",
};

pub const ECS_TASK_PUBLIC_IP: Mutant = Mutant {
    name: "ecs-task-public-ip",
    about: "UpdateService: assignPublicIp ENABLED on the service's awsvpc configuration",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "assignPublicIp",
};

pub const ECS_SERVICE_IN_PUBLIC_SUBNET: Mutant = Mutant {
    name: "ecs-service-in-public-subnet",
    about: "UpdateService: the service's tasks placed in the first public subnet too",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "subnets",
};

pub const ECS_SERVICE_EXTRA_SECURITY_GROUP: Mutant = Mutant {
    name: "ecs-service-extra-security-group",
    about: "UpdateService: the database security group added to the service's tasks",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "securityGroups",
};

pub const ECS_SECRET_IN_ENVIRONMENT: Mutant = Mutant {
    name: "ecs-secret-in-environment",
    about: "the task definition registered with DB_PASSWORD as a plain environment variable",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "environment",
};

pub const ECS_LOGS_TO_OTHER_GROUP: Mutant = Mutant {
    name: "ecs-logs-to-other-group",
    about: "the task definition's container logs to a log group that is not the stack's",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "logConfiguration.options.awslogs-group",
};

pub const ECS_SCALING_MIN_ONE: Mutant = Mutant {
    name: "ecs-scaling-min-one",
    about: "RegisterScalableTarget again with MinCapacity 1",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "MinCapacity",
};

pub const ECS_CONTAINER_INSIGHTS_OFF: Mutant = Mutant {
    name: "ecs-container-insights-off",
    about: "the cluster created with containerInsights disabled (UpdateClusterSettings is not emulated)",
    output: o::ECS_CLUSTER_NAME,
    nth: 0,
    property: "containerInsights",
};

pub const ECS_EFS_TRANSIT_ENCRYPTION_OFF: Mutant = Mutant {
    name: "ecs-efs-transit-encryption-off",
    about: "the task definition's EFS volume registered with transitEncryption DISABLED",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "transitEncryption",
};

pub const API_STAGE_DEPLOYMENT_DELETED: Mutant = Mutant {
    name: "api-stage-deployment-deleted",
    about: "DeleteDeployment of the deployment the stage points at",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "deploymentId",
};

pub const WAF_NOT_ASSOCIATED: Mutant = Mutant {
    name: "waf-not-associated",
    about: "DisassociateWebACL on the stage",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "webAclArn",
};

pub const WAF_NO_RATE_LIMIT: Mutant = Mutant {
    name: "waf-no-rate-limit",
    about: "the web ACL created without its rate-based rule",
    output: o::WEB_ACL_ARN,
    nth: 0,
    property: "Rules[RateBasedStatement]",
};

pub const API_THROTTLING_OFF: Mutant = Mutant {
    name: "api-throttling-off",
    about: "the stage's */* method settings left without the stack's throttling limits",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "methodSettings[*/*].throttlingRateLimit",
};

pub const API_ACCESS_LOGS_OFF: Mutant = Mutant {
    name: "api-access-logs-off",
    about: "the stage created without access log settings",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "accessLogSettings.destinationArn",
};

pub const API_TRACING_OFF: Mutant = Mutant {
    name: "api-tracing-off",
    about: "the stage created with tracingEnabled false",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "tracingEnabled",
};

pub const API_EXECUTION_LOGGING_OFF: Mutant = Mutant {
    name: "api-execution-logging-off",
    about: "the stage's */* loggingLevel set to OFF",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "methodSettings[*/*].loggingLevel",
};

pub const SECRET_SCHEDULED_FOR_DELETION: Mutant = Mutant {
    name: "secret-scheduled-for-deletion",
    about: "DeleteSecret (7-day recovery window) on the database secret",
    output: o::DATABASE_SECRET_ARN,
    nth: 0,
    property: "DeletedDate",
};

pub const SECRET_FOREIGN_KEY: Mutant = Mutant {
    name: "secret-foreign-key",
    about: "UpdateSecret moves the API keys secret to a key that is not the stack's",
    output: o::API_KEYS_SECRET_ARN,
    nth: 0,
    property: "KmsKeyId",
};

/// Every mutant of the stack; each is claimed by exactly one check (a test proves it).
pub const ALL: &[&Mutant] = &[
    &KMS_ROTATION_OFF,
    &KMS_KEY_DISABLED,
    &PRIVATE_SUBNET_PUBLIC_IP,
    &PRIVATE_ROUTE_TO_IGW,
    &PRIVATE_SUBNETS_ONE_AZ,
    &NAT_MISSING,
    &LOG_GROUP_FOREIGN_KEY,
    &LOG_RETENTION_OFF,
    &VPC_DNS_HOSTNAMES_OFF,
    &PUBLIC_ROUTE_MISSING,
    &FLOW_LOGS_OFF,
    &DB_INGRESS_FROM_LOAD_BALANCER,
    &CACHE_INGRESS_EXTRA_PORT,
    &EFS_INGRESS_FROM_VPC_CIDR,
    &APP_OPEN_TO_WORLD,
    &NAME_WITHOUT_SUFFIX,
    &AURORA_STORAGE_UNENCRYPTED,
    &AURORA_BACKUP_RETENTION_SHORT,
    &AURORA_INSTANCES_ONE_AZ,
    &AURORA_INSTANCE_PUBLIC,
    &DB_SUBNET_GROUP_PUBLIC_SUBNET,
    &AURORA_AUDIT_LOG_EXPORT_OFF,
    &AURORA_TLS_NOT_REQUIRED,
    &AURORA_ENGINE_VERSION_OLD,
    &AURORA_FOREIGN_SECURITY_GROUP,
    &EFS_UNENCRYPTED,
    &EFS_BACKUP_OFF,
    &EFS_MOUNT_TARGET_PUBLIC_SUBNET,
    &EFS_MOUNT_TARGET_ONE_AZ,
    &EFS_MOUNT_TARGET_FOREIGN_SG,
    &EFS_POLICY_ALLOWS_PLAIN_NFS,
    &REDIS_AT_REST_UNENCRYPTED,
    &REDIS_TRANSIT_ENCRYPTION_PREFERRED,
    &REDIS_MULTI_AZ_OFF,
    &REDIS_AUTOMATIC_FAILOVER_OFF,
    &REDIS_AUTH_TOKEN_OFF,
    &CACHE_SUBNET_GROUP_PUBLIC_SUBNET,
    &ECS_SERVICE_EC2_LAUNCH_TYPE,
    &ECS_TASK_PUBLIC_IP,
    &ECS_SERVICE_IN_PUBLIC_SUBNET,
    &ECS_SERVICE_EXTRA_SECURITY_GROUP,
    &ECS_SECRET_IN_ENVIRONMENT,
    &ECS_LOGS_TO_OTHER_GROUP,
    &ECS_SCALING_MIN_ONE,
    &ECS_CONTAINER_INSIGHTS_OFF,
    &ECS_EFS_TRANSIT_ENCRYPTION_OFF,
    &API_STAGE_DEPLOYMENT_DELETED,
    &WAF_NOT_ASSOCIATED,
    &WAF_NO_RATE_LIMIT,
    &API_THROTTLING_OFF,
    &API_ACCESS_LOGS_OFF,
    &API_TRACING_OFF,
    &API_EXECUTION_LOGGING_OFF,
    &SECRET_SCHEDULED_FOR_DELETION,
    &SECRET_FOREIGN_KEY,
];
