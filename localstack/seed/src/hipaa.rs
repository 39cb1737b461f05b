//! The HIPAA stack's reference deployment (network and key layer), as stacks/hipaa/v1 declares
//! it, and its mutants.

use std::collections::BTreeMap;

use aws_sdk_cloudformation::types::Tag as CfnTag;
use aws_sdk_ec2::types::{AttributeBooleanValue, DomainType, ResourceType, Tag, TagSpecification};
use serde_json::json;
use stackproof_harness::args::Suffix;

use crate::{SeedError, Seeder, step};

pub const REGION: &str = "eu-central-1";

/// Named breakages. Most are applied on top of a compliant deployment, as drift would be; a few
/// can only be made at creation time on the emulator and are noted so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutant {
    KmsRotationOff,
    KmsKeyDisabled,
    PrivateSubnetPublicIp,
    PrivateRouteToIgw,
    PrivateSubnetsOneAz,
    NatMissing,
    LogGroupForeignKey,
    LogRetentionOff,
}

impl Mutant {
    pub const ALL: &[Mutant] = &[
        Mutant::KmsRotationOff,
        Mutant::KmsKeyDisabled,
        Mutant::PrivateSubnetPublicIp,
        Mutant::PrivateRouteToIgw,
        Mutant::PrivateSubnetsOneAz,
        Mutant::NatMissing,
        Mutant::LogGroupForeignKey,
        Mutant::LogRetentionOff,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mutant::KmsRotationOff => "kms-rotation-off",
            Mutant::KmsKeyDisabled => "kms-key-disabled",
            Mutant::PrivateSubnetPublicIp => "private-subnet-public-ip",
            Mutant::PrivateRouteToIgw => "private-route-to-igw",
            Mutant::PrivateSubnetsOneAz => "private-subnets-one-az",
            Mutant::NatMissing => "nat-missing",
            Mutant::LogGroupForeignKey => "log-group-foreign-key",
            Mutant::LogRetentionOff => "log-retention-off",
        }
    }

    pub fn about(self) -> &'static str {
        match self {
            Mutant::KmsRotationOff => "DisableKeyRotation on the data key",
            Mutant::KmsKeyDisabled => "DisableKey on the data key",
            Mutant::PrivateSubnetPublicIp => "MapPublicIpOnLaunch=true on the second private subnet",
            Mutant::PrivateRouteToIgw => "the first private route table's 0.0.0.0/0 replaced by a route to the internet gateway",
            Mutant::PrivateSubnetsOneAz => "both private subnets created in the first AZ",
            Mutant::NatMissing => "the first NAT gateway deleted",
            Mutant::LogGroupForeignKey => "the audit log group created under a key that is not the stack's (AssociateKmsKey is not emulated)",
            Mutant::LogRetentionOff => "DeleteRetentionPolicy on the audit log group",
        }
    }

    pub fn parse(name: &str) -> Result<Self, SeedError> {
        Self::ALL.iter().copied().find(|m| m.name() == name).ok_or_else(|| SeedError::UnknownMutant {
            name: name.to_owned(),
            known: Self::ALL.iter().map(|m| m.name()).collect::<Vec<_>>().join(", "),
        })
    }
}

/// Tags every seeded resource carries, as the template's do.
fn tags(name: &str, suffix: &Suffix) -> Vec<Tag> {
    vec![
        Tag::builder().key("Name").value(name).build(),
        Tag::builder().key("EnvironmentSuffix").value(suffix.as_str()).build(),
        Tag::builder().key("StackName").value(format!("TapStack{suffix}")).build(),
    ]
}

fn tagged(kind: ResourceType, name: &str, suffix: &Suffix) -> TagSpecification {
    TagSpecification::builder().resource_type(kind).set_tags(Some(tags(name, suffix))).build()
}

