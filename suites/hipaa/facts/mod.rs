//! The facts the HIPAA checks read, gathered once per run from the stack's outputs. Each layer
//! of the stack has its own facts (`data`: Aurora, EFS, ElastiCache; `app`: ECS, API Gateway,
//! WAF, secrets, IAM), gathered concurrently with the rest.

pub mod app;
pub mod data;

use futures_util::future::join_all;
use stackproof_harness::aws::Clients;
use stackproof_harness::deployment::Outputs;
use stackproof_harness::deployment::Suffix;
use stackproof_harness::facts::ec2::Network;
use stackproof_harness::facts::kms::Key;
use stackproof_harness::facts::logs::LogGroup;
use stackproof_harness::facts::{self, Fact};
pub use stackproof_harness::facts::{Named, named};

use super::outputs::{KEYS, LOG_GROUPS, VPC_ID};

pub struct HipaaFacts {
    /// Emulated targets cannot show some properties; checks skip those, never pass them.
    pub emulated: bool,
    /// The deployment's EnvironmentSuffix, which every name must carry.
    pub suffix: String,
    pub outputs: Outputs,
    pub network: Fact<Network>,
    pub keys: Vec<Named<Key>>,
    pub log_groups: Vec<Named<LogGroup>>,
    pub data: data::DataFacts,
    pub app: app::AppFacts,
}

impl HipaaFacts {
    pub async fn gather(clients: &Clients, region: &str, suffix: &Suffix, outputs: &Outputs) -> Self {
        let c = clients.region(region);
        let network = async {
            match outputs.get(VPC_ID) {
                Ok(vpc) => facts::ec2::network(&c.ec2, vpc).await,
                Err(missing) => Err(missing),
            }
        };
        let keys =
            join_all(KEYS.iter().map(|k| named(outputs, k, |arn| async move { facts::kms::key(&c.kms, &arn).await })));
        let groups = join_all(
            LOG_GROUPS
                .iter()
                .map(|k| named(outputs, k, |name| async move { facts::logs::log_group(&c.logs, &name).await })),
        );
        let (network, keys, log_groups, data, app) =
            tokio::join!(network, keys, groups, data::gather(c, outputs), app::gather(c, outputs));
        Self {
            emulated: clients.target().is_emulator(),
            suffix: suffix.to_string(),
            outputs: outputs.clone(),
            network,
            keys,
            log_groups,
            data,
            app,
        }
    }
}
