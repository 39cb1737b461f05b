//! What a stack contains beyond its outputs, as the checks see it: the inventory discovery made,
//! and the finding a check adds when discovery failed (its own instances were then only those the
//! outputs name: never a pass).

use stackproof_harness::check::Finding;
pub use stackproof_harness::facts::discovery::Discovered;
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
