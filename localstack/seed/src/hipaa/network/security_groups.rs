//! The tiers' security groups: each admits only the tier in front of it, on its one port. The
//! ingress mutants add a rule to that table before the groups are made.

use aws_sdk_ec2::Client as Ec2;
use aws_sdk_ec2::types::{IpPermission, IpRange, ResourceType, UserIdGroupPair};
use stackproof::hipaa::mutants as m;
use stackproof::hipaa::outputs as o;
use stackproof_harness::deployment::Suffix;
use stackproof_harness::mutation::Mutant;

use crate::hipaa::tags::tagged;
use crate::hipaa::{APP_PORT, CACHE_PORT, DB_PORT, Mutants, NFS_PORT, VPC_CIDR};
use crate::{SeedError, step};

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
}

/// One ingress rule: `to` admits `from` on TCP `port`.
#[derive(Clone, Copy)]
pub struct Ingress {
    pub to: Tier,
    pub port: i32,
    pub from: Source,
}

/// The template's ingress: each tier admits only the tier in front of it.
const INGRESS: [Ingress; 5] = [
    Ingress { to: Tier::LoadBalancer, port: APP_PORT, from: Source::Cidr(VPC_CIDR) },
    Ingress { to: Tier::App, port: APP_PORT, from: Source::Tier(Tier::LoadBalancer) },
    Ingress { to: Tier::Database, port: DB_PORT, from: Source::Tier(Tier::App) },
    Ingress { to: Tier::Cache, port: CACHE_PORT, from: Source::Tier(Tier::App) },
    Ingress { to: Tier::Efs, port: NFS_PORT, from: Source::Tier(Tier::App) },
];

/// The rule each ingress mutant adds.
const MUTANT_INGRESS: [(&Mutant, Ingress); 4] = [
    (
        &m::DB_INGRESS_FROM_LOAD_BALANCER,
        Ingress { to: Tier::Database, port: DB_PORT, from: Source::Tier(Tier::LoadBalancer) },
    ),
    (&m::CACHE_INGRESS_EXTRA_PORT, Ingress { to: Tier::Cache, port: 22, from: Source::Tier(Tier::App) }),
    (&m::EFS_INGRESS_FROM_VPC_CIDR, Ingress { to: Tier::Efs, port: NFS_PORT, from: Source::Cidr(VPC_CIDR) }),
    (&m::APP_OPEN_TO_WORLD, Ingress { to: Tier::App, port: APP_PORT, from: Source::Cidr("0.0.0.0/0") }),
];

/// A group: its name and description.
pub struct GroupSpec {
    pub name: String,
    pub about: &'static str,
}

/// The groups (load balancer, app, database, cache, EFS) and their ingress, with the mutants'
/// rules added.
pub struct SecurityGroupsSpec {
    pub groups: [GroupSpec; 5],
    pub ingress: Vec<Ingress>,
}

impl SecurityGroupsSpec {
    pub fn new(suffix: &Suffix, mutants: &Mutants) -> Self {
        let group = |prefix: &str, about| GroupSpec { name: format!("{prefix}-sg-{suffix}"), about };
        let added = MUTANT_INGRESS.iter().filter(|(mutant, _)| mutants.has(mutant)).map(|(_, rule)| *rule);
        Self {
            groups: [
                group("nlb", "internal load balancer"),
                group("app", "ECS tasks"),
                group("db", "Aurora"),
                group("cache", "Redis"),
                group("efs", "EFS mount targets"),
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
        load_balancer: create_group(ec2, vpc, lb, suffix).await?,
        app: create_group(ec2, vpc, app, suffix).await?,
        database: create_group(ec2, vpc, db, suffix).await?,
        cache: create_group(ec2, vpc, cache, suffix).await?,
        efs: create_group(ec2, vpc, efs, suffix).await?,
    };
    for rule in &spec.ingress {
        allow(ec2, &sg, rule).await?;
    }
    Ok(sg)
}

async fn create_group(ec2: &Ec2, vpc: &str, spec: &GroupSpec, suffix: &Suffix) -> Result<String, SeedError> {
    Ok(ec2
        .create_security_group()
        .group_name(&spec.name)
        .description(spec.about)
        .vpc_id(vpc)
        .tag_specifications(tagged(ResourceType::SecurityGroup, &spec.name, suffix))
        .send()
        .await
        .map_err(step("CreateSecurityGroup"))?
        .group_id
        .unwrap_or_default())
}

async fn allow(ec2: &Ec2, sg: &SecurityGroups, rule: &Ingress) -> Result<(), SeedError> {
    let permission = IpPermission::builder().ip_protocol("tcp").from_port(rule.port).to_port(rule.port);
    let permission = match rule.from {
        Source::Tier(tier) => permission.user_id_group_pairs(UserIdGroupPair::builder().group_id(sg.id(tier)).build()),
        Source::Cidr(cidr) => permission.ip_ranges(IpRange::builder().cidr_ip(cidr).build()),
    };
    ec2.authorize_security_group_ingress()
        .group_id(sg.id(rule.to))
        .ip_permissions(permission.build())
        .send()
        .await
        .map_err(step("AuthorizeSecurityGroupIngress"))?;
    Ok(())
}
