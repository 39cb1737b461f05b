//! The tiers' security groups: each admits only the tier in front of it, on its one port. The
//! ingress mutants add a rule to that table before the groups are made.

use aws_sdk_ec2::Client as Ec2;
use aws_sdk_ec2::types::builders::IpPermissionBuilder;
use aws_sdk_ec2::types::{
    AddPrefixListEntry, IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType, UserIdGroupPair,
};
use stackproof::hipaa::mutants as m;
use stackproof::hipaa::outputs as o;
use stackproof_harness::deployment::Suffix;
use stackproof_harness::mutation::Mutant;

use crate::hipaa::names;
use crate::hipaa::tags::{self, tagged};
use crate::hipaa::{APP_PORT, CACHE_PORT, DB_PORT, Mutants, NFS_PORT, VPC_CIDR};
use crate::{SeedError, step};
use aws_sdk_ec2::types::TagSpecification;

#[derive(Clone, Copy)]
pub enum Tier {
    LoadBalancer,
    App,
    Database,
    Cache,
    Efs,
}

/// Where a rule admits traffic from.
#[derive(Clone, Copy)]
pub enum Source {
    Tier(Tier),
    Cidr(&'static str),
    CidrV6(&'static str),
    /// A managed prefix list made for the rule, holding these entries.
    PrefixList(&'static [&'static str]),
}

#[derive(Clone, Copy)]
pub enum Protocol {
    Tcp,
    Udp,
    /// Every protocol and port (IpProtocol -1).
    All,
}

/// One ingress rule: `to` admits `from` on `protocol` `port`.
#[derive(Clone, Copy)]
pub struct Ingress {
    pub to: Tier,
    pub protocol: Protocol,
    pub port: i32,
    pub from: Source,
}

const fn tcp(to: Tier, port: i32, from: Source) -> Ingress {
    Ingress { to, protocol: Protocol::Tcp, port, from }
}

/// The template's ingress: each tier admits only the tier in front of it.
const INGRESS: [Ingress; 5] = [
    tcp(Tier::LoadBalancer, APP_PORT, Source::Cidr(VPC_CIDR)),
    tcp(Tier::App, APP_PORT, Source::Tier(Tier::LoadBalancer)),
    tcp(Tier::Database, DB_PORT, Source::Tier(Tier::App)),
    tcp(Tier::Cache, CACHE_PORT, Source::Tier(Tier::App)),
    tcp(Tier::Efs, NFS_PORT, Source::Tier(Tier::App)),
];

/// The rule each ingress mutant adds.
const MUTANT_INGRESS: [(&Mutant, Ingress); 9] = [
    (&m::DB_INGRESS_FROM_LOAD_BALANCER, tcp(Tier::Database, DB_PORT, Source::Tier(Tier::LoadBalancer))),
    (
        &m::DB_INGRESS_ALL_TRAFFIC_FROM_APP,
        Ingress { to: Tier::Database, protocol: Protocol::All, port: DB_PORT, from: Source::Tier(Tier::App) },
    ),
    (&m::CACHE_INGRESS_EXTRA_PORT, tcp(Tier::Cache, 22, Source::Tier(Tier::App))),
    (&m::CACHE_INGRESS_FROM_PREFIX_LIST, tcp(Tier::Cache, CACHE_PORT, Source::PrefixList(&[VPC_CIDR]))),
    (&m::EFS_INGRESS_FROM_VPC_CIDR, tcp(Tier::Efs, NFS_PORT, Source::Cidr(VPC_CIDR))),
    (
        &m::EFS_INGRESS_UDP_FROM_APP,
        Ingress { to: Tier::Efs, protocol: Protocol::Udp, port: NFS_PORT, from: Source::Tier(Tier::App) },
    ),
    (&m::APP_OPEN_TO_WORLD, tcp(Tier::App, APP_PORT, Source::Cidr(ANYWHERE))),
    (&m::LOAD_BALANCER_OPEN_TO_WORLD_IPV6, tcp(Tier::LoadBalancer, APP_PORT, Source::CidrV6("::/0"))),
    (&m::LOAD_BALANCER_OPEN_VIA_PREFIX_LIST, tcp(Tier::LoadBalancer, APP_PORT, Source::PrefixList(&[ANYWHERE]))),
];

/// Every IPv4 address.
const ANYWHERE: &str = "0.0.0.0/0";

/// A group: its name, its Name tag and description.
pub struct GroupSpec {
    /// Its logical id in the template, which CloudFormation tags it with; none for a group that
    /// is not the stack's.
    pub logical_id: Option<&'static str>,
    pub name: String,
    pub name_tag: String,
    pub about: &'static str,
}

/// The groups (load balancer, app, database, cache, EFS) and their ingress, with the mutants'
/// rules added; and a group the outputs do not name, open to the world, when asked.
pub struct SecurityGroupsSpec {
    pub groups: [GroupSpec; 5],
    pub ingress: Vec<Ingress>,
    pub extra_open_group: Option<GroupSpec>,
    /// A group of the stack (tagged as CloudFormation tags it) that no output names, made without
    /// VpcId (so in the region's default VPC), admitting the world on the database port, when asked.
    pub unlisted_open_group: Option<GroupSpec>,
}

impl SecurityGroupsSpec {
    pub fn new(suffix: &Suffix, mutants: &Mutants) -> Self {
        let group = |logical_id, prefix: &str, about| {
            let name = format!("{prefix}-sg-{suffix}");
            GroupSpec { logical_id, name_tag: name.clone(), name, about }
        };
        let added = MUTANT_INGRESS.iter().filter(|(mutant, _)| mutants.has(mutant)).map(|(_, rule)| *rule);
        let mut load_balancer = group(Some("LoadBalancerSecurityGroup"), "nlb", "internal load balancer");
        if mutants.has(&m::GROUP_NAME_UNSUFFIXED) {
            load_balancer.name = "nlb-sg".to_owned();
        }
        Self {
            extra_open_group: mutants
                .has(&m::EXTRA_GROUP_OPEN_TO_WORLD)
                .then(|| group(None, "extra", "not the stack's")),
            unlisted_open_group: mutants
                .has(&m::UNLISTED_GROUP_OPEN_TO_WORLD)
                .then(|| group(m::UNLISTED_GROUP_OPEN_TO_WORLD.unlisted(), "unlisted", "the stack's, outside its VPC")),
            groups: [
                load_balancer,
                group(Some("AppSecurityGroup"), "app", "ECS tasks"),
                group(Some("DatabaseSecurityGroup"), "db", "Aurora"),
                group(Some("CacheSecurityGroup"), "cache", "Redis"),
                group(Some("EfsSecurityGroup"), "efs", "EFS mount targets"),
            ],
            ingress: INGRESS.into_iter().chain(added).collect(),
        }
    }
}

/// The security groups of the tiers, by id.
pub struct SecurityGroups {
    pub load_balancer: String,
    pub app: String,
    pub database: String,
    pub cache: String,
    pub efs: String,
}

impl SecurityGroups {
    pub fn id(&self, tier: Tier) -> &str {
        match tier {
            Tier::LoadBalancer => &self.load_balancer,
            Tier::App => &self.app,
            Tier::Database => &self.database,
            Tier::Cache => &self.cache,
            Tier::Efs => &self.efs,
        }
    }