/// Seeds the deployment, applies the mutants, registers `TapStack<suffix>` with the outputs
/// contract's keys, and returns those outputs.
pub async fn deploy(s: &Seeder, suffix: &Suffix, mutants: &[Mutant]) -> Result<BTreeMap<String, String>, SeedError> {
    let stack_name = format!("TapStack{suffix}");
    if s.cloudformation.describe_stacks().stack_name(&stack_name).send().await.is_ok() {
        return Err(SeedError::AlreadySeeded { suffix: suffix.to_string(), stack: stack_name });
    }
    let has = |m: Mutant| mutants.contains(&m);
    let ec2 = &s.ec2;

    // Network: VPC, two public and two private subnets over two AZs.
    let zones = ec2.describe_availability_zones().send().await.map_err(step("DescribeAvailabilityZones"))?;
    let mut zones: Vec<String> = zones.availability_zones().iter().filter_map(|z| z.zone_name.clone()).collect();
    zones.sort();
    let (az1, az2) = match zones.as_slice() {
        [a, b, ..] => (a.clone(), b.clone()),
        _ => return Err(SeedError::Api { step: "DescribeAvailabilityZones".into(), detail: "fewer than two zones".into() }),
    };
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .tag_specifications(tagged(ResourceType::Vpc, &format!("vpc-{suffix}"), suffix))
        .send()
        .await
        .map_err(step("CreateVpc"))?
        .vpc
        .and_then(|v| v.vpc_id)
        .unwrap_or_default();
    let on = || AttributeBooleanValue::builder().value(true).build();
    ec2.modify_vpc_attribute().vpc_id(&vpc).enable_dns_support(on()).send().await.map_err(step("ModifyVpcAttribute"))?;
    ec2.modify_vpc_attribute().vpc_id(&vpc).enable_dns_hostnames(on()).send().await.map_err(step("ModifyVpcAttribute"))?;

    let private2_az = if has(Mutant::PrivateSubnetsOneAz) { &az1 } else { &az2 };
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
    ec2.attach_internet_gateway().internet_gateway_id(&igw).vpc_id(&vpc).send().await.map_err(step("AttachInternetGateway"))?;

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
            ec2.associate_route_table().route_table_id(&id).subnet_id(*subnet).send().await.map_err(step("AssociateRouteTable"))?;
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
            .tags(aws_sdk_kms::types::Tag::builder().tag_key("EnvironmentSuffix").tag_value(suffix.as_str()).build().map_err(step("Tag"))?)
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
    let audit_key = if has(Mutant::LogGroupForeignKey) {
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
    s.logs.put_retention_policy().log_group_name(&audit_group).retention_in_days(365).send().await.map_err(step("PutRetentionPolicy"))?;

    // Drift applied on top of the compliant deployment.
    for m in mutants {
        match m {
            Mutant::KmsRotationOff => {
                s.kms.disable_key_rotation().key_id(&data_key).send().await.map_err(step("DisableKeyRotation"))?;
            }
            Mutant::KmsKeyDisabled => {
                // moto 5.2.5 answers DisableKey by ARN with HTTP 500; by key id it works.
                let key_id = data_key.rsplit_once("key/").map_or(data_key.as_str(), |(_, id)| id);
                s.kms.disable_key().key_id(key_id).send().await.map_err(step("DisableKey"))?;
            }
            Mutant::PrivateSubnetPublicIp => {
                ec2.modify_subnet_attribute()
                    .subnet_id(&private2)
                    .map_public_ip_on_launch(on())
                    .send()
                    .await
                    .map_err(step("ModifySubnetAttribute"))?;
            }
            Mutant::PrivateRouteToIgw => {
                ec2.replace_route()
                    .route_table_id(&private_rts[0])
                    .destination_cidr_block("0.0.0.0/0")
                    .gateway_id(&igw)
                    .send()
                    .await
                    .map_err(step("ReplaceRoute"))?;
            }
            Mutant::NatMissing => {
                ec2.delete_nat_gateway().nat_gateway_id(&nats[0]).send().await.map_err(step("DeleteNatGateway"))?;
            }
            Mutant::LogRetentionOff => {
                s.logs.delete_retention_policy().log_group_name(&audit_group).send().await.map_err(step("DeleteRetentionPolicy"))?;
            }
            // Applied at creation above.
            Mutant::PrivateSubnetsOneAz | Mutant::LogGroupForeignKey => {}
        }
    }

    let outputs: BTreeMap<String, String> = [
        ("VpcId", vpc),
        ("PublicSubnetIds", format!("{public1},{public2}")),
        ("PrivateSubnetIds", format!("{private1},{private2}")),
        ("InternetGatewayId", igw),
        ("NatGatewayIds", nats.join(",")),
        ("PublicRouteTableId", public_rt),
        ("PrivateRouteTableIds", private_rts.join(",")),
        ("DataKeyArn", data_key),
        ("LogsKeyArn", logs_key),
        ("AuditLogGroupName", audit_group),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    register_stack(s, &stack_name, suffix, &outputs).await?;
    Ok(outputs)
}

/// Registers a CloudFormation stack whose Outputs name the seeded resources, so DescribeStacks
/// answers as it would for a real deployment. Its only resource is a no-op.
async fn register_stack(s: &Seeder, name: &str, suffix: &Suffix, outputs: &BTreeMap<String, String>) -> Result<(), SeedError> {
    let template = json!({
        "Description": "stackproof emulator stand-in for stacks/hipaa/v1: outputs of the seeded resources",
        "Resources": { "Seeded": { "Type": "AWS::CloudFormation::WaitConditionHandle" } },
        "Outputs": outputs.iter().map(|(k, v)| (k.clone(), json!({ "Value": v }))).collect::<serde_json::Map<_, _>>(),
    });
    s.cloudformation
        .create_stack()
        .stack_name(name)
        .template_body(template.to_string())
        .tags(CfnTag::builder().key("EnvironmentSuffix").value(suffix.as_str()).build())
        .send()
        .await
        .map_err(step("CreateStack"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutant_names_round_trip_and_unknown_names_list_the_known_ones() {
        for m in Mutant::ALL {
            assert_eq!(Mutant::parse(m.name()).unwrap(), *m);
        }
        let err = Mutant::parse("kms-off").unwrap_err().to_string();
        assert!(err.contains("kms-off") && err.contains("kms-rotation-off") && err.contains("nat-missing"), "{err}");
    }
}
