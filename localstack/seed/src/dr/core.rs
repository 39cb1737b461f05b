//! IAM roles, KMS keys, the two networks, the Aurora PostgreSQL global database and its master
//! secret (main.ts: "IAM roles used by key policies" to "Aurora PostgreSQL global database").

use aws_sdk_ec2::types::{
    AttributeBooleanValue, Filter, IpPermission, IpRange, ResourceType, Tag as Ec2Tag, TagSpecification,
};
use aws_sdk_rds::types::{ServerlessV2ScalingConfiguration, Tag as RdsTag};
use aws_sdk_secretsmanager::types::{ReplicaRegionType, Tag as SecretTag};
use serde_json::{Value, json};

use super::{DR_CIDR, DR_REGION, ENGINE, ENGINE_VERSION, Layout, PRIMARY_CIDR, PRIMARY_REGION};
use crate::hipaa::SECRET_CANARY;
use crate::{SeedError, Seeder, step};
use stackproof::dr::mutants as m;

/// What the layers above need from this one.
pub(crate) struct Core {
    pub account: String,
    pub primary_key: String,
    pub dr_key: String,
    pub replication_role: String,
    pub global_cluster: String,
    pub global_cluster_arn: String,
    pub primary_cluster: String,
    pub primary_cluster_arn: String,
    pub primary_endpoint: String,
    pub dr_cluster_arn: String,
}

/// An IAM / key / bucket policy document.
pub(crate) fn policy(statements: Vec<Value>) -> String {
    json!({ "Version": "2012-10-17", "Statement": statements }).to_string()
}

/// Creates an IAM role with the default tags and returns its ARN.
pub(crate) async fn role(l: &Layout, name: &str, trust: Vec<Value>) -> Result<String, SeedError> {
    let mut create = l.primary.iam.create_role().role_name(name).assume_role_policy_document(policy(trust));
    for (k, v) in l.tags(&[]) {
        create = create.tags(aws_sdk_iam::types::Tag::builder().key(k).value(v).build().map_err(step("Tag"))?);
    }
    Ok(create.send().await.map_err(step("CreateRole"))?.role.map(|r| r.arn).unwrap_or_default())
}

/// One side's network: VPC, two private subnets, the database security group and subnet group.
struct Network {
    vpc: String,
    subnets: Vec<String>,
    sg: String,
    subnet_group: String,
}

