//! Named breakages that prove checks can fail, as values: a [`Mutant`] of a seeded deployment
//! (the seeder applies it, the live check claims it, the offline proof uses it), and a
//! [`Mutation`] of a stack's source (a template or a synth; the static check claims it and
//! [`disproofs`] applies it). The two are distinct types, so neither can stand for the other.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::check::{Check, Facts, Status};
use crate::source::Mutable;
use crate::source::json::{remove, set};

/// A named breakage of a seeded deployment, and where the live check that claims it must say it
/// failed: on the resource stack output `output` names (its `nth` entry when the output is a
/// list), property `property`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mutant {
    pub name: &'static str,
    pub about: &'static str,
    pub output: &'static str,
    pub nth: usize,
    pub property: &'static str,
}

/// How a mutant's `output` names a resource no output names (one it adds to the stack): by the
/// logical id discovery finds it by, `logical-id:<LogicalId>`.
pub const LOGICAL_ID: &str = "logical-id:";

impl Mutant {
    /// The id, ARN or name of the resource this mutant breaks, from the seeded outputs; for a
    /// resource no output names, its logical id.
    pub fn resource(&self, outputs: &BTreeMap<String, String>) -> Option<String> {
        if let Some(logical_id) = self.unlisted() {
            return Some(logical_id.to_owned());
        }
        outputs.get(self.output)?.split(',').nth(self.nth).map(str::to_owned)
    }

    /// The logical id of the resource this mutant adds, when no output names it.
    pub fn unlisted(&self) -> Option<&'static str> {
        self.output.strip_prefix(LOGICAL_ID)
    }
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
pub fn disproofs<T: Mutable + 'static, F: Facts<Mutant = Mutation<T>>>(
    checks: &[&Check<F>],
    shipped: &T,
    facts: impl Fn(T) -> F,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (check, m) in checks.iter().flat_map(|c| c.mutants().map(move |m| (c, m))) {
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
    for name in checks.iter().flat_map(|c| c.mutants()).map(|m| m.name) {
        let claims = checks.iter().flat_map(|c| c.mutants()).filter(|m| m.name == name).count();
        if claims != 1 {
            problems.push(format!("mutation {name} is claimed {claims} times"));
        }
    }
    for check in checks {
        for claim in check.claims.iter().filter(|c| c.mutants.is_empty() && c.not_emulated.is_none()) {
            problems.push(format!("{} claims {} with no mutation to prove it", check.info.id, claim.property));
        }
        if check.claims.is_empty() {
            problems.push(format!("{} claims nothing", check.info.id));
        }
    }
    problems.dedup();
    problems
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::check::{CheckInfo, Claim, Finding, Severity};

    /// A source of one resource `R` with one flag.
    #[derive(Clone)]
    struct Doc(Value);

    impl Facts for Doc {
        type Mutant = Mutation<Doc>;
    }

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

    const FLAG: &[Claim<Mutation<Doc>>] =
        &[Claim { property: "Flag", about: "the flag is on", mutants: &[&FLAG_OFF], not_emulated: None }];

    #[test]
    fn a_check_that_reads_the_property_is_proven() {
        let check = Check { info: INFO, claims: FLAG, run: flag_on };
        assert!(disproofs(&[&check], &Doc(json!({"R": {"Flag": true}})), |d| d).is_empty());
    }

    #[test]
    fn a_check_that_cannot_fail_is_reported() {
        let check = Check { info: INFO, claims: FLAG, run: never_fails };
        let problems = disproofs(&[&check], &Doc(json!({"R": {"Flag": true}})), |d| d);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("flag_on on flag-off: pass without a failure naming R Flag"), "{problems:?}");
    }

    #[test]
    fn a_mutation_claimed_twice_is_reported() {
        let check = Check { info: INFO, claims: FLAG, run: flag_on };
        let twin = Check { info: CheckInfo { id: "flag_on_again", ..INFO }, claims: FLAG, run: flag_on };
        let problems = disproofs(&[&check, &twin], &Doc(json!({"R": {"Flag": true}})), |d| d);
        assert!(problems.iter().any(|p| p.contains("mutation flag-off is claimed 2 times")), "{problems:?}");
    }

    #[test]
    fn a_claim_without_a_mutation_is_reported() {
        const BARE: &[Claim<Mutation<Doc>>] =
            &[Claim { property: "Flag", about: "the flag is on", mutants: &[], not_emulated: None }];
        let check = Check { info: INFO, claims: BARE, run: flag_on };
        let problems = disproofs(&[&check], &Doc(json!({"R": {"Flag": true}})), |d| d);
        assert!(problems.iter().any(|p| p.contains("flag_on claims Flag with no mutation")), "{problems:?}");
    }
}
