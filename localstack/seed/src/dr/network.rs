//! One side's network (main.ts `network(side, provider, cidr, octet, azs)`): the VPC, two private
//! subnets, the database security group and the database subnet group.

use aws_sdk_ec2::types::{
    AddPrefixListEntry, AttributeBooleanValue, Filter, IpPermission, IpRange, PrefixListId, ResourceType,
    Tag as Ec2Tag, TagSpecification,
};

use super::aurora::rds_tags;
use super::{DR_CIDR, Layout, PRIMARY_CIDR, Side};
use crate::{SeedError, Seeder, step};
use stackproof::dr::mutants as m;

/// Aurora PostgreSQL's port.
pub(crate) const POSTGRES: i32 = 5432;
/// Every address: the default egress rule Terraform drops, and the open-ingress mutant.
pub(crate) const ANYWHERE: &str = "0.0.0.0/0";

/// A network as main.ts declares it.
pub(crate) struct NetworkSpec {
    pub side: Side,
    pub cidr: &'static str,
    /// The second octet of the subnets' ranges (`10.<octet>.<n>.0/24`).
    pub octet: u8,
    /// Both subnets in the first zone instead of one per zone.
    pub one_az: bool,
}

/// The primary network: in one zone when asked.
pub(crate) fn primary(l: &Layout) -> NetworkSpec {
    NetworkSpec { side: Side::Primary, cidr: PRIMARY_CIDR, octet: 0, one_az: l.has(&m::PRIMARY_SUBNETS_ONE_AZ) }
}

/// The DR network: it overlaps the primary's range, or keeps to one zone, when asked.
pub(crate) fn dr(l: &Layout) -> NetworkSpec {
    let (cidr, octet) = if l.has(&m::DR_VPC_OVERLAPPING_CIDR) { (PRIMARY_CIDR, 0) } else { (DR_CIDR, 1) };
    NetworkSpec { side: Side::Dr, cidr, octet, one_az: l.has(&m::DR_SUBNETS_ONE_AZ) }
}

/// What a created network offers the database.
pub(crate) struct Network {
    pub vpc: String,
    pub subnets: Vec<String>,
    pub sg: String,
    pub subnet_group: String,
}

pub(crate) async fn create(l: &Layout, spec: &NetworkSpec) -> Result<Network, SeedError> {
    let name = l.names.vpc(spec.side);
    let tags = ec2_tags(l, ResourceType::Vpc, &[("Name", &name)]);
    let vpc = crate::create_vpc(&l.at(spec.side).ec2, spec.cidr, tags).await?;
    let subnets = subnets(l, spec, &vpc).await?;
    let sg = db_security_group(l, spec, &vpc).await?;
    let subnet_group = db_subnet_group(l, spec, &subnets).await?;
    Ok(Network { vpc, subnets, sg, subnet_group })
}

