//! Static checks on the HIPAA stack's CloudFormation template, before anything is deployed.
//! Each check walks the template and emits one finding per resource, naming the logical id and
//! the property; each has a mutation that flips that property in the shipped template and must
//! make it fail.

pub mod encryption;
pub mod kms;
pub mod lint;
pub mod logs;

use std::path::{Path, PathBuf};

use serde_json::Value;
use stackproof_harness::Error;
use stackproof_harness::check::{Check, Finding};
use stackproof_harness::facts::Fact;
use stackproof_harness::lint::{LintFinding, cfn_lint};
use stackproof_harness::stack::TemplateSuite;
use stackproof_harness::template::{Resource, Template, reference, show};

pub const REGION: &str = "eu-central-1";

/// The template and what cfn-lint said of it, read once.
pub struct TemplateFacts {
    pub template: Template,
    pub lint: Fact<Vec<LintFinding>>,
}

/// Every static check, in report order.
pub static CHECKS: &[Check<TemplateFacts>] = &[
    lint::CFN_LINT_CLEAN,
    kms::KMS_KEYS_ROTATE,
    encryption::AURORA_ENCRYPTED_WITH_STACK_KEY,
    encryption::EFS_ENCRYPTED_WITH_STACK_KEY,
    encryption::REDIS_ENCRYPTED_AT_REST_AND_IN_TRANSIT,
    encryption::AURORA_REQUIRES_TLS,
    encryption::EFS_REQUIRES_TLS,
    logs::LOG_GROUPS_ENCRYPTED_WITH_STACK_KEY,
    logs::LOG_GROUPS_RETAINED,
    logs::AURORA_AUDIT_LOGS_EXPORTED,
];

pub struct HipaaTemplate;

impl TemplateSuite for HipaaTemplate {
    type Facts = TemplateFacts;

    fn name(&self) -> &'static str {
        "hipaa-template"
    }

    fn default_template(&self) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("stacks/hipaa/v1/template.yml")
    }

    fn checks(&self) -> &'static [Check<TemplateFacts>] {
        CHECKS
    }

    fn load(&self, path: &Path) -> Result<TemplateFacts, Error> {
        let template = Template::load(path)?;
        let lint = cfn_lint(path, REGION);
        Ok(TemplateFacts { template, lint })
    }
}

/// How a mutation breaks the shipped template for one check.
pub enum Change {
    /// Set the resource's property (dotted path under Properties) to this JSON.
    Set(&'static str),
    /// Remove the property.
    Remove,
    /// Set a resource attribute (DeletionPolicy, DependsOn, ...) to this JSON.
    SetAttr(&'static str),
    /// Anything else.
    Custom(fn(&mut Template)),
}

/// A named breakage of the template: the failing finding must name `resource` and `property`.
pub struct Mutation {
    pub name: &'static str,
    pub resource: &'static str,
    pub property: &'static str,
    pub change: Change,
}

impl Mutation {
    pub fn apply(&self, t: &mut Template) {
        let Some(body) = t.resource_mut(self.resource) else { panic!("mutation {}: no resource {}", self.name, self.resource) };
        let json = |text: &str| serde_json::from_str::<Value>(text).unwrap_or_else(|e| panic!("mutation {}: {e}", self.name));
        match &self.change {
            Change::SetAttr(v) => {
                body[self.property] = json(v);
            }
            Change::Set(v) => {
                let (parent, last) = parent_of(body, self.property);
                parent[last] = json(v);
            }
            Change::Remove => {
                let (parent, last) = parent_of(body, self.property);
                if let Some(obj) = parent.as_object_mut() {
                    obj.remove(last);
                }
            }
            Change::Custom(f) => f(t),
        }
    }
}

fn parent_of<'a, 'p>(body: &'a mut Value, path: &'p str) -> (&'a mut Value, &'p str) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().unwrap_or(path);
    let parent = parts.into_iter().fold(&mut body["Properties"], |v, key| &mut v[key]);
    (parent, last)
}

// Shared helpers for the checks.

/// Judges one property of one resource: the finding names the logical id and the property, and
/// its evidence is the property as the template has it.
pub fn judge(r: &Resource, property: &str, ok: bool, expected: impl ToString) -> Finding {
    let value = r.prop(property);
    Finding::judge(r.id, property, ok, expected, show(value), &value)
}

/// True if the value refers to a KMS key the template itself creates.
pub fn is_stack_key(t: &Template, v: Option<&Value>) -> bool {
    v.and_then(reference).and_then(|id| t.resource(id)).is_some_and(|r| r.kind == "AWS::KMS::Key")
}

/// Logical ids a list property refers to (`SubnetIds: [!Ref A, !Ref B]`).
pub fn references(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(reference).collect(),
        Some(other) => reference(other).into_iter().collect(),
        None => Vec::new(),
    }
}

/// The findings of `judge_one` for every resource of `kind`; a failing finding if the template
/// has none, because a requirement nothing fulfils is not met.
pub fn per_resource<'t>(
    t: &'t Template,
    kind: &'t str,
    property: &str,
    judge_one: impl Fn(&Resource<'t>) -> Vec<Finding>,
) -> Vec<Finding> {
    let findings: Vec<Finding> = t.resources_of(kind).flat_map(|r| judge_one(&r)).collect();
    if findings.is_empty() { vec![nothing_of(kind, property)] } else { findings }
}

/// A finding for a requirement no resource of the template fulfils.
pub fn nothing_of(kind: &str, property: &str) -> Finding {
    Finding::judge("(template)", property, false, format!("a resource of type {kind}"), "none", &())
}

#[cfg(test)]
mod tests;
