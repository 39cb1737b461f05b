//! Facts of the base layer: the network, the tier security groups, the customer keys, the log
//! groups, and the names the stack gives. Each output a check compares with is resolved here,
//! once, beside the resources fetched by it.

use stackproof_harness::aws::RegionClients;
use stackproof_harness::deployment::Suffix;
use stackproof_harness::deployment::{OutputKind, Outputs};
use stackproof_harness::facts::discovery::{self, KMS_KEY, LOG_GROUP};
use stackproof_harness::facts::ec2::{Groups, Network};
use stackproof_harness::facts::kms::Key;
use stackproof_harness::facts::logs::LogGroup;
use stackproof_harness::facts::{self, Fact, declared, declared_list};

use super::{Named, named};
use crate::hipaa::CONTRACT;
use crate::hipaa::outputs::{
    API_ACCESS_LOG_GROUP_NAME, APP_SECURITY_GROUP_ID, CACHE_SECURITY_GROUP_ID, DATA_KEY_ARN,
    DATABASE_SECURITY_GROUP_ID, ECS_LOG_GROUP_NAME, EFS_SECURITY_GROUP_ID, FLOW_LOG_GROUP_NAME, INTERNET_GATEWAY_ID,
    KEYS, LOAD_BALANCER_SECURITY_GROUP_ID, LOG_GROUPS, LOGS_KEY_ARN, NAT_GATEWAY_IDS, PRIVATE_ROUTE_TABLE_IDS,
    PRIVATE_SUBNET_IDS, PUBLIC_ROUTE_TABLE_ID, PUBLIC_SUBNET_IDS, SECRETS_KEY_ARN, VPC_ID,
};
use crate::shared::discovery::{Discovered, groups_outside};

/// The VPC with everything in it, and the parts of it the outputs name.
pub struct NetworkFacts {
    /// The VPC named by VpcId, its subnets, route tables, gateways, security groups, flow logs.
    pub vpc: Named<Network>,
    pub public_subnet_ids: Named<Vec<String>>,
    pub private_subnet_ids: Named<Vec<String>>,
    pub internet_gateway_id: Named<String>,
    pub nat_gateway_ids: Named<Vec<String>>,
    pub public_route_table_id: Named<String>,
    pub private_route_table_ids: Named<Vec<String>>,
    /// The stack's security groups (by discovery) that its VPC does not hold, described: a group
    /// the template makes without VpcId lands in the region's default VPC, out of the VPC's facts.
    pub groups_outside_vpc: Fact<Groups>,
}

/// The ids of the tier security groups (the groups themselves are in the network's facts).
pub struct SecurityGroupIds {
    pub load_balancer: Named<String>,
    pub app: Named<String>,
    pub database: Named<String>,
    pub cache: Named<String>,
    pub efs: Named<String>,
}

impl SecurityGroupIds {
    /// Every tier's group, load balancer first.
    pub fn tiers(&self) -> [&Named<String>; 5] {
        [&self.load_balancer, &self.app, &self.database, &self.cache, &self.efs]
    }
}

/// The stack's customer keys: as the outputs declare them (what resources must be encrypted
/// with), and as KMS describes them.
pub struct KeyFacts {
    pub data_key: Named<String>,
    pub logs_key: Named<String>,
    /// Every key of the stack, described: both the outputs name, then any other discovery found.
    pub keys: Vec<Named<Key>>,
    /// The key the secrets are encrypted with: not the stack's (it exists before the stack and
    /// outlives it; a parameter the stack outputs), as declared and as KMS describes it.
    pub secrets_key_arn: Named<String>,
    pub secrets_key: Named<Key>,
}

/// The stack's log groups, described, and the names of those that other resources write to.
pub struct LogFacts {
    /// Every log group of the stack: the four the outputs name (audit, ECS, API access, flow
    /// logs), then the others discovery found (API execution, Aurora's four, WAF, any added).
    pub groups: Vec<Named<LogGroup>>,
    pub ecs_group: Named<String>,
    pub api_access_group: Named<String>,
    pub flow_log_group: Named<String>,
}

