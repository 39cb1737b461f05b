//! The HIPAA stack (stacks/hipaa/v1, CloudFormation, eu-central-1): live checks by service.

pub mod apigateway;
#[cfg(test)]
mod before_and_after;
pub mod ecs;
pub mod efs;
pub mod elasticache;
pub mod facts;
pub mod iam;
pub mod kms;
pub mod logs;
pub mod mutants;
pub mod naming;
pub mod network;
pub mod outputs;
pub mod rds;
pub mod reads;
pub mod secrets;
pub mod security_groups;
pub mod settle;
pub mod template;

use std::sync::LazyLock;

use stackproof_harness::aws::Clients;
use stackproof_harness::check::{Check, Facts};
use stackproof_harness::deployment::Suffix;
use stackproof_harness::deployment::{Contract, Outputs};
use stackproof_harness::mutation::Mutant;
use stackproof_harness::suite::{Changing, Stack};

pub use facts::HipaaFacts;

pub(crate) static CONTRACT: LazyLock<Contract> = LazyLock::new(|| {
    Contract::parse("stacks/hipaa/v1/outputs.yml", include_str!("../../stacks/hipaa/v1/outputs.yml"))
        .expect("the shipped contract parses (see its test)")
});

/// Every live check of the stack, in report order: each service module lists its own.
pub static CHECKS: LazyLock<Vec<Check<HipaaFacts>>> = LazyLock::new(|| {
    [
        network::CHECKS,
        security_groups::CHECKS,
        kms::CHECKS,
        logs::CHECKS,
        rds::CHECKS,
        efs::CHECKS,
        elasticache::CHECKS,
        ecs::CHECKS,
        apigateway::CHECKS,
        secrets::CHECKS,
        iam::CHECKS,
        naming::CHECKS,
    ]
    .concat()
});

impl Facts for HipaaFacts {
    type Mutant = Mutant;
}

pub struct Hipaa;

impl Stack for Hipaa {
    type Facts = HipaaFacts;

    fn name(&self) -> &'static str {
        "hipaa"
    }

    fn contract(&self) -> &Contract {
        &CONTRACT
    }

    fn checks(&self) -> &'static [Check<HipaaFacts>] {
        &CHECKS
    }

    fn outputs_used(&self) -> &'static [&'static str] {
        outputs::USED
    }

    fn reads(&self) -> &'static [(&'static str, &'static str)] {
        reads::READS
    }

    fn changing(&self, facts: &HipaaFacts) -> Vec<Changing> {
        settle::changing(facts)
    }

    fn discovered<'a>(&self, facts: &'a HipaaFacts) -> Vec<&'a stackproof_harness::facts::discovery::Discovered> {
        vec![&facts.discovered]
    }

    async fn gather(&self, clients: &Clients, region: &str, suffix: &Suffix, outputs: &Outputs) -> HipaaFacts {
        HipaaFacts::gather(clients, region, suffix, outputs).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suite_reads_exactly_the_contracts_outputs() {
        for key in outputs::USED {
            assert!(CONTRACT.declares(key), "{key} is read by the suite but not in stacks/hipaa/v1/outputs.yml");
        }
        for key in CONTRACT.outputs.keys() {
            assert!(
                outputs::USED.contains(&key.as_str()),
                "{key} is in the contract but has no constant in outputs.rs"
            );
        }
        assert_eq!(CONTRACT.stack, "hipaa");
        assert_eq!(CONTRACT.home_region(), Some("eu-central-1"));
    }

    #[test]
    fn checks_have_unique_ids_mutants_and_citations() {
        crate::shared::assert_checks_well_formed(&CHECKS, |m| m.name);
    }

    #[test]
    fn every_mutant_is_claimed_by_exactly_one_check() {
        crate::shared::assert_mutants_claimed_once(&CHECKS, &mutants::ALL);
    }
}
