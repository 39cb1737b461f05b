//! The DR layout's named breakages of a seeded deployment, in both regions: the live checks
//! claim them, the seeder (`localstack/seed`) applies them, and the offline proof shows each fails
//! its check alone. `output` (its `nth` entry) names the resource the failing finding must name,
//! `property` the property it must judge.

use std::sync::LazyLock;

use stackproof_harness::mutation::Mutant;

use super::outputs as o;

pub mod audit;
pub mod aurora;
pub mod backup;
pub mod cloudtrail;
pub mod failover;
pub mod kms;
pub mod logs;
pub mod monitoring;
pub mod naming;
pub mod network;
pub mod s3;
pub mod secrets;

pub use audit::*;
pub use aurora::*;
pub use backup::*;
pub use cloudtrail::*;
pub use failover::*;
pub use kms::*;
pub use logs::*;
pub use monitoring::*;
pub use naming::*;
pub use network::*;
pub use s3::*;
pub use secrets::*;

/// Every mutant of the stack, service by service; each is claimed by exactly one check (a test
/// proves it).
pub static ALL: LazyLock<Vec<&'static Mutant>> = LazyLock::new(|| {
    [
        kms::ALL,
        network::ALL,
        aurora::ALL,
        audit::ALL,
        secrets::ALL,
        logs::ALL,
        s3::ALL,
        backup::ALL,
        monitoring::ALL,
        cloudtrail::ALL,
        failover::ALL,
        naming::ALL,
    ]
    .concat()
});
