//! The HIPAA stack's named breakages of a seeded deployment: the live checks claim them, the
//! seeder (`localstack/seed`) applies them, and the offline proof shows each fails its check
//! alone. `output` (its `nth` entry) names the resource the failing finding must name, `property`
//! the property it must judge.

use std::sync::LazyLock;

use stackproof_harness::mutation::Mutant;

use super::outputs as o;

pub mod apigateway;
pub mod ecs;
pub mod efs;
pub mod elasticache;
pub mod kms;
pub mod logs;
pub mod naming;
pub mod network;
pub mod rds;
pub mod secrets;
pub mod security_groups;

pub use apigateway::*;
pub use ecs::*;
pub use efs::*;
pub use elasticache::*;
pub use kms::*;
pub use logs::*;
pub use naming::*;
pub use network::*;
pub use rds::*;
pub use secrets::*;
pub use security_groups::*;

/// Every mutant of the stack, service by service; each is claimed by exactly one check (a test
/// proves it).
pub static ALL: LazyLock<Vec<&'static Mutant>> = LazyLock::new(|| {
    [
        kms::ALL,
        network::ALL,
        logs::ALL,
        security_groups::ALL,
        naming::ALL,
        rds::ALL,
        efs::ALL,
        elasticache::ALL,
        ecs::ALL,
        apigateway::ALL,
        secrets::ALL,
    ]
    .concat()
});
