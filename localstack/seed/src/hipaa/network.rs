//! Network, keys and audit logs of the HIPAA reference deployment, and their mutants.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{
    AttributeBooleanValue, DomainType, FlowLogsResourceType, IpPermission, IpRange, LogDestinationType, ResourceType,
    Tag, TagSpecification, TrafficType, UserIdGroupPair,
};
use stackproof_harness::deployment::Suffix;

use super::{APP_PORT, Base, CACHE_PORT, DB_PORT, Mutants, NFS_PORT, SECRET_CANARY, SecurityGroups, VPC_CIDR};

/// Where a security group rule admits traffic from.
enum Source<'a> {
    Group(&'a str),
    Cidr(&'a str),
}
use crate::{SeedError, Seeder, step};
use stackproof::hipaa::mutants as m;
use stackproof_harness::mutation::Mutant;

/// Tags every seeded resource carries, as the template's do.
pub(crate) fn tags(name: &str, suffix: &Suffix) -> Vec<Tag> {
    vec![
        Tag::builder().key("Name").value(name).build(),
        Tag::builder().key("EnvironmentSuffix").value(suffix.as_str()).build(),
        Tag::builder().key("StackName").value(format!("TapStack{suffix}")).build(),
    ]
}

pub(crate) fn tagged(kind: ResourceType, name: &str, suffix: &Suffix) -> TagSpecification {
    TagSpecification::builder().resource_type(kind).set_tags(Some(tags(name, suffix))).build()
}

/// Seeds the network, keys and audit log group; applies this layer's mutants.
pub async fn deploy(s: &Seeder, suffix: &Suffix, mutants: &Mutants) -> Result<Base, SeedError> {
    let has = |mutant: &Mutant| mutants.has(mutant);
    let ec2 = &s.ec2;

    // Network: VPC, two public and two private subnets over two AZs.
    let zones = ec2.describe_availability_zones().send().await.map_err(step("DescribeAvailabilityZones"))?;
    let mut zones: Vec<String> = zones.availability_zones().iter().filter_map(|z| z.zone_name.clone()).collect();
    zones.sort();
    let (az1, az2) = match zones.as_slice() {
        [a, b, ..] => (a.clone(), b.clone()),
        _ => {
            return Err(SeedError::Api {
                step: "DescribeAvailabilityZones".into(),
                detail: "fewer than two zones".into(),
            });
        }
    };
    let vpc = crate::create_vpc(ec2, VPC_CIDR, tagged(ResourceType::Vpc, &format!("vpc-{suffix}"), suffix)).await?;

    let private2_az = if has(&m::PRIVATE_SUBNETS_ONE_AZ) { &az1 } else { &az2 };
    let subnet = async |name: String, cidr: &str, az: &str, public: bool| -> Result<String, SeedError> {
        let id = ec2
            .create_subnet()
            .vpc_id(&vpc)
            .cidr_block(cidr)
            .availability_zone(az)
            .tag_specifications(tagged(ResourceType::Subnet, &name, suffix))
            .send()
            .await
            .map_err(step("CreateSubnet"))?
            .subnet
            .and_then(|s| s.subnet_id)
            .unwrap_or_default();
        ec2.modify_subnet_attribute()
            .subnet_id(&id)
            .map_public_ip_on_launch(AttributeBooleanValue::builder().value(public).build())
            .send()
            .await
            .map_err(step("ModifySubnetAttribute"))?;
        Ok(id)
    };
    let public1 = subnet(format!("public-subnet-1-{suffix}"), "10.0.0.0/18", &az1, true).await?;
    let public2 = subnet(format!("public-subnet-2-{suffix}"), "10.0.64.0/18", &az2, true).await?;
    let private1 = subnet(format!("private-subnet-1-{suffix}"), "10.0.128.0/18", &az1, false).await?;
    let private2 = subnet(format!("private-subnet-2-{suffix}"), "10.0.192.0/18", private2_az, false).await?;

    let igw = ec2
        .create_internet_gateway()
        .tag_specifications(tagged(ResourceType::InternetGateway, &format!("igw-{suffix}"), suffix))
        .send()
        .await
        .map_err(step("CreateInternetGateway"))?
        .internet_gateway
        .and_then(|g| g.internet_gateway_id)
        .unwrap_or_default();
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(&vpc)
        .send()
        .await
        .map_err(step("AttachInternetGateway"))?;

    let route_table = async |name: String, subnets: &[&str]| -> Result<String, SeedError> {
        let id = ec2
            .create_route_table()
            .vpc_id(&vpc)
            .tag_specifications(tagged(ResourceType::RouteTable, &name, suffix))
            .send()
            .await
            .map_err(step("CreateRouteTable"))?
            .route_table
            .and_then(|t| t.route_table_id)
            .unwrap_or_default();
        for subnet in subnets {
            ec2.associate_route_table()
                .route_table_id(&id)
                .subnet_id(*subnet)
                .send()
                .await
                .map_err(step("AssociateRouteTable"))?;
        }
        Ok(id)
    };
    let public_rt = route_table(format!("public-route-table-{suffix}"), &[&public1, &public2]).await?;
    ec2.create_route()
        .route_table_id(&public_rt)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .map_err(step("CreateRoute"))?;

    // One NAT gateway per AZ, each in its public subnet, each private table routed to its own.
    let mut nats = Vec::new();
    let mut private_rts = Vec::new();
    for (i, (public, private)) in [(&public1, &private1), (&public2, &private2)].into_iter().enumerate() {
        let n = i + 1;
        let eip = ec2
            .allocate_address()
            .domain(DomainType::Vpc)
            .tag_specifications(tagged(ResourceType::ElasticIp, &format!("nat-eip-{n}-{suffix}"), suffix))
            .send()
            .await
            .map_err(step("AllocateAddress"))?
            .allocation_id
            .unwrap_or_default();
        let nat = ec2
            .create_nat_gateway()
            .subnet_id(public)
            .allocation_id(eip)
            .tag_specifications(tagged(ResourceType::Natgateway, &format!("nat-gateway-{n}-{suffix}"), suffix))
            .send()
            .await
            .map_err(step("CreateNatGateway"))?
            .nat_gateway
            .and_then(|g| g.nat_gateway_id)
            .unwrap_or_default();
        let rt = route_table(format!("private-route-table-{n}-{suffix}"), &[private]).await?;
        ec2.create_route()
            .route_table_id(&rt)
            .destination_cidr_block("0.0.0.0/0")
            .nat_gateway_id(&nat)
            .send()
            .await
            .map_err(step("CreateRoute"))?;
        nats.push(nat);
        private_rts.push(rt);
    }

    // Keys: data and logs, rotating, with aliases.
    let key = async |name: &str, alias: String| -> Result<String, SeedError> {
        let arn = s
            .kms
            .create_key()
            .description(format!("{name} ({})", "stacks/hipaa/v1"))
            .tags(aws_sdk_kms::types::Tag::builder().tag_key("Name").tag_value(name).build().map_err(step("Tag"))?)
            .tags(
                aws_sdk_kms::types::Tag::builder()
                    .tag_key("EnvironmentSuffix")
                    .tag_value(suffix.as_str())
                    .build()
                    .map_err(step("Tag"))?,
            )
            .send()
            .await
            .map_err(step("CreateKey"))?
            .key_metadata
            .and_then(|m| m.arn)
            .unwrap_or_default();
        s.kms.enable_key_rotation().key_id(&arn).send().await.map_err(step("EnableKeyRotation"))?;
        s.kms.create_alias().alias_name(alias).target_key_id(&arn).send().await.map_err(step("CreateAlias"))?;
        Ok(arn)
    };
    let data_key = key(&format!("kms-data-key-{suffix}"), format!("alias/hipaa-data-{suffix}")).await?;
    let logs_key = key(&format!("kms-logs-key-{suffix}"), format!("alias/hipaa-logs-{suffix}")).await?;

    // Audit log group under the logs key, kept a year.
    let audit_group = format!("/hipaa/audit-{suffix}");
    let audit_key = if has(&m::LOG_GROUP_FOREIGN_KEY) {
        s.kms
            .create_key()
            .description(format!("a key that is not the stack's ({suffix})"))
            .send()
            .await
            .map_err(step("CreateKey"))?
            .key_metadata
            .and_then(|m| m.arn)
            .unwrap_or_default()
    } else {
        logs_key.clone()
    };
    s.logs
        .create_log_group()
        .log_group_name(&audit_group)
        .kms_key_id(audit_key)
        .tags("Name", format!("audit-log-group-{suffix}"))
        .tags("EnvironmentSuffix", suffix.as_str())
        .send()
        .await
        .map_err(step("CreateLogGroup"))?;
    s.logs
        .put_retention_policy()
        .log_group_name(&audit_group)
        .retention_in_days(365)
        .send()
        .await
        .map_err(step("PutRetentionPolicy"))?;

    // The other log groups, all under the logs key and kept 90 days.
    let ecs_group = if has(&m::NAME_WITHOUT_SUFFIX) { "/hipaa/ecs".to_owned() } else { format!("/hipaa/ecs-{suffix}") };
    let api_group = format!("/hipaa/api-access-{suffix}");
    let flow_group = format!("/hipaa/vpc-flow-logs-{suffix}");
    for group in [&ecs_group, &api_group, &flow_group] {
        s.logs
            .create_log_group()
            .log_group_name(group)
            .kms_key_id(&logs_key)
            .tags("EnvironmentSuffix", suffix.as_str())
            .send()
            .await
            .map_err(step("CreateLogGroup"))?;
        s.logs
            .put_retention_policy()
            .log_group_name(group)
            .retention_in_days(90)
            .send()
            .await
            .map_err(step("PutRetentionPolicy"))?;
    }

    // VPC flow logs (all traffic) into their log group, through a role of their own.
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"vpc-flow-logs.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let flow_role = s
        .iam
        .create_role()
        .role_name(format!("vpc-flow-logs-role-{suffix}"))
        .assume_role_policy_document(trust)
        .send()
        .await
        .map_err(step("CreateRole"))?
        .role
        .map(|r| r.arn)
        .unwrap_or_default();
    let flow_log = ec2
        .create_flow_logs()
        .resource_ids(&vpc)
        .resource_type(FlowLogsResourceType::Vpc)
        .traffic_type(TrafficType::All)
        .log_destination_type(LogDestinationType::CloudWatchLogs)
        .log_group_name(&flow_group)
        .deliver_logs_permission_arn(flow_role)
        .tag_specifications(tagged(ResourceType::VpcFlowLog, &format!("vpc-flow-log-{suffix}"), suffix))
        .send()
        .await
        .map_err(step("CreateFlowLogs"))?
        .flow_log_ids
        .unwrap_or_default();

    // Security groups: each tier admits only the tier in front of it, on its one port.
    let group = async |name: String, about: &str| -> Result<String, SeedError> {
        Ok(ec2
            .create_security_group()
            .group_name(&name)
            .description(about)
            .vpc_id(&vpc)
            .tag_specifications(tagged(ResourceType::SecurityGroup, &name, suffix))
            .send()
            .await
            .map_err(step("CreateSecurityGroup"))?
            .group_id
            .unwrap_or_default())
    };
    let sg = SecurityGroups {
        load_balancer: group(format!("nlb-sg-{suffix}"), "internal load balancer").await?,
        app: group(format!("app-sg-{suffix}"), "ECS tasks").await?,
        database: group(format!("db-sg-{suffix}"), "Aurora").await?,
        cache: group(format!("cache-sg-{suffix}"), "Redis").await?,
        efs: group(format!("efs-sg-{suffix}"), "EFS mount targets").await?,
    };
    let allow = async |to: &str, port: i32, from: Source<'_>| -> Result<(), SeedError> {
        let rule = IpPermission::builder().ip_protocol("tcp").from_port(port).to_port(port);
        let rule = match from {
            Source::Group(g) => rule.user_id_group_pairs(UserIdGroupPair::builder().group_id(g).build()),
            Source::Cidr(c) => rule.ip_ranges(IpRange::builder().cidr_ip(c).build()),
        };
        ec2.authorize_security_group_ingress()
            .group_id(to)
            .ip_permissions(rule.build())
            .send()
            .await
            .map_err(step("AuthorizeSecurityGroupIngress"))?;
        Ok(())
    };
    allow(&sg.load_balancer, APP_PORT, Source::Cidr(VPC_CIDR)).await?;
    allow(&sg.app, APP_PORT, Source::Group(&sg.load_balancer)).await?;
    allow(&sg.database, DB_PORT, Source::Group(&sg.app)).await?;
    allow(&sg.cache, CACHE_PORT, Source::Group(&sg.app)).await?;
    allow(&sg.efs, NFS_PORT, Source::Group(&sg.app)).await?;

    // The secrets the stack consumes exist before it, as in a user's account; their values hold
    // a canary so reports can be searched for leaks.
    let secret = async |name: String, value: String| -> Result<String, SeedError> {
        Ok(s.secretsmanager
            .create_secret()
            .name(name)
            .secret_string(value)
            .kms_key_id(&data_key)
            .send()
            .await
            .map_err(step("CreateSecret"))?
            .arn
            .unwrap_or_default())
    };
    let db_secret = secret(
        format!("db-credentials-{suffix}"),
        format!(r#"{{"username":"hipaa_admin","password":"{SECRET_CANARY}-db-password"}}"#),
    )
    .await?;
    let api_secret = secret(
        format!("api-keys-{suffix}"),
        format!(r#"{{"api_key":"{SECRET_CANARY}-api-key","redis_auth_token":"{SECRET_CANARY}-redis-auth-token"}}"#),
    )
    .await?;

    // Drift applied on top of the compliant deployment.
    for mutant in mutants.iter() {
        match *mutant {
            m::KMS_ROTATION_OFF => {
                s.kms.disable_key_rotation().key_id(&data_key).send().await.map_err(step("DisableKeyRotation"))?;
            }
            m::KMS_KEY_DISABLED => {
                // moto 5.2.5 answers DisableKey by ARN with HTTP 500; by key id it works.
                let key_id = data_key.rsplit_once("key/").map_or(data_key.as_str(), |(_, id)| id);
                s.kms.disable_key().key_id(key_id).send().await.map_err(step("DisableKey"))?;
            }
            m::PRIVATE_SUBNET_PUBLIC_IP => {
                ec2.modify_subnet_attribute()
                    .subnet_id(&private2)
                    .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
                    .send()
                    .await
                    .map_err(step("ModifySubnetAttribute"))?;
            }
            m::PRIVATE_ROUTE_TO_IGW => {
                ec2.replace_route()
                    .route_table_id(&private_rts[0])
                    .destination_cidr_block("0.0.0.0/0")
                    .gateway_id(&igw)
                    .send()
                    .await
                    .map_err(step("ReplaceRoute"))?;
            }
            m::NAT_MISSING => {
                ec2.delete_nat_gateway().nat_gateway_id(&nats[0]).send().await.map_err(step("DeleteNatGateway"))?;
            }
            m::VPC_DNS_HOSTNAMES_OFF => {
                let off = AttributeBooleanValue::builder().value(false).build();
                ec2.modify_vpc_attribute()
                    .vpc_id(&vpc)
                    .enable_dns_hostnames(off)
                    .send()
                    .await
                    .map_err(step("ModifyVpcAttribute"))?;
            }
            m::PUBLIC_ROUTE_MISSING => {
                ec2.delete_route()
                    .route_table_id(&public_rt)
                    .destination_cidr_block("0.0.0.0/0")
                    .send()
                    .await
                    .map_err(step("DeleteRoute"))?;
            }
            m::FLOW_LOGS_OFF => {
                ec2.delete_flow_logs()
                    .set_flow_log_ids(Some(flow_log.clone()))
                    .send()
                    .await
                    .map_err(step("DeleteFlowLogs"))?;
            }
            m::DB_INGRESS_FROM_LOAD_BALANCER => allow(&sg.database, DB_PORT, Source::Group(&sg.load_balancer)).await?,
            m::CACHE_INGRESS_EXTRA_PORT => allow(&sg.cache, 22, Source::Group(&sg.app)).await?,
            m::EFS_INGRESS_FROM_VPC_CIDR => allow(&sg.efs, NFS_PORT, Source::Cidr(VPC_CIDR)).await?,
            m::APP_OPEN_TO_WORLD => allow(&sg.app, APP_PORT, Source::Cidr("0.0.0.0/0")).await?,
            m::LOG_RETENTION_OFF => {
                s.logs
                    .delete_retention_policy()
                    .log_group_name(&audit_group)
                    .send()
                    .await
                    .map_err(step("DeleteRetentionPolicy"))?;
            }
            // Applied at creation above, or another layer's.
            _ => {}
        }
    }

    let outputs: BTreeMap<String, String> = [
        ("VpcId", vpc.clone()),
        ("PublicSubnetIds", format!("{public1},{public2}")),
        ("PrivateSubnetIds", format!("{private1},{private2}")),
        ("InternetGatewayId", igw),
        ("NatGatewayIds", nats.join(",")),
        ("PublicRouteTableId", public_rt),
        ("PrivateRouteTableIds", private_rts.join(",")),
        ("DataKeyArn", data_key.clone()),
        ("LogsKeyArn", logs_key.clone()),
        ("AuditLogGroupName", audit_group),
        ("EcsLogGroupName", ecs_group.clone()),
        ("ApiAccessLogGroupName", api_group.clone()),
        ("FlowLogGroupName", flow_group),
        ("LoadBalancerSecurityGroupId", sg.load_balancer.clone()),
        ("AppSecurityGroupId", sg.app.clone()),
        ("DatabaseSecurityGroupId", sg.database.clone()),
        ("CacheSecurityGroupId", sg.cache.clone()),
        ("EfsSecurityGroupId", sg.efs.clone()),
        ("DatabaseSecretArn", db_secret.clone()),
        ("ApiKeysSecretArn", api_secret.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    Ok(Base {
        suffix: suffix.clone(),
        vpc,
        public_subnets: vec![public1, public2],
        private_subnets: vec![private1, private2],
        data_key,
        logs_key,
        sg,
        ecs_log_group: ecs_group,
        api_access_log_group: api_group,
        db_secret,
        api_secret,
        outputs,
    })
}
