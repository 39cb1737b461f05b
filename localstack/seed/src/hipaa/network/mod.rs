//! Network, keys, audit logs, security groups and the existing secrets of the HIPAA reference
//! deployment, and their mutants.

pub mod keys;
pub mod logs;
pub mod secrets;
pub mod security_groups;
pub mod vpc;

use stackproof::hipaa::mutants as m;
use stackproof::hipaa::outputs as o;
use stackproof_harness::deployment::Suffix;
use stackproof_harness::mutation::Mutant;

use self::keys::KeySpec;
use self::logs::{FlowLogSpec, LogGroupsSpec};
use self::secrets::Existing;
use self::security_groups::{SecurityGroups, SecurityGroupsSpec};
use self::vpc::{Vpc, VpcSpec};
use super::{Base, Mutants, SeedOptions};
use crate::{SeedError, Seeder};

/// What this layer made.
struct Network {
    zones: [String; 2],
    vpc: Vpc,
    data_key: String,
    logs_key: String,
    log_groups: LogGroupsSpec,
    flow_logs: Vec<String>,
    sg: SecurityGroups,
    /// The secrets' key and the secrets: made before the stack, or given.
    secrets: Existing,
}

/// Seeds the network, keys, log groups, security groups and secrets (unless `options` gives
/// existing ones); applies this layer's mutants.
pub async fn deploy(s: &Seeder, suffix: &Suffix, mutants: &Mutants, options: &SeedOptions) -> Result<Base, SeedError> {
    let zones = super::first_two_zones(&s.ec2).await?;
    let vpc = vpc::create(&s.ec2, &VpcSpec::new(suffix, &zones, mutants), suffix).await?;
    let data_key = keys::create(&s.kms, &KeySpec::data(suffix), suffix).await?;
    let logs_key = keys::create(&s.kms, &KeySpec::logs(suffix), suffix).await?;
    if mutants.has(&m::UNLISTED_KEY_ROTATION_OFF) {
        keys::create(&s.kms, &KeySpec::unlisted(suffix), suffix).await?;
    }
    let log_groups = LogGroupsSpec::new(suffix, mutants);
    for group in log_groups.all() {
        logs::create_group(s, group, &logs_key, suffix).await?;
    }
    let flow_logs = logs::create_flow_log(s, &vpc.id, &FlowLogSpec::new(suffix, &log_groups, mutants), suffix).await?;
    let sg = security_groups::create(&s.ec2, &vpc.id, &SecurityGroupsSpec::new(suffix, mutants), suffix).await?;
    let secrets = secrets::existing_or_create(s, options.existing.as_ref(), suffix, mutants).await?;
    let made = Network { zones, vpc, data_key, logs_key, log_groups, flow_logs, sg, secrets };
    for mutant in mutants.iter() {
        drift(s, &made, mutant, suffix).await?;
    }
    Ok(made.into_base(suffix))
}

