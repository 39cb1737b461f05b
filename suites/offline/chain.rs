//! The whole chain: seed -> outputs -> facts -> checks. The compliant deployment passes every
//! check; each check's mutant makes that check fail, naming the resource and the property, while
//! every other check still passes.

use libtest_mimic::{Failed, Trial};
use stackproof::hipaa::mutants::ALL as MUTANTS;
use stackproof::hipaa::{CHECKS, Hipaa};
use stackproof_harness::aws::Target;
use stackproof_harness::aws::guard::{Allowlist, Ledger};
use stackproof_harness::check::Status;
use stackproof_harness::deployment::Suffix;
use stackproof_harness::mutation::Mutant;
use stackproof_harness::report::Record;
use stackproof_harness::run::Session;
use stackproof_seed::Seeder;
use stackproof_seed::hipaa::{self, Mutants};
use std::collections::{BTreeMap, BTreeSet};

use crate::{Shared, World, needs_world};

/// A seeded deployment: its outputs, the live session on it, and the records of every check.
pub type Seeded = (BTreeMap<String, String>, Session<Hipaa>, Vec<Record>);

/// Seeds a deployment under `suffix` and runs the live suite on it, as `--target localstack` does.
pub fn seed_and_check(w: &World, suffix: &str, mutants: &[&'static Mutant]) -> Result<Seeded, Failed> {
    let suffix = Suffix::parse(suffix)?;
    let mutants = Mutants::of(mutants);
    w.rt.block_on(async {
        let seeder = Seeder::new(&w.endpoint, hipaa::REGION).await?;
        let outputs = hipaa::deploy(&seeder, &suffix, &mutants).await?;
        let session = Session::open(&Hipaa, Target::emulator(&w.endpoint)?, suffix, None, None).await?;
        let records = session.evaluate_all(&Hipaa);
        Ok::<_, Failed>((outputs, session, records))
    })
}

/// A run of a compliant deployment sends every read its stack's policy grants and no other, so
/// `stackproof policy` is neither wider nor narrower than what a run does.
pub fn sent_exactly_its_reads(
    ledger: &Ledger,
    allowlist: &Allowlist,
    not_sent_on_emulator: &[((&str, &str), &str)],
) -> Result<(), Failed> {
    let owned = |(s, o): &(&str, &str)| ((*s).to_owned(), (*o).to_owned());
    let sent: BTreeSet<(String, String)> = ledger.sent().into_keys().collect();
    let granted: BTreeSet<(String, String)> = allowlist.operations().iter().map(owned).collect();
    let unseen: BTreeSet<(String, String)> = not_sent_on_emulator.iter().map(|(op, _)| owned(op)).collect();
    if let Some(op) = unseen.intersection(&sent).next() {
        return Err(format!("{op:?} is listed as not sent on the emulator, but was sent").into());
    }
    let unused: Vec<_> = granted.difference(&sent).filter(|op| !unseen.contains(*op)).collect();
    let ungranted: Vec<_> = sent.difference(&granted).collect();
    if unused.is_empty() && ungranted.is_empty() && ledger.refused().is_empty() {
        return Ok(());
    }
    Err(format!(
        "the policy grants reads the run never sent: {unused:?}; the run sent reads outside it: {ungranted:?}; refused: {:?}",
        ledger.refused()
    )
    .into())
}

/// Every check not broken on purpose must pass, or skip for a stated emulator gap.
pub fn others_pass(records: &[Record], except: Option<&str>) -> Result<(), Failed> {
    for r in records.iter().filter(|r| Some(r.info.id) != except) {
        let ok = match r.outcome.status {
            Status::Pass => true,
            Status::Skip => {
                r.outcome.findings.iter().all(|f| f.reason.as_deref().is_some_and(|x| x.starts_with("not emulated:")))
            }
            Status::Fail | Status::Error | Status::Waived => false,
        };
        if !ok {
            return Err(
                format!("{} is {} but should pass:\n{}", r.info.id, r.outcome.status, r.outcome.summary()).into()
            );
        }
    }
    Ok(())
}

pub fn trials(world: &Shared) -> Vec<Trial> {
    let mut trials = vec![
        needs_world("chain::compliant_deployment_passes_every_check".into(), world, |w| {
            let (_, session, records) = seed_and_check(w, "compliant", &[])?;
            assert_eq!(records.len(), CHECKS.len());
            eprintln!(
                "compliant run: {} checks, {} API calls, facts gathered in {} ms",
                records.len(),
                session.clients.ledger().total_sent(),
                session.gather_time.as_millis()
            );
            others_pass(&records, None)
        }),
        Trial::test("chain::every_mutant_is_claimed_by_exactly_one_check", || {
            let claimed: Vec<&str> = CHECKS.iter().flat_map(|c| c.mutants()).map(|m| m.name).collect();
            claims_each_mutant_once(&claimed, &MUTANTS)
        }),
    ];
    for (check, m) in CHECKS.iter().flat_map(|c| c.mutants().map(move |m| (c, m))) {
        let id = check.info.id;
        trials.push(needs_world(format!("chain::mutant::{}::fails_{id}", m.name), world, move |w| {
            let (outputs, _, records) = seed_and_check(w, &format!("m-{}", m.name), &[m])?;
            fails_alone(&records, &outputs, id, m)
        }));
    }
    trials
}

/// Every mutant a check claims exists in the seeder's catalogue, and each is claimed once.
pub fn claims_each_mutant_once(claimed: &[&str], known: &[&Mutant]) -> Result<(), Failed> {
    for name in claimed {
        if !known.iter().any(|m| m.name == *name) {
            return Err(format!("a check names mutant {name}, which the seeder lacks").into());
        }
    }
    for m in known {
        if claimed.iter().filter(|c| **c == m.name).count() != 1 {
            return Err(format!("mutant {} is not claimed by exactly one check", m.name).into());
        }
    }
    Ok(())
}

/// On a deployment seeded with mutant `m` (whose `outputs` these are), check `id` fails naming
/// the broken resource and property, and every other check passes.
pub fn fails_alone(records: &[Record], outputs: &BTreeMap<String, String>, id: &str, m: &Mutant) -> Result<(), Failed> {
    let resource = m
        .resource(outputs)
        .ok_or_else(|| format!("mutant {} names output {} that was not seeded", m.name, m.output))?;
    fails_naming(records, id, m.name, &resource, m.property)?;
    if let Some(logical_id) = m.unlisted() {
        names_physical_id(records, id, logical_id, m.property)?;
    }
    others_pass(records, Some(id))
}

/// A resource no output names is named by its physical id, then its logical id:
/// `<physical id> (<logical id>...)`.
fn names_physical_id(records: &[Record], id: &str, logical_id: &str, property: &str) -> Result<(), Failed> {
    let record = records.iter().find(|r| r.info.id == id).ok_or("check did not run")?;
    let marker = format!(" ({logical_id}");
    let named =
        record.outcome.findings.iter().filter(|f| f.status == Status::Fail && f.property == property).any(|f| {
            f.resource
                .split_once(&marker)
                .is_some_and(|(physical, _)| !physical.trim().is_empty() && physical != logical_id)
        });
    if !named {
        return Err(format!(
            "no failure of {id} names {logical_id} by its physical id too (`<id> ({logical_id}...)`):\n{}",
            record.outcome.summary()
        )
        .into());
    }
    Ok(())
}

/// Check `id` failed on `mutant` with a failing finding naming `resource` and `property`.
fn fails_naming(records: &[Record], id: &str, mutant: &str, resource: &str, property: &str) -> Result<(), Failed> {
    let record = records.iter().find(|r| r.info.id == id).ok_or("check did not run")?;
    if record.outcome.status != Status::Fail {
        return Err(format!(
            "{id} is {} on mutant {mutant}, expected fail:\n{}",
            record.outcome.status,
            record.outcome.summary()
        )
        .into());
    }
    let named = record.outcome.findings.iter().filter(|f| f.status == Status::Fail).any(|f| {
        f.resource.contains(resource)
            && f.property == property
            && f.message().contains(resource)
            && f.message().contains(property)
    });
    if !named {
        return Err(format!("no failure of {id} names {resource} and {property}:\n{}", record.outcome.summary()).into());
    }
    Ok(())
}