pub struct BaseFacts {
    pub network: NetworkFacts,
    pub security_groups: SecurityGroupIds,
    pub keys: KeyFacts,
    pub logs: LogFacts,
    /// The resources of `TapStack<suffix>`, from CloudFormation and the tags it puts on them.
    pub discovered: Discovered,
    /// Every output the contract calls a name, with its value: what the naming check judges.
    pub names: Vec<Named<String>>,
}

pub async fn gather(c: &RegionClients, suffix: &Suffix, outputs: &Outputs) -> BaseFacts {
    let vpc = named(outputs, VPC_ID, |vpc| async move { facts::ec2::network(&c.ec2, &vpc).await });
    let stack = CONTRACT.stack_name(suffix);
    // What the stack holds is known first: every key and log group of it is then described once.
    let discovered =
        async {
            let discover = discovery::cloudformation_stack(&c.cloudformation, &c.tagging, &stack);
            let discovered = Discovered::timed(stack.clone(), discover).await;
            let inventory = &discovered.inventory;
            let keys = discovery::every(outputs, KEYS, inventory, KMS_KEY, |arn| async move {
                facts::kms::key(&c.kms, &arn).await
            });
            let groups = discovery::every(outputs, LOG_GROUPS, inventory, LOG_GROUP, |name| async move {
                facts::logs::log_group(&c.logs, &name).await
            });
            let (keys, groups) = tokio::join!(keys, groups);
            (discovered, keys, groups)
        };
    let secrets_key = named(outputs, SECRETS_KEY_ARN, |arn| async move { facts::kms::key(&c.kms, &arn).await });
    let (vpc, (discovered, keys, groups), secrets_key) = tokio::join!(vpc, Box::pin(discovered), secrets_key);
    // Only once both are known can the groups outside the VPC be told apart (none: no request).
    let outside: Vec<String> = groups_outside(&discovered, &vpc.fact).iter().map(|r| r.physical_id.clone()).collect();
    let groups_outside_vpc = facts::ec2::security_groups(&c.ec2, &outside).await;
    // `CONTRACT` is a static, so its keys are `'static` names of outputs.
    let contract: &'static _ = &*CONTRACT;
    let names = contract
        .outputs
        .iter()
        .filter(|(_, spec)| spec.kind == OutputKind::Name)
        .map(|(key, _)| declared(outputs, key.as_str()))
        .collect();
    BaseFacts {
        network: NetworkFacts {
            vpc,
            public_subnet_ids: declared_list(outputs, PUBLIC_SUBNET_IDS),
            private_subnet_ids: declared_list(outputs, PRIVATE_SUBNET_IDS),
            internet_gateway_id: declared(outputs, INTERNET_GATEWAY_ID),
            nat_gateway_ids: declared_list(outputs, NAT_GATEWAY_IDS),
            public_route_table_id: declared(outputs, PUBLIC_ROUTE_TABLE_ID),
            private_route_table_ids: declared_list(outputs, PRIVATE_ROUTE_TABLE_IDS),
            groups_outside_vpc,
        },
        security_groups: SecurityGroupIds {
            load_balancer: declared(outputs, LOAD_BALANCER_SECURITY_GROUP_ID),
            app: declared(outputs, APP_SECURITY_GROUP_ID),
            database: declared(outputs, DATABASE_SECURITY_GROUP_ID),
            cache: declared(outputs, CACHE_SECURITY_GROUP_ID),
            efs: declared(outputs, EFS_SECURITY_GROUP_ID),
        },
        keys: KeyFacts {
            data_key: declared(outputs, DATA_KEY_ARN),
            logs_key: declared(outputs, LOGS_KEY_ARN),
            keys,
            secrets_key_arn: declared(outputs, SECRETS_KEY_ARN),
            secrets_key,
        },
        logs: LogFacts {
            groups,
            ecs_group: declared(outputs, ECS_LOG_GROUP_NAME),
            api_access_group: declared(outputs, API_ACCESS_LOG_GROUP_NAME),
            flow_log_group: declared(outputs, FLOW_LOG_GROUP_NAME),
        },
        discovered,
        names,
    }
}