/// Applies `mutant` to the deployed layer, if it is this layer's drift.
async fn drift(s: &Seeder, made: &Network, mutant: &Mutant, suffix: &Suffix) -> Result<(), SeedError> {
    let (ec2, vpc) = (&s.ec2, &made.vpc);
    match *mutant {
        m::KMS_ROTATION_OFF => keys::disable_rotation(&s.kms, &made.data_key).await,
        m::LOGS_KEY_ROTATION_OFF => keys::disable_rotation(&s.kms, &made.logs_key).await,
        m::KMS_KEY_DISABLED => keys::disable(&s.kms, &made.data_key).await,
        m::LOGS_KEY_PENDING_DELETION => keys::schedule_deletion(&s.kms, &made.logs_key).await,
        m::PRIVATE_SUBNET_ASSIGNS_IPV6 => vpc::first_private_subnet_assigns_ipv6(ec2, vpc).await,
        m::PRIVATE_ROUTE_TO_IGW => vpc::route_first_private_table_to_igw(ec2, vpc).await,
        m::PRIVATE_ROUTE_TO_FOREIGN_NAT => vpc::route_second_private_table_to_foreign_nat(ec2, vpc, suffix).await,
        m::PRIVATE_TABLE_ROUTE_TO_IGW => vpc::route_range_of_second_private_table_to_igw(ec2, vpc).await,
        m::PRIVATE_SUBNET_ON_PUBLIC_TABLE => vpc::move_second_private_subnet_to_public_table(ec2, vpc).await,
        m::NAT_MISSING => vpc::delete_first_nat_gateway(ec2, vpc).await,
        m::VPC_DNS_HOSTNAMES_OFF => vpc::turn_dns_hostnames_off(ec2, vpc).await,
        m::VPC_DNS_SUPPORT_OFF => vpc::turn_dns_support_off(ec2, vpc).await,
        m::PUBLIC_ROUTE_MISSING => vpc::delete_public_default_route(ec2, vpc).await,
        m::INTERNET_GATEWAY_DETACHED => vpc::detach_internet_gateway(ec2, vpc).await,
        m::PUBLIC_SUBNET_OFF_PUBLIC_TABLE => vpc::disassociate_second_public_subnet(ec2, vpc).await,
        m::FLOW_LOGS_OFF => logs::delete_flow_logs(&s.ec2, &made.flow_logs).await,
        m::LOG_RETENTION_OFF => logs::delete_retention(&s.logs, &made.log_groups.audit.name).await,
        m::SECRET_SCHEDULED_FOR_DELETION => {
            secrets::schedule_deletion(&s.secretsmanager, &made.secrets.database_secret).await
        }
        m::API_KEYS_SECRET_SCHEDULED_FOR_DELETION => {
            secrets::schedule_deletion(&s.secretsmanager, &made.secrets.api_keys_secret).await
        }
        m::SECRET_FOREIGN_KEY => secrets::move_to_foreign_key(s, &made.secrets.api_keys_secret, suffix).await,
        m::SECRETS_KEY_DISABLED => keys::disable(&s.kms, &made.secrets.secrets_key).await,
        m::SECRETS_KEY_ROTATION_OFF => keys::disable_rotation(&s.kms, &made.secrets.secrets_key).await,
        // Made at creation, or another layer's.
        _ => Ok(()),
    }
}

impl Network {
    fn into_base(self, suffix: &Suffix) -> Base {
        let groups = &self.log_groups;
        let mut base = Base {
            suffix: suffix.clone(),
            zones: self.zones,
            vpc: self.vpc.id.clone(),
            public_subnets: self.vpc.public_subnets.clone(),
            private_subnets: self.vpc.private_subnets.clone(),
            data_key: self.data_key.clone(),
            logs_key: self.logs_key.clone(),
            audit_log_group: groups.audit.name.clone(),
            ecs_log_group: groups.ecs.name.clone(),
            api_access_log_group: groups.api_access.name.clone(),
            secrets_key: self.secrets.secrets_key.clone(),
            db_secret: self.secrets.database_secret.clone(),
            api_secret: self.secrets.api_keys_secret.clone(),
            sg: self.sg,
            outputs: Default::default(),
        };
        base.add_outputs(self.vpc.outputs());
        base.add_outputs([
            (o::DATA_KEY_ARN, self.data_key),
            (o::LOGS_KEY_ARN, self.logs_key),
            (o::AUDIT_LOG_GROUP_NAME, groups.audit.name.clone()),
            (o::ECS_LOG_GROUP_NAME, groups.ecs.name.clone()),
            (o::API_ACCESS_LOG_GROUP_NAME, groups.api_access.name.clone()),
            (o::FLOW_LOG_GROUP_NAME, groups.flow.name.clone()),
            (o::DATABASE_SECRET_ARN, self.secrets.database_secret),
            (o::API_KEYS_SECRET_ARN, self.secrets.api_keys_secret),
            (o::SECRETS_KEY_ARN, self.secrets.secrets_key),
        ]);
        base.add_outputs(base.sg.outputs());
        base
    }
}
