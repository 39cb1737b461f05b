//! The facts the HIPAA checks read, gathered once per run from the stack's outputs. Each layer
//! of the stack has its own facts (`base`: network, security groups, keys, log groups, names;
//! `data`: Aurora, EFS, ElastiCache; `app`: ECS, API Gateway, WAF, secrets), gathered
//! concurrently with the rest. Outputs are resolved here, once: a check receives the resource it
//! judges and what it compares with, never the outputs themselves.

pub mod app;
pub mod base;
pub mod data;

use stackproof_harness::aws::Clients;
use stackproof_harness::deployment::Outputs;
use stackproof_harness::deployment::Suffix;
pub use stackproof_harness::facts::{Named, named};

pub struct HipaaFacts {
    /// Emulated targets cannot show some properties; checks skip those, never pass them.
    pub emulated: bool,
    /// The deployment's EnvironmentSuffix, which every name must carry.
    pub suffix: String,
    pub network: base::NetworkFacts,
    pub security_groups: base::SecurityGroupIds,
    pub keys: base::KeyFacts,
    pub logs: base::LogFacts,
    /// What the stack holds beyond its outputs: every covered check judges each instance of it.
    pub discovered: crate::shared::discovery::Discovered,
    /// Every output the contract calls a name, with its value.
    pub names: Vec<Named<String>>,
    pub data: data::DataFacts,
    pub app: app::AppFacts,
}

impl HipaaFacts {
    pub async fn gather(clients: &Clients, region: &str, suffix: &Suffix, outputs: &Outputs) -> Self {
        let c = clients.region(region);
        let (base, data, app) =
            tokio::join!(base::gather(c, suffix, outputs), data::gather(c, outputs), app::gather(c, outputs));
        Self {
            emulated: clients.target().is_emulator(),
            suffix: suffix.to_string(),
            network: base.network,
            security_groups: base.security_groups,
            keys: base.keys,
            logs: base.logs,
            discovered: base.discovered,
            names: base.names,
            data,
            app,
        }
    }
}
