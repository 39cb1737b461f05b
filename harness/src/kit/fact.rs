//! "Judge a fact, or report why it could not be had": once, for every check of every suite. A
//! fact the API said is absent fails (the stack claims the resource); any other error is an
//! error, never a pass.

use crate::check::Finding;
use crate::error::{Fact, FactError};
use crate::facts::Named;

/// Runs `judge` on the fact about the resource an output names, if it was had; otherwise one
/// finding on `property` of that resource saying why not.
pub fn judge_named<T>(n: &Named<T>, property: &str, judge: impl FnOnce(&T) -> Vec<Finding>) -> Vec<Finding> {
    judge_fact(&n.resource, &n.fact, property, judge)
}

/// Runs `judge` on a fact that was had; otherwise one finding on `property` of `resource`.
pub fn judge_fact<T>(
    resource: &str,
    fact: &Fact<T>,
    property: &str,
    judge: impl FnOnce(&T) -> Vec<Finding>,
) -> Vec<Finding> {
    match fact {
        Ok(value) => judge(value),
        Err(e) => vec![unavailable(resource, property, e)],
    }
}

/// The finding for a fact that could not be had: absence fails, anything else is an error.
pub fn unavailable(resource: &str, property: &str, err: &FactError) -> Finding {
    Finding::unavailable(resource, property, err)
}

/// Runs `judge` on two facts that were both had (a resource and the stack key it must use, say);
/// otherwise one finding per fact that was not.
pub fn judge_both<A, B>(
    (a, b): (&Named<A>, &Named<B>),
    property: &str,
    judge: impl FnOnce(&A, &B) -> Vec<Finding>,
) -> Vec<Finding> {
    match (&a.fact, &b.fact) {
        (Ok(x), Ok(y)) => judge(x, y),
        (x, y) => {
            let mut out = Vec::new();
            if let Err(e) = x {
                out.push(unavailable(&a.resource, property, e));
            }
            if let Err(e) = y {
                // The resource judged is `a`; `b` is what it is compared with.
                out.push(Finding::error(&a.resource, property, e));
            }
            out
        }
    }
}
