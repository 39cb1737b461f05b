//! Named breakages of a stack's source (a CloudFormation template, a synthesized CDKTF layout)
//! and the proof built on them: every static check fails on its own mutation, naming the
//! resource and property the mutation broke, while every other check still passes.

use serde_json::Value;

use crate::check::{Check, Status};
use crate::terraform::{remove, set};

/// A source a mutation can break.
pub trait Mutable: Clone {
    /// Where a resource's property paths start: a CloudFormation resource's `Properties`, a
    /// Terraform resource's body. `resource` is as findings name it.
    fn properties_mut(&mut self, resource: &str) -> Option<&mut Value>;
    /// The resource's own body, for attributes such as `DeletionPolicy`.
    fn attributes_mut(&mut self, resource: &str) -> Option<&mut Value>;
}

/// How a mutation breaks the source.
pub enum Change<T: 'static> {
    /// Set the property (dotted path) to this JSON.
    Set(&'static str),
    /// Remove the property.
    Remove,
    /// Set a resource attribute (DeletionPolicy, DependsOn, ...) to this JSON.
    SetAttr(&'static str),
    /// Anything else.
    Custom(fn(&mut T)),
}

/// A named breakage: the failing finding must name `resource` and `property`.
pub struct Mutation<T: 'static> {
    pub name: &'static str,
    pub resource: &'static str,
    pub property: &'static str,
    pub change: Change<T>,
}

impl<T: Mutable> Mutation<T> {
    /// Applies the breakage. A mutation that cannot apply is a broken test, so it panics.
    pub fn apply(&self, source: &mut T) {
        let json =
            |text: &str| serde_json::from_str::<Value>(text).unwrap_or_else(|e| panic!("mutation {}: {e}", self.name));
        let missing = || panic!("mutation {}: no resource {}", self.name, self.resource);
        match &self.change {
            Change::Custom(f) => f(source),
            Change::SetAttr(v) => {
                let body = source.attributes_mut(self.resource).unwrap_or_else(missing);
                body[self.property] = json(v);
            }
            Change::Set(v) => {
                let props = source.properties_mut(self.resource).unwrap_or_else(missing);
                assert!(set(props, self.property, json(v)), "mutation {}: no parent of {}", self.name, self.property);
            }
            Change::Remove => {
                let props = source.properties_mut(self.resource).unwrap_or_else(missing);
                assert!(
                    remove(props, self.property).is_some(),
                    "mutation {}: no {} to remove",
                    self.name,
                    self.property
                );
            }
        }
    }
}

/// Everything that keeps "each check fails on its own mutation, and only it" from holding, one
/// sentence each; empty when it holds. `facts` turns a mutated source into the checks' facts.
pub fn disproofs<T: Mutable, F>(
    checks: &[&Check<F>],
    mutations: &[&Mutation<T>],
    shipped: &T,
    facts: impl Fn(T) -> F,
) -> Vec<String> {
    let mut problems = Vec::new();
    for check in checks {
        let Some(m) = mutations.iter().find(|m| m.name == check.info.mutant) else {
            problems.push(format!("{} names mutation {}, which does not exist", check.info.id, check.info.mutant));
            continue;
        };
        let mut source = shipped.clone();
        m.apply(&mut source);
        let f = facts(source);
        let outcome = check.evaluate(&f);
        let named = outcome.findings.iter().any(|x| {
            x.status == Status::Fail
                && x.resource == m.resource
                && x.property == m.property
                && x.message().contains(m.resource)
        });
        if outcome.status != Status::Fail || !named {
            problems.push(format!(
                "{} on {}: {} without a failure naming {} {}:\n{}",
                check.info.id,
                m.name,
                outcome.status,
                m.resource,
                m.property,
                outcome.summary()
            ));
        }
        for other in checks.iter().filter(|c| c.info.id != check.info.id) {
            let o = other.evaluate(&f);
            if o.status != Status::Pass {
                problems.push(format!("{} broke {} too:\n{}", m.name, other.info.id, o.summary()));
            }
        }
    }
    for m in mutations {
        let claims = checks.iter().filter(|c| c.info.mutant == m.name).count();
        if claims != 1 {
            problems.push(format!("mutation {} is claimed by {claims} checks", m.name));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::check::{CheckInfo, Finding, Severity};

    /// A source of one resource `R` with one flag.
    #[derive(Clone)]
    struct Doc(Value);

    impl Mutable for Doc {
        fn properties_mut(&mut self, resource: &str) -> Option<&mut Value> {
            self.0.get_mut(resource)
        }
        fn attributes_mut(&mut self, resource: &str) -> Option<&mut Value> {
            self.0.get_mut(resource)
        }
    }

    const INFO: CheckInfo = CheckInfo {
        id: "flag_on",
        service: "s",
        title: "t",
        citations: &["45 CFR 164.312(b)"],
        severity: Severity::Low,
        risk: "r",
        remediation: "m",
        mutant: "flag-off",
    };

    fn flag_on(d: &Doc) -> Vec<Finding> {
        let on = d.0.pointer("/R/Flag") == Some(&json!(true));
        vec![Finding::judge("R", "Flag", on, true, on, &())]
    }

    fn never_fails(_: &Doc) -> Vec<Finding> {
        vec![Finding::judge("R", "Flag", true, true, true, &())]
    }

    const FLAG_OFF: Mutation<Doc> =
        Mutation { name: "flag-off", resource: "R", property: "Flag", change: Change::Set("false") };

    #[test]
    fn a_check_that_reads_the_property_is_proven() {
        let check = Check { info: INFO, run: flag_on };
        assert!(disproofs(&[&check], &[&FLAG_OFF], &Doc(json!({"R": {"Flag": true}})), |d| d).is_empty());
    }

    #[test]
    fn a_check_that_cannot_fail_is_reported() {
        let check = Check { info: INFO, run: never_fails };
        let problems = disproofs(&[&check], &[&FLAG_OFF], &Doc(json!({"R": {"Flag": true}})), |d| d);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("flag_on on flag-off: pass without a failure naming R Flag"), "{problems:?}");
    }

    #[test]
    fn an_unclaimed_mutation_is_reported() {
        let check = Check { info: CheckInfo { mutant: "other", ..INFO }, run: flag_on };
        let problems = disproofs(&[&check], &[&FLAG_OFF], &Doc(json!({"R": {"Flag": true}})), |d| d);
        assert!(problems.iter().any(|p| p.contains("mutation flag-off is claimed by 0 checks")), "{problems:?}");
    }
}