/// Seeds the roles, keys, networks, global database and master secret; applies this layer's
/// mutants and records its outputs.
pub(crate) async fn deploy(l: &mut Layout) -> Result<Core, SeedError> {
    let suffix = l.suffix.clone();
    let account = l
        .primary
        .sts
        .get_caller_identity()
        .send()
        .await
        .map_err(step("GetCallerIdentity"))?
        .account
        .unwrap_or_default();

    // IAM roles the key policies name.
    let replication_role = role(
        l,
        &format!("healthcare-s3-replication-{suffix}"),
        vec![json!({
            "Effect": "Allow",
            "Principal": { "Service": "s3.amazonaws.com" },
            "Action": "sts:AssumeRole",
            "Condition": { "StringEquals": { "aws:SourceAccount": account } },
        })],
    )
    .await?;
    let backup_role_name = format!("healthcare-backup-{suffix}");
    let backup_role = role(
        l,
        &backup_role_name,
        vec![json!({
            "Effect": "Allow",
            "Principal": { "Service": "backup.amazonaws.com" },
            "Action": "sts:AssumeRole",
        })],
    )
    .await?;
    for managed in ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"] {
        l.primary
            .iam
            .attach_role_policy()
            .role_name(&backup_role_name)
            .policy_arn(format!("arn:aws:iam::aws:policy/service-role/{managed}"))
            .send()
            .await
            .map_err(step("AttachRolePolicy"))?;
    }

    // KMS: one rotating key per region, with main.ts's key policies and aliases.
    let trail_arn = format!("arn:aws:cloudtrail:{PRIMARY_REGION}:{account}:trail/healthcare-dr-trail-{suffix}");
    let primary_extra = vec![
        json!({
            "Sid": "CloudTrailEncryptsLogs",
            "Effect": "Allow",
            "Principal": { "Service": "cloudtrail.amazonaws.com" },
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringLike": { "kms:EncryptionContext:aws:cloudtrail:arn": format!("arn:aws:cloudtrail:*:{account}:trail/*") },
                "StringEquals": { "aws:SourceArn": trail_arn },
            },
        }),
        json!({
            "Sid": "CloudTrailDescribesKey",
            "Effect": "Allow",
            "Principal": { "Service": "cloudtrail.amazonaws.com" },
            "Action": "kms:DescribeKey",
            "Resource": "*",
        }),
        json!({
            "Sid": "CloudWatchLogsEncryptsLogGroups",
            "Effect": "Allow",
            "Principal": { "Service": format!("logs.{PRIMARY_REGION}.amazonaws.com") },
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            "Resource": "*",
            "Condition": {
                "ArnLike": { "kms:EncryptionContext:aws:logs:arn": format!("arn:aws:logs:{PRIMARY_REGION}:{account}:log-group:*") },
            },
        }),
        json!({
            "Sid": "SnsAndCloudWatchAlarmsUseEncryptedTopic",
            "Effect": "Allow",
            "Principal": { "Service": ["sns.amazonaws.com", "cloudwatch.amazonaws.com"] },
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
            "Condition": { "StringEquals": { "aws:SourceAccount": account } },
        }),
    ];
    let roles = Roles { account: &account, replication: &replication_role, backup: &backup_role };
    let primary_key = key(
        l,
        &l.primary,
        &format!("healthcare-dr primary data key ({PRIMARY_REGION}) {suffix}"),
        key_policy(&roles, PRIMARY_REGION, primary_extra),
        &format!("alias/healthcare-dr-primary-{suffix}"),
    )
    .await?;
    let dr_key = key(
        l,
        &l.dr,
        &format!("healthcare-dr DR data key ({DR_REGION}) {suffix}"),
        key_policy(&roles, DR_REGION, vec![]),
        &format!("alias/healthcare-dr-dr-{suffix}"),
    )
    .await?;

    // Networks: the DR one overlaps the primary's range or keeps to one AZ when asked.
    let primary_net = network(l, &l.primary, "primary", PRIMARY_CIDR, 0, false).await?;
    let (dr_cidr, dr_octet) = if l.has(&m::DR_VPC_OVERLAPPING_CIDR) { (PRIMARY_CIDR, 0) } else { (DR_CIDR, 1) };
    let dr_net = network(l, &l.dr, "dr", dr_cidr, dr_octet, l.has(&m::DR_SUBNETS_ONE_AZ)).await?;

    // The global cluster, created empty (moto answers a source ARN with HTTP 500); both
    // clusters join it through GlobalClusterIdentifier, as the Terraform provider does.
    let global_cluster = format!("healthcare-global-{suffix}");
    let global_cluster_arn = l
        .primary
        .rds
        .create_global_cluster()
        .global_cluster_identifier(&global_cluster)
        .engine(ENGINE)
        .engine_version(ENGINE_VERSION)
        .storage_encrypted(true)
        .deletion_protection(false)
        .set_tags(Some(rds_tags(l, &[])))
        .send()
        .await
        .map_err(step("CreateGlobalCluster"))?
        .global_cluster
        .and_then(|g| g.global_cluster_arn)
        .unwrap_or_default();

    // The master credentials: generated by the layout (random_password), kept in their own
    // secret under the primary key and replicated to DR under the DR key. The value carries the
    // canary, so reports can be searched for leaks.
    let master_username = "healthcare_admin";
    let master_password = format!("{SECRET_CANARY}-master-password");
    let mut secret = l
        .primary
        .secretsmanager
        .create_secret()
        .name(format!("healthcare-db-master-{suffix}"))
        .description("master credentials of the healthcare-dr Aurora global database")
        .secret_string(json!({ "username": master_username, "password": master_password }).to_string());
    if !l.has(&m::MASTER_SECRET_DEFAULT_KEY) {
        secret = secret.kms_key_id(&primary_key);
    }
    if !l.has(&m::MASTER_SECRET_NOT_REPLICATED) {
        secret = secret.add_replica_regions(ReplicaRegionType::builder().region(DR_REGION).kms_key_id(&dr_key).build());
    }
    for (k, v) in l.tags(&[]) {
        secret = secret.tags(SecretTag::builder().key(k).value(v).build());
    }
    let secret_arn = secret.send().await.map_err(step("CreateSecret"))?.arn.unwrap_or_default();

    // Primary cluster: Serverless v2 0.5..2 ACU under the primary key, two instances in two AZs.
    let engine_version = if l.has(&m::PRIMARY_ENGINE_15_4) { "15.4" } else { ENGINE_VERSION };
    let primary_cluster = format!("healthcare-db-{suffix}");
    let created = l
        .primary
        .rds
        .create_db_cluster()
        .db_cluster_identifier(&primary_cluster)
        .global_cluster_identifier(&global_cluster)
        .engine(ENGINE)
        .engine_version(engine_version)
        .engine_mode("provisioned")
        .serverless_v2_scaling_configuration(scaling(2.0))
        .database_name("healthcare")
        .master_username(master_username)
        .master_user_password(&master_password)
        .storage_encrypted(true)
        .kms_key_id(&primary_key)
        .enable_cloudwatch_logs_exports("postgresql")
        .preferred_backup_window("03:00-04:00")
        .preferred_maintenance_window("sun:04:30-sun:05:30")
        .backup_retention_period(7)
        .copy_tags_to_snapshot(true)
        .deletion_protection(false)
        .db_subnet_group_name(&primary_net.subnet_group)
        .vpc_security_group_ids(&primary_net.sg)
        .set_tags(Some(rds_tags(l, &[])))
        .send()
        .await
        .map_err(step("CreateDBCluster"))?
        .db_cluster;
    let primary_cluster_arn = created.as_ref().and_then(|c| c.db_cluster_arn.clone()).unwrap_or_default();
    let primary_endpoint = created.and_then(|c| c.endpoint).unwrap_or_default();
    let zones = zones(&l.primary).await?;
    let one_az = l.has(&m::PRIMARY_INSTANCES_ONE_AZ);
    for (n, zone) in [(1, &zones.0), (2, if one_az { &zones.0 } else { &zones.1 })] {
        let id = format!("healthcare-db-{suffix}-{n}");
        instance(l, &l.primary, &id, &primary_cluster, engine_version, Some(zone), &primary_net.subnet_group).await?;
    }

    // DR cluster: a secondary of the global database under the DR key, with one instance.
    let dr_cluster = format!("healthcare-db-dr-{suffix}");
    let dr_key_for_cluster = if l.has(&m::DR_CLUSTER_PRIMARY_KEY) { &primary_key } else { &dr_key };
    let mut create =
        l.dr.rds
            .create_db_cluster()
            .db_cluster_identifier(&dr_cluster)
            .engine(ENGINE)
            .engine_version(ENGINE_VERSION)
            .engine_mode("provisioned")
            .serverless_v2_scaling_configuration(scaling(if l.has(&m::DR_SERVERLESS_MAX_16) { 16.0 } else { 2.0 }))
            .storage_encrypted(true)
            .kms_key_id(dr_key_for_cluster)
            .preferred_backup_window(if l.has(&m::DR_BACKUP_WINDOW_MIDDAY) { "12:00-13:00" } else { "03:00-04:00" })
            .backup_retention_period(7)
            .copy_tags_to_snapshot(true)
            .deletion_protection(false)
            .db_subnet_group_name(&dr_net.subnet_group)
            .vpc_security_group_ids(&dr_net.sg)
            .set_tags(Some(rds_tags(l, &[])));
    if !l.has(&m::DR_CLUSTER_NO_LOG_EXPORT) {
        create = create.enable_cloudwatch_logs_exports("postgresql");
    }
    create = if l.has(&m::DR_CLUSTER_OUTSIDE_GLOBAL) {
        // A standalone cluster needs credentials of its own (AWS and moto both refuse it without).
        create.master_username(master_username).master_user_password(&master_password)
    } else {
        create.global_cluster_identifier(&global_cluster)
    };
    let dr_cluster_arn = create
        .send()
        .await
        .map_err(step("CreateDBCluster"))?
        .db_cluster
        .and_then(|c| c.db_cluster_arn)
        .unwrap_or_default();
    let dr_instance = format!("healthcare-db-dr-{suffix}-1");
    instance(l, &l.dr, &dr_instance, &dr_cluster, ENGINE_VERSION, None, &dr_net.subnet_group).await?;

    // Drift applied after creation.
    for mutant in l.mutants.iter() {
        match *mutant {
            m::DR_KEY_DISABLED => {
                // moto answers DisableKey by ARN with HTTP 500; by key id it works.
                let key_id = dr_key.rsplit_once("key/").map_or(dr_key.as_str(), |(_, id)| id);
                l.dr.kms.disable_key().key_id(key_id).send().await.map_err(step("DisableKey"))?;
            }
            m::PRIMARY_KEY_ROTATION_OFF => {
                l.primary
                    .kms
                    .disable_key_rotation()
                    .key_id(&primary_key)
                    .send()
                    .await
                    .map_err(step("DisableKeyRotation"))?;
            }
            m::PRIMARY_SUBNET_PUBLIC_IP => {
                let subnet = primary_net.subnets.get(1).map(String::as_str).unwrap_or_default();
                l.primary
                    .ec2
                    .modify_subnet_attribute()
                    .subnet_id(subnet)
                    .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
                    .send()
                    .await
                    .map_err(step("ModifySubnetAttribute"))?;
            }
            m::DR_DB_SG_OPEN => {
                allow_postgres(&l.dr, &dr_net.sg, "0.0.0.0/0", "PostgreSQL from anywhere").await?;
            }
            m::PRIMARY_BACKUP_RETENTION_1 => {
                l.primary
                    .rds
                    .modify_db_cluster()
                    .db_cluster_identifier(&primary_cluster)
                    .backup_retention_period(1)
                    .apply_immediately(true)
                    .send()
                    .await
                    .map_err(step("ModifyDBCluster"))?;
            }
            m::PRIMARY_INSTANCE_PUBLIC => {
                l.primary
                    .rds
                    .modify_db_instance()
                    .db_instance_identifier(format!("healthcare-db-{suffix}-2"))
                    .publicly_accessible(true)
                    .apply_immediately(true)
                    .send()
                    .await
                    .map_err(step("ModifyDBInstance"))?;
            }
            // Made at creation above, or another layer's.
            _ => {}
        }
    }

    l.output("PrimaryRegion", PRIMARY_REGION);
    l.output("DrRegion", DR_REGION);
    l.output("PrimaryKmsKeyArn", primary_key.clone());
    l.output("DrKmsKeyArn", dr_key.clone());
    l.output("PrimaryVpcId", primary_net.vpc);
    l.output("DrVpcId", dr_net.vpc);
    l.output("PrimaryPrivateSubnetIds", primary_net.subnets.join(","));
    l.output("DrPrivateSubnetIds", dr_net.subnets.join(","));
    l.output("PrimaryDbSecurityGroupId", primary_net.sg);
    l.output("DrDbSecurityGroupId", dr_net.sg);
    l.output("GlobalClusterIdentifier", global_cluster.clone());
    l.output("PrimaryClusterIdentifier", primary_cluster.clone());
    l.output("DrClusterIdentifier", dr_cluster);
    l.output("PrimaryMasterUserSecretArn", secret_arn);
    l.output("ReplicationRoleArn", replication_role.clone());
    Ok(Core {
        account,
        primary_key,
        dr_key,
        replication_role,
        global_cluster,
        global_cluster_arn,
        primary_cluster,
        primary_cluster_arn,
        primary_endpoint,
        dr_cluster_arn,
    })
}

/// The principals main.ts's key policies name.
struct Roles<'a> {
    account: &'a str,
    replication: &'a str,
    backup: &'a str,
}

/// main.ts `keyPolicy(region, extra)`.
fn key_policy(r: &Roles<'_>, region: &str, extra: Vec<Value>) -> String {
    let (account, root) = (r.account, format!("arn:aws:iam::{}:root", r.account));
    let mut statements = vec![
        json!({
            "Sid": "AccountRootAdministersTheKey",
            "Effect": "Allow",
            "Principal": { "AWS": root },
            "Action": "kms:*",
            "Resource": "*",
        }),
        json!({
            "Sid": "S3ReplicationRole",
            "Effect": "Allow",
            "Principal": { "AWS": r.replication },
            "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": { "StringEquals": { "kms:ViaService": format!("s3.{region}.amazonaws.com") } },
        }),
        json!({
            "Sid": "BackupRole",
            "Effect": "Allow",
            "Principal": { "AWS": r.backup },
            "Action": ["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": "*",
        }),
        json!({
            "Sid": "BackupRoleGrantsForAwsResources",
            "Effect": "Allow",
            "Principal": { "AWS": r.backup },
            "Action": "kms:CreateGrant",
            "Resource": "*",
            "Condition": { "Bool": { "kms:GrantIsForAWSResource": "true" } },
        }),
        json!({
            "Sid": "SecretsManagerUsesKeyForAccount",
            "Effect": "Allow",
            "Principal": { "AWS": root },
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": format!("secretsmanager.{region}.amazonaws.com"),
                    "kms:CallerAccount": account,
                },
            },
        }),
    ];
    statements.extend(extra);
    policy(statements)
}

/// Creates a rotating key with its alias in `s`'s region; returns its ARN.
async fn key(l: &Layout, s: &Seeder, description: &str, policy: String, alias: &str) -> Result<String, SeedError> {
    let mut create = s.kms.create_key().description(description).policy(policy);
    for (k, v) in l.tags(&[]) {
        create = create.tags(aws_sdk_kms::types::Tag::builder().tag_key(k).tag_value(v).build().map_err(step("Tag"))?);
    }
    let arn = create.send().await.map_err(step("CreateKey"))?.key_metadata.and_then(|m| m.arn).unwrap_or_default();
    s.kms.enable_key_rotation().key_id(&arn).send().await.map_err(step("EnableKeyRotation"))?;
    s.kms.create_alias().alias_name(alias).target_key_id(&arn).send().await.map_err(step("CreateAlias"))?;
    Ok(arn)
}

/// The region's first two available zones, as main.ts's `Fn.element(azs.names, 0|1)`.
async fn zones(s: &Seeder) -> Result<(String, String), SeedError> {
    let zones = s
        .ec2
        .describe_availability_zones()
        .filters(Filter::builder().name("state").values("available").build())
        .send()
        .await
        .map_err(step("DescribeAvailabilityZones"))?;
    let mut zones: Vec<String> = zones.availability_zones().iter().filter_map(|z| z.zone_name.clone()).collect();
    zones.sort();
    match zones.as_slice() {
        [a, b, ..] => Ok((a.clone(), b.clone())),
        _ => Err(SeedError::Api {
            step: "DescribeAvailabilityZones".into(),
            detail: format!("{} has fewer than two zones", s.region),
        }),
    }
}

fn ec2_tags(l: &Layout, kind: ResourceType, own: &[(&str, &str)]) -> TagSpecification {
    let tags = l.tags(own).into_iter().map(|(k, v)| Ec2Tag::builder().key(k).value(v).build());
    TagSpecification::builder().resource_type(kind).set_tags(Some(tags.collect())).build()
}

fn rds_tags(l: &Layout, own: &[(&str, &str)]) -> Vec<RdsTag> {
    l.tags(own).into_iter().map(|(k, v)| RdsTag::builder().key(k).value(v).build()).collect()
}

fn scaling(max: f64) -> ServerlessV2ScalingConfiguration {
    ServerlessV2ScalingConfiguration::builder().min_capacity(0.5).max_capacity(max).build()
}

/// main.ts `network(side, provider, cidr, octet, azs)`; `one_az` puts both subnets in the first zone.
async fn network(
    l: &Layout,
    s: &Seeder,
    side: &str,
    cidr: &str,
    octet: u8,
    one_az: bool,
) -> Result<Network, SeedError> {
    let suffix = &l.suffix;
    let ec2 = &s.ec2;
    let vpc = crate::create_vpc(
        ec2,
        cidr,
        ec2_tags(l, ResourceType::Vpc, &[("Name", &format!("healthcare-{side}-vpc-{suffix}"))]),
    )
    .await?;

    let (az1, az2) = zones(s).await?;
    let mut subnets = Vec::new();
    for (n, zone) in [(1, &az1), (2, if one_az { &az1 } else { &az2 })] {
        let name = format!("healthcare-{side}-private-{n}-{suffix}");
        let tags = ec2_tags(l, ResourceType::Subnet, &[("Name", &name), ("Tier", "private")]);
        let id = ec2
            .create_subnet()
            .vpc_id(&vpc)
            .cidr_block(format!("10.{octet}.{n}.0/24"))
            .availability_zone(zone)
            .tag_specifications(tags)
            .send()
            .await
            .map_err(step("CreateSubnet"))?
            .subnet
            .and_then(|s| s.subnet_id)
            .unwrap_or_default();
        subnets.push(id);
    }

    // 5432 from the VPC only, and egress to the VPC only (Terraform drops the default egress).
    let sg_name = format!("healthcare-{side}-db-sg-{suffix}");
    let sg = ec2
        .create_security_group()
        .group_name(&sg_name)
        .description("Aurora PostgreSQL: 5432 from inside the VPC only")
        .vpc_id(&vpc)
        .tag_specifications(ec2_tags(l, ResourceType::SecurityGroup, &[("Name", &sg_name)]))
        .send()
        .await
        .map_err(step("CreateSecurityGroup"))?
        .group_id
        .unwrap_or_default();
    let all_traffic = |range: &str, about: Option<&str>| {
        IpPermission::builder()
            .ip_protocol("-1")
            .ip_ranges(IpRange::builder().cidr_ip(range).set_description(about.map(str::to_owned)).build())
            .build()
    };
    ec2.revoke_security_group_egress()
        .group_id(&sg)
        .ip_permissions(all_traffic("0.0.0.0/0", None))
        .send()
        .await
        .map_err(step("RevokeSecurityGroupEgress"))?;
    ec2.authorize_security_group_egress()
        .group_id(&sg)
        .ip_permissions(all_traffic(cidr, Some("Inside the VPC only")))
        .send()
        .await
        .map_err(step("AuthorizeSecurityGroupEgress"))?;
    allow_postgres(s, &sg, cidr, "PostgreSQL from the VPC").await?;

    let subnet_group = format!("healthcare-{side}-db-subnets-{suffix}");
    s.rds
        .create_db_subnet_group()
        .db_subnet_group_name(&subnet_group)
        .db_subnet_group_description(format!("private subnets of the {side} Aurora cluster"))
        .set_subnet_ids(Some(subnets.clone()))
        .set_tags(Some(rds_tags(l, &[])))
        .send()
        .await
        .map_err(step("CreateDBSubnetGroup"))?;
    Ok(Network { vpc, subnets, sg, subnet_group })
}

/// Admits PostgreSQL (tcp 5432) from `cidr` into security group `sg`.
async fn allow_postgres(s: &Seeder, sg: &str, cidr: &str, about: &str) -> Result<(), SeedError> {
    let rule = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(5432)
        .to_port(5432)
        .ip_ranges(IpRange::builder().cidr_ip(cidr).description(about).build())
        .build();
    s.ec2
        .authorize_security_group_ingress()
        .group_id(sg)
        .ip_permissions(rule)
        .send()
        .await
        .map_err(step("AuthorizeSecurityGroupIngress"))?;
    Ok(())
}

/// A Serverless v2 instance of `cluster`, not publicly accessible.
async fn instance(
    l: &Layout,
    s: &Seeder,
    id: &str,
    cluster: &str,
    engine_version: &str,
    zone: Option<&str>,
    subnet_group: &str,
) -> Result<(), SeedError> {
    s.rds
        .create_db_instance()
        .db_instance_identifier(id)
        .db_cluster_identifier(cluster)
        .db_instance_class("db.serverless")
        .engine(ENGINE)
        .engine_version(engine_version)
        .set_availability_zone(zone.map(str::to_owned))
        .db_subnet_group_name(subnet_group)
        .publicly_accessible(false)
        .set_tags(Some(rds_tags(l, &[])))
        .send()
        .await
        .map_err(step("CreateDBInstance"))?;
    Ok(())
}
