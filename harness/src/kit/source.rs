//! Judgements every static suite makes on its source, whatever the source: a template or a
//! synthesized layout. A finding names the resource as the source does (logical id, `type.id`)
//! and the property by dotted path; its evidence is the property as declared.

use serde_json::Value;

use crate::check::Finding;
use crate::source::{Declared, Source};

/// Judges one property of one resource.
pub fn judge(r: &impl Declared, property: &str, ok: bool, expected: impl ToString) -> Finding {
    let value = r.prop(property);
    Finding::judge(r.name(), property, ok, expected, r.show(value), &value)
}

/// Like `judge`, for a value the caller found (inside a list property, or one of several blocks),
/// which a dotted path cannot reach.
pub fn judge_value(
    r: &impl Declared,
    property: impl Into<String>,
    value: Option<&Value>,
    ok: bool,
    expected: impl ToString,
) -> Finding {
    Finding::judge(r.name(), property, ok, expected, r.show(value), &value)
}

/// A failing finding for a resource that lacks a companion the requirement needs (a VPC without a
/// flow log, a cluster without instances): `property` names what is missing.
pub fn missing(r: &impl Declared, property: &str, expected: impl ToString) -> Finding {
    Finding::judge(r.name(), property, false, expected, "none", &())
}

/// A failing finding for a requirement no resource of the source fulfils.
pub fn nothing_of<S: Source>(kind: &str, property: &str) -> Finding {
    Finding::judge(S::WHOLE, property, false, format!("a resource of type {kind}"), "none", &())
}

/// The findings of `judge_one` for every resource of `kind`; a failing finding if the source has
/// none, because a requirement nothing fulfils is not met.
pub fn per_resource<'s, S: Source>(
    source: &'s S,
    kind: &'s str,
    property: &str,
    judge_one: impl Fn(&S::Resource<'s>) -> Vec<Finding>,
) -> Vec<Finding> {
    let findings: Vec<Finding> = source.resources_of(kind).iter().flat_map(judge_one).collect();
    if findings.is_empty() { vec![nothing_of::<S>(kind, property)] } else { findings }
}
