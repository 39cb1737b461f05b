//! The disaster-recovery layout (`stacks/dr/v1`, CDKTF, eu-west-2 primary and eu-west-1 DR): live
//! checks by service over facts gathered in both regions, and (`synth/`) static checks on the
//! synthesized layout.

pub mod aurora;
pub mod backup;
pub mod cloudtrail;
pub mod facts;
pub mod failover;
pub mod failover_policy;
pub mod kms;
pub mod logs;
pub mod monitoring;
pub mod mutants;
pub mod naming;
pub mod network;
pub mod outputs;
pub mod reads;
pub mod s3;
pub mod secrets;
pub mod settle;
pub mod synth;

use std::sync::LazyLock;

use stackproof_harness::aws::Clients;
use stackproof_harness::check::{Check, Facts};
use stackproof_harness::deployment::Suffix;
use stackproof_harness::deployment::{Contract, Outputs};
use stackproof_harness::mutation::Mutant;
use stackproof_harness::suite::{Changing, Stack};

pub use facts::{DrFacts, Regions};

pub(crate) static CONTRACT: LazyLock<Contract> = LazyLock::new(|| {
    Contract::parse("stacks/dr/v1/outputs.yml", include_str!("../../stacks/dr/v1/outputs.yml"))
        .expect("the shipped contract parses (see its test)")
});

/// Every live check of the layout, in report order: each service module lists its own.
pub static CHECKS: LazyLock<Vec<Check<DrFacts>>> = LazyLock::new(|| {
    [
        kms::CHECKS,
        network::CHECKS,
        aurora::CHECKS,
        secrets::CHECKS,
        s3::CHECKS,
        backup::CHECKS,
        monitoring::CHECKS,
        logs::CHECKS,
        cloudtrail::CHECKS,
        failover::CHECKS,
        naming::CHECKS,
    ]
    .concat()
});

/// The contract's regions by role.
pub fn regions() -> Regions {
    let role = |r: &str| CONTRACT.regions.get(r).cloned().unwrap_or_default();
    Regions { primary: role("primary"), dr: role("dr") }
}

impl Facts for DrFacts {
    type Mutant = Mutant;
}

pub struct Dr;

impl Stack for Dr {
    type Facts = DrFacts;

    fn name(&self) -> &'static str {
        "dr"
    }

    fn contract(&self) -> &Contract {
        &CONTRACT
    }

    fn checks(&self) -> &'static [Check<DrFacts>] {
        &CHECKS
    }

    fn outputs_used(&self) -> &'static [&'static str] {
        outputs::USED
    }

    fn reads(&self) -> &'static [(&'static str, &'static str)] {
        reads::READS
    }

    fn read_scopes(&self) -> &'static [stackproof_harness::aws::guard::ScopedRead] {
        reads::SCOPES
    }

    // CDKTF keeps outputs in Terraform state, not in AWS: `cdktf deploy --outputs-file` writes them.
    fn outputs_file_required(&self) -> bool {
        true
    }

    fn changing(&self, facts: &DrFacts) -> Vec<Changing> {
        settle::changing(facts)
    }

    fn discovered<'a>(&self, facts: &'a DrFacts) -> Vec<&'a stackproof_harness::facts::discovery::Discovered> {
        facts.discovered.iter().collect()
    }

    async fn gather(&self, clients: &Clients, _region: &str, suffix: &Suffix, outputs: &Outputs) -> DrFacts {
        DrFacts::gather(clients, regions(), suffix, outputs).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suite_reads_exactly_the_contracts_outputs() {
        for key in outputs::USED {
            assert!(CONTRACT.declares(key), "{key} is read by the suite but not in stacks/dr/v1/outputs.yml");
        }
        for key in CONTRACT.outputs.keys() {
            assert!(
                outputs::USED.contains(&key.as_str()),
                "{key} is in the contract but has no constant in outputs.rs"
            );
        }
        let r = regions();
        assert_eq!((r.primary.as_str(), r.dr.as_str()), ("eu-west-2", "eu-west-1"));
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
