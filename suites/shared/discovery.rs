//! What a stack contains beyond its outputs, as the checks see it: the inventory discovery made,
//! and the finding a check adds when discovery failed (its own instances were then only those the
//! outputs name: never a pass).

use stackproof_harness::check::Finding;
use stackproof_harness::facts::Fact;
pub use stackproof_harness::facts::discovery::Discovered;
use stackproof_harness::facts::discovery::{Resource, SECURITY_GROUP};
use stackproof_harness::facts::ec2::Network;
use stackproof_harness::kit::fact::unavailable;

/// One finding on `property` of the stack when discovery failed: the check could judge only
/// the resources the outputs name, so it has not judged every instance.
pub trait Failure {
    fn failure(&self, property: &str) -> Vec<Finding>;
}

impl Failure for Discovered {
    fn failure(&self, property: &str) -> Vec<Finding> {
        match &self.inventory {
            Ok(_) => Vec::new(),
            Err(e) => vec![unavailable(&format!("resources of {}", self.scope), property, e)],
        }
    }
}

/// The security groups discovery finds in the stack that `vpc` does not hold (every one of them
/// when the VPC could not be read). A group not made yet (no physical id) has nothing to judge:
/// the coverage table lists it as not covered.
pub fn groups_outside<'a>(found: &'a Discovered, vpc: &'a Fact<Network>) -> Vec<&'a Resource> {
    let Ok(inventory) = &found.inventory else { return Vec::new() };
    let in_vpc = |id: &str| vpc.as_ref().is_ok_and(|net| net.security_group(id).is_some());
    inventory.of_type(SECURITY_GROUP).filter(|r| !r.physical_id.is_empty() && !in_vpc(&r.physical_id)).collect()
}
