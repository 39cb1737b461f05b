//! The facts the DR checks read, gathered once per run from the layout's outputs, in both
//! regions at once. `core`: keys, networks, Aurora, the master secret, log groups; `storage`: S3
//! buckets, replication and AWS Backup; `ops`: alarms, the topic, the trail and the failover path.
//! Every output a check compares with is resolved here too (`facts::declared`), so checks never
//! read the outputs themselves: a missing output is that value's error, judged where it is used.

pub mod core;
pub mod ops;
pub mod storage;

use stackproof_harness::aws::Clients;
use stackproof_harness::deployment::{OutputKind, Outputs, Suffix};
use stackproof_harness::facts::discovery::{self, Discovered};
use stackproof_harness::facts::{Named, declared};

use crate::dr::{contract_of, outputs};

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
    pub regions: Regions,
    /// Every output of kind `name` in the contract, in its order, as deployed.
    pub names: Vec<Named<String>>,
    /// What the layout holds in each region (primary, then DR), found by the default tags its
    /// providers put on every resource (Project and EnvironmentSuffix).
    pub discovered: [Discovered; 2],
    pub core: core::CoreFacts,
    pub storage: storage::StorageFacts,
    pub ops: ops::OpsFacts,
}

impl DrFacts {
    /// What discovery found in `side`'s region.
    pub fn discovered_in(&self, side: core::Side) -> &Discovered {
        &self.discovered[side.index()]
    }

    pub async fn gather(clients: &Clients, regions: Regions, suffix: &Suffix, outputs: &Outputs) -> Self {
        let discover = |region: &str| {
            let tagging = &clients.region(region).tagging;
            let scope = format!("{} in {region}", contract_of(outputs).stack_name(suffix));
            let tags = [(PROJECT_TAG, PROJECT), (SUFFIX_TAG, suffix.as_str())];
            async move { Discovered::timed(scope, discovery::tagged_layout(tagging, &tags, NAME_TAG)).await }
        };
        // The inventories are known before what they list is described.
        let (primary, dr) = tokio::join!(discover(&regions.primary), discover(&regions.dr));
        let discovered = [primary, dr];
        let (core, storage, ops) = tokio::join!(
            Box::pin(core::gather(clients, &regions, outputs, &discovered)),
            Box::pin(storage::gather(clients, &regions, outputs, &discovered)),
            ops::gather(clients, &regions, outputs)
        );
        Self {
            emulated: clients.target().is_emulator(),
            suffix: suffix.to_string(),
            regions,
            names: names(outputs),
            discovered,
            core,
            storage,
            ops,
        }
    }
}

/// The default tags main.ts's providers put on every resource of the layout, which discovery
/// finds them by: the project (the layout's stack name) and the environment suffix.
pub const PROJECT_TAG: &str = "Project";
pub const PROJECT: &str = "healthcare-dr";
pub const SUFFIX_TAG: &str = "EnvironmentSuffix";
/// A resource's own Name tag, where it has one: what the coverage table names it by (CDKTF puts
/// no logical id on what it creates).
pub const NAME_TAG: &str = "Name";

/// The values of the `name` outputs of the version's contract. The keys come from `outputs::USED`,
/// which a test proves holds every version's list.
fn names(outputs: &Outputs) -> Vec<Named<String>> {
    contract_of(outputs)
        .outputs
        .iter()
        .filter(|(_, spec)| spec.kind == OutputKind::Name)
        .filter_map(|(key, _)| outputs::USED.iter().find(|k| **k == key.as_str()))
        .map(|key| declared(outputs, key))
        .collect()
}
