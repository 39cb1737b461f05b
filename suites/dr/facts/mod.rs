//! The facts the DR checks read, gathered once per run from the layout's outputs, in both
//! regions at once. `core`: keys, networks, Aurora, the master secret, log groups; `storage`: S3
//! buckets, replication and AWS Backup; `ops`: alarms, the topic, the trail and the failover path.

pub mod core;
pub mod ops;
pub mod storage;

use stackproof_harness::aws::Clients;
use stackproof_harness::deployment::Outputs;
use stackproof_harness::deployment::Suffix;

/// The layout's two regions, from its contract.
#[derive(Debug, Clone)]
pub struct Regions {
    pub primary: String,
    pub dr: String,
}

pub struct DrFacts {
    /// Emulated targets cannot show some properties; checks skip those, never pass them.
    pub emulated: bool,
    /// The deployment's environment suffix, which every name must carry.
    pub suffix: String,
    pub outputs: Outputs,
    pub regions: Regions,
    pub core: core::CoreFacts,
    pub storage: storage::StorageFacts,
    pub ops: ops::OpsFacts,
}

impl DrFacts {
    pub async fn gather(clients: &Clients, regions: Regions, suffix: &Suffix, outputs: &Outputs) -> Self {
        let (core, storage, ops) = tokio::join!(
            core::gather(clients, &regions, outputs),
            storage::gather(clients, &regions, outputs),
            ops::gather(clients, &regions, outputs)
        );
        Self {
            emulated: clients.target().is_emulator(),
            suffix: suffix.to_string(),
            outputs: outputs.clone(),
            regions,
            core,
            storage,
            ops,
        }
    }
}