/// Two private subnets, one per zone (or both in the first with `one_az`).
async fn subnets(l: &Layout, spec: &NetworkSpec, vpc: &str) -> Result<Vec<String>, SeedError> {
    let s = l.at(spec.side);
    let (az1, az2) = zones(s).await?;
    let mut subnets = Vec::new();
    for (n, zone) in [(1, &az1), (2, if spec.one_az { &az1 } else { &az2 })] {
        let unsuffixed = spec.side == Side::Dr && n == 1 && l.has(&m::DR_SUBNET_NAME_UNSUFFIXED);
        let name = if unsuffixed { format!("healthcare-dr-private-{n}") } else { l.names.private_subnet(spec.side, n) };
        let tags = ec2_tags(l, ResourceType::Subnet, &[("Name", &name), ("Tier", "private")]);
        let id = s
            .ec2
            .create_subnet()
            .vpc_id(vpc)
            .cidr_block(format!("10.{}.{n}.0/24", spec.octet))
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
    Ok(subnets)
}

/// 5432 from the VPC only, and egress to the VPC only (Terraform drops the default egress).
async fn db_security_group(l: &Layout, spec: &NetworkSpec, vpc: &str) -> Result<String, SeedError> {
    let (s, name) = (l.at(spec.side), l.names.db_security_group(spec.side));
    let unsuffixed = spec.side == Side::Primary && l.has(&m::PRIMARY_DB_SG_NAME_UNSUFFIXED);
    let group_name = if unsuffixed { "healthcare-primary-db-sg".to_owned() } else { name.clone() };
    let sg = s
        .ec2
        .create_security_group()
        .group_name(&group_name)
        .description("Aurora PostgreSQL: 5432 from inside the VPC only")
        .vpc_id(vpc)
        .tag_specifications(ec2_tags(l, ResourceType::SecurityGroup, &[("Name", &name)]))
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
    s.ec2
        .revoke_security_group_egress()
        .group_id(&sg)
        .ip_permissions(all_traffic(ANYWHERE, None))
        .send()
        .await
        .map_err(step("RevokeSecurityGroupEgress"))?;
    s.ec2
        .authorize_security_group_egress()
        .group_id(&sg)
        .ip_permissions(all_traffic(spec.cidr, Some("Inside the VPC only")))
        .send()
        .await
        .map_err(step("AuthorizeSecurityGroupEgress"))?;
    allow_postgres(s, &sg, spec.cidr, "PostgreSQL from the VPC").await?;
    Ok(sg)
}

async fn db_subnet_group(l: &Layout, spec: &NetworkSpec, subnets: &[String]) -> Result<String, SeedError> {
    let name = l.names.db_subnet_group(spec.side);
    l.at(spec.side)
        .rds
        .create_db_subnet_group()
        .db_subnet_group_name(&name)
        .db_subnet_group_description(format!("private subnets of the {} Aurora cluster", spec.side.name()))
        .set_subnet_ids(Some(subnets.to_vec()))
        .set_tags(Some(rds_tags(l)))
        .send()
        .await
        .map_err(step("CreateDBSubnetGroup"))?;
    Ok(name)
}

/// Admits PostgreSQL (tcp 5432) from `cidr` into security group `sg`.
pub(crate) async fn allow_postgres(s: &Seeder, sg: &str, cidr: &str, about: &str) -> Result<(), SeedError> {
    let source = IpPermission::builder().ip_ranges(IpRange::builder().cidr_ip(cidr).description(about).build());
    authorize_tcp(s, sg, POSTGRES, source).await
}

/// The region's first two available zones, as main.ts's `Fn.element(azs.names, 0|1)`.
pub(crate) async fn zones(s: &Seeder) -> Result<(String, String), SeedError> {
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

pub(crate) fn ec2_tags(l: &Layout, kind: ResourceType, own: &[(&str, &str)]) -> TagSpecification {
    let tags = l.tags(own).into_iter().map(|(k, v)| Ec2Tag::builder().key(k).value(v).build());
    TagSpecification::builder().resource_type(kind).set_tags(Some(tags.collect())).build()
}

// Drift on a deployed network.

/// AssociateVpcCidrBlock: `cidr` as a secondary block of `vpc`.
pub(crate) async fn add_secondary_block(s: &Seeder, vpc: &str, cidr: &str) -> Result<(), SeedError> {
    s.ec2
        .associate_vpc_cidr_block()
        .vpc_id(vpc)
        .cidr_block(cidr)
        .send()
        .await
        .map_err(step("AssociateVpcCidrBlock"))?;
    Ok(())
}

/// The VPC gets an Amazon IPv6 block, `subnet` a /64 of it and AssignIpv6AddressOnCreation.
pub(crate) async fn subnet_assigns_ipv6(s: &Seeder, vpc: &str, subnet: &str) -> Result<(), SeedError> {
    let block = s
        .ec2
        .associate_vpc_cidr_block()
        .vpc_id(vpc)
        .amazon_provided_ipv6_cidr_block(true)
        .send()
        .await
        .map_err(step("AssociateVpcCidrBlock"))?
        .ipv6_cidr_block_association
        .and_then(|a| a.ipv6_cidr_block)
        .unwrap_or_default();
    let first = format!("{}/64", block.split('/').next().unwrap_or_default());
    s.ec2
        .associate_subnet_cidr_block()
        .subnet_id(subnet)
        .ipv6_cidr_block(first)
        .send()
        .await
        .map_err(step("AssociateSubnetCidrBlock"))?;
    s.ec2
        .modify_subnet_attribute()
        .subnet_id(subnet)
        .assign_ipv6_address_on_creation(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .map_err(step("ModifySubnetAttribute"))?;
    Ok(())
}

/// Admits tcp `port` from `cidr` into security group `sg`.
pub(crate) async fn allow_port(s: &Seeder, sg: &str, port: i32, cidr: &str) -> Result<(), SeedError> {
    authorize_tcp(s, sg, port, IpPermission::builder().ip_ranges(IpRange::builder().cidr_ip(cidr).build())).await
}

/// A managed prefix list named `name` holding `entries`, admitted on PostgreSQL by `sg`.
pub(crate) async fn allow_postgres_from_list(
    l: &Layout,
    side: Side,
    sg: &str,
    name: &str,
    entries: &[&str],
) -> Result<(), SeedError> {
    let s = l.at(side);
    let entries = entries.iter().map(|c| AddPrefixListEntry::builder().cidr(*c).build()).collect();
    let list = s
        .ec2
        .create_managed_prefix_list()
        .prefix_list_name(name)
        .address_family("IPv4")
        .max_entries(5)
        .set_entries(Some(entries))
        .tag_specifications(ec2_tags(l, ResourceType::PrefixList, &[("Name", name)]))
        .send()
        .await
        .map_err(step("CreateManagedPrefixList"))?
        .prefix_list
        .and_then(|p| p.prefix_list_id)
        .unwrap_or_default();
    let source = IpPermission::builder().prefix_list_ids(PrefixListId::builder().prefix_list_id(list).build());
    authorize_tcp(s, sg, POSTGRES, source).await
}

/// Admits tcp `port` into security group `sg` from the sources `rule` names.
async fn authorize_tcp(
    s: &Seeder,
    sg: &str,
    port: i32,
    rule: aws_sdk_ec2::types::builders::IpPermissionBuilder,
) -> Result<(), SeedError> {
    let rule = rule.ip_protocol("tcp").from_port(port).to_port(port).build();
    s.ec2
        .authorize_security_group_ingress()
        .group_id(sg)
        .ip_permissions(rule)
        .send()
        .await
        .map_err(step("AuthorizeSecurityGroupIngress"))?;
    Ok(())
}

/// A second group in the side's VPC admitting PostgreSQL from anywhere, attached to the side's
/// cluster beside the group the outputs name.
pub(crate) async fn attach_open_group(l: &Layout, side: Side, vpc: &str, sg: &str) -> Result<(), SeedError> {
    let s = l.at(side);
    let name = l.names.extra_db_security_group(side);
    let extra = s
        .ec2
        .create_security_group()
        .group_name(&name)
        .description("a second database group, open to the world")
        .vpc_id(vpc)
        .tag_specifications(ec2_tags(l, ResourceType::SecurityGroup, &[("Name", &name)]))
        .send()
        .await
        .map_err(step("CreateSecurityGroup"))?
        .group_id
        .unwrap_or_default();
    allow_postgres(s, &extra, ANYWHERE, "PostgreSQL from anywhere").await?;
    s.rds
        .modify_db_cluster()
        .db_cluster_identifier(l.names.cluster(side))
        .vpc_security_group_ids(sg)
        .vpc_security_group_ids(extra)
        .apply_immediately(true)
        .send()
        .await
        .map_err(step("ModifyDBCluster"))?;
    Ok(())
}