    pub fn outputs(&self) -> [(&'static str, String); 5] {
        [
            (o::LOAD_BALANCER_SECURITY_GROUP_ID, self.load_balancer.clone()),
            (o::APP_SECURITY_GROUP_ID, self.app.clone()),
            (o::DATABASE_SECURITY_GROUP_ID, self.database.clone()),
            (o::CACHE_SECURITY_GROUP_ID, self.cache.clone()),
            (o::EFS_SECURITY_GROUP_ID, self.efs.clone()),
        ]
    }
}

/// Creates the groups in `vpc`, then their ingress.
pub async fn create(
    ec2: &Ec2,
    vpc: &str,
    spec: &SecurityGroupsSpec,
    suffix: &Suffix,
) -> Result<SecurityGroups, SeedError> {
    let [lb, app, db, cache, efs] = &spec.groups;
    let sg = SecurityGroups {
        load_balancer: create_group(ec2, Some(vpc), lb, suffix).await?,
        app: create_group(ec2, Some(vpc), app, suffix).await?,
        database: create_group(ec2, Some(vpc), db, suffix).await?,
        cache: create_group(ec2, Some(vpc), cache, suffix).await?,
        efs: create_group(ec2, Some(vpc), efs, suffix).await?,
    };
    for rule in &spec.ingress {
        allow(ec2, &sg, rule, suffix).await?;
    }
    if let Some(extra) = &spec.extra_open_group {
        let id = create_group(ec2, Some(vpc), extra, suffix).await?;
        authorize(ec2, &id, permission(Protocol::Tcp, 22).ip_ranges(IpRange::builder().cidr_ip(ANYWHERE).build()))
            .await?;
    }
    if let Some(unlisted) = &spec.unlisted_open_group {
        let id = create_group(ec2, None, unlisted, suffix).await?;
        let world = IpRange::builder().cidr_ip(ANYWHERE).build();
        authorize(ec2, &id, permission(Protocol::Tcp, DB_PORT).ip_ranges(world)).await?;
    }
    Ok(sg)
}

/// Creates the group in `vpc`, or without VpcId (in the region's default VPC) for `None`.
async fn create_group(ec2: &Ec2, vpc: Option<&str>, spec: &GroupSpec, suffix: &Suffix) -> Result<String, SeedError> {
    let mut group_tags = tags::ec2(&spec.name_tag, suffix);
    if let Some(logical_id) = spec.logical_id {
        let stack = names::stack(suffix);
        let cloudformation = tags::cloudformation(logical_id, &stack);
        group_tags.extend(cloudformation.map(|(k, v)| aws_sdk_ec2::types::Tag::builder().key(k).value(v).build()));
    }
    let tags =
        TagSpecification::builder().resource_type(ResourceType::SecurityGroup).set_tags(Some(group_tags)).build();
    Ok(ec2
        .create_security_group()
        .group_name(&spec.name)
        .description(spec.about)
        .set_vpc_id(vpc.map(str::to_owned))
        .tag_specifications(tags)
        .send()
        .await
        .map_err(step("CreateSecurityGroup"))?
        .group_id
        .unwrap_or_default())
}

/// A permission on `protocol` `port` (every port for all traffic), without its source.
fn permission(protocol: Protocol, port: i32) -> IpPermissionBuilder {
    match protocol {
        Protocol::Tcp => IpPermission::builder().ip_protocol("tcp").from_port(port).to_port(port),
        Protocol::Udp => IpPermission::builder().ip_protocol("udp").from_port(port).to_port(port),
        Protocol::All => IpPermission::builder().ip_protocol("-1"),
    }
}

async fn allow(ec2: &Ec2, sg: &SecurityGroups, rule: &Ingress, suffix: &Suffix) -> Result<(), SeedError> {
    let permission = permission(rule.protocol, rule.port);
    let permission = match rule.from {
        Source::Tier(tier) => permission.user_id_group_pairs(UserIdGroupPair::builder().group_id(sg.id(tier)).build()),
        Source::Cidr(cidr) => permission.ip_ranges(IpRange::builder().cidr_ip(cidr).build()),
        Source::CidrV6(cidr) => permission.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(cidr).build()),
        Source::PrefixList(entries) => {
            let list =
                create_prefix_list(ec2, &format!("{}-sources-{suffix}", sg.id(rule.to)), entries, suffix).await?;
            permission.prefix_list_ids(PrefixListId::builder().prefix_list_id(list).build())
        }
    };
    authorize(ec2, sg.id(rule.to), permission).await
}

async fn authorize(ec2: &Ec2, group: &str, permission: IpPermissionBuilder) -> Result<(), SeedError> {
    ec2.authorize_security_group_ingress()
        .group_id(group)
        .ip_permissions(permission.build())
        .send()
        .await
        .map_err(step("AuthorizeSecurityGroupIngress"))?;
    Ok(())
}

/// A managed IPv4 prefix list holding `entries`; returns its id.
async fn create_prefix_list(ec2: &Ec2, name: &str, entries: &[&str], suffix: &Suffix) -> Result<String, SeedError> {
    let entries = entries.iter().map(|c| AddPrefixListEntry::builder().cidr(*c).build()).collect();
    Ok(ec2
        .create_managed_prefix_list()
        .prefix_list_name(name)
        .address_family("IPv4")
        .max_entries(5)
        .set_entries(Some(entries))
        .tag_specifications(tagged(ResourceType::PrefixList, name, suffix))
        .send()
        .await
        .map_err(step("CreateManagedPrefixList"))?
        .prefix_list
        .and_then(|l| l.prefix_list_id)
        .unwrap_or_default())
}
