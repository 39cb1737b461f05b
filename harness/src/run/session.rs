//! A session on one deployment: clients for every region its contract spans, who the run acts as,
//! the outputs, and the facts, fetched here once. It knows nothing of the command line; the live
//! entry point and the offline proofs open one the same way.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::trials::timed;
use crate::Error;
use crate::aws::guard::Allowlist;
use crate::aws::{Clients, Identity, Target};
use crate::check::{Check, Finding, Outcome};
use crate::deployment::{Outputs, Suffix};
use crate::report::Record;
use crate::suite::{Changing, Stack};

/// Everything a run knows once it has reached the deployment: the facts are fetched here, once.
pub struct Session<S: Stack> {
    pub target: Target,
    pub suffix: Suffix,
    /// The stack's home region (its only one, or the primary of a multi-region layout).
    pub region: String,
    /// Every region clients were built for.
    pub regions: Vec<String>,
    pub identity: Identity,
    pub clients: Clients,
    pub outputs: Outputs,
    /// The stack version judged: the one the outputs state (`StackVersion`), else the oldest.
    pub version: String,
    pub facts: Arc<S::Facts>,
    /// Wall time spent fetching facts.
    pub gather_time: Duration,
    /// Resources still changing after settling (or at once, without `--settle`).
    pub unsettled: Vec<Changing>,
    /// How long the run waited for them to settle, when it did (`--settle`).
    pub settled_for: Option<Duration>,
}

/// What a run will do, decided before any request is sent: the regions to build clients for,
/// and the outputs when they come from a file (read and checked against the suffix here, so a
/// wrong file is one clear error before any API call).
#[derive(Debug, Clone)]
pub struct Plan {
    pub suffix: Suffix,
    /// The stack's home region (its only one, or the primary of a multi-region layout).
    pub region: String,
    /// Every region clients are built for, home first.
    pub regions: Vec<String>,
    pub file_outputs: Option<Outputs>,
}

impl Plan {
    pub fn new<S: Stack>(
        stack: &S,
        suffix: Suffix,
        region: Option<&str>,
        outputs_file: Option<&Path>,
    ) -> Result<Self, Error> {
        let contract = stack.contract();
        let spanned: Vec<String> = contract.regions.values().cloned().collect();
        if region.is_some() && spanned.len() > 1 {
            // Home region first: "eu-west-2 (primary) and eu-west-1 (dr)".
            let mut roles: Vec<(&String, &String)> = contract.regions.iter().collect();
            roles.sort_by_key(|(_, r)| Some(r.as_str()) != contract.home_region());
            let regions = roles.iter().map(|(role, r)| format!("{r} ({role})")).collect::<Vec<_>>().join(" and ");
            return Err(Error::RegionFixed { stack: stack.name().to_owned(), regions });
        }
        if outputs_file.is_none() && stack.outputs_file_required() {
            return Err(Error::OutputsFileRequired { stack: stack.name().to_owned() });
        }
        let region = region
            .or(contract.home_region())
            .map(str::to_owned)
            .ok_or_else(|| Error::Contract { name: stack.name().to_owned(), detail: "it names no region".into() })?;
        let mut regions = vec![region.clone()];
        regions.extend(spanned.into_iter().filter(|r| *r != region));
        let file_outputs = match outputs_file {
            Some(path) => {
                let outputs = Outputs::from_file(path)?;
                contract.names_carry(outputs.values(), &suffix).map_err(|example| {
                    Error::OutputsOfAnotherDeployment { path: path.to_owned(), suffix: suffix.to_string(), example }
                })?;
                Some(outputs)
            }
            None => None,
        };
        Ok(Self { suffix, region, regions, file_outputs })
    }
}

impl<S: Stack> Session<S> {
    /// Plans, connects, reads the stack's outputs (from `outputs_file` if given, else
    /// DescribeStacks) and gathers the facts.
    pub async fn open(
        stack: &S,
        target: Target,
        suffix: Suffix,
        region: Option<&str>,
        outputs_file: Option<&Path>,
    ) -> Result<Self, Error> {
        Self::connect(stack, target, Plan::new(stack, suffix, region, outputs_file)?).await
    }

    /// Connects as planned, reads the outputs if they are not from a file, and gathers the facts.
    pub async fn connect(stack: &S, target: Target, plan: Plan) -> Result<Self, Error> {
        let Plan { suffix, region, regions, file_outputs } = plan;
        target.check_profile().await?;
        let allowlist = Allowlist::for_stack(stack.reads(), !stack.outputs_file_required(), stack.read_scopes());
        let clients = Clients::new(&target, &regions.iter().map(String::as_str).collect::<Vec<_>>(), allowlist).await;
        let here = clients.region(&region);

        // One cheap call first, so an endpoint that does not answer is one clear error.
        let identity = Identity::of(here, &target).await?;

        let outputs = match file_outputs {
            Some(outputs) => outputs,
            None => Outputs::from_stack(here, &target, &stack.contract().stack_name(&suffix)).await?,
        };
        let version = stack.contract_of(&outputs)?.version.clone();
        let started = Instant::now();
        let facts = stack.gather(&clients, &region, &suffix, &outputs).await;
        let unsettled = stack.changing(&facts);
        Ok(Self {
            target,
            suffix,
            region,
            regions,
            identity,
            clients,
            outputs,
            version,
            facts: Arc::new(facts),
            gather_time: started.elapsed(),
            unsettled,
            settled_for: None,
        })
    }

    /// Waits up to `limit` for the resources still changing to be stable, re-reading every fact
    /// each round (every `interval`) and telling `progress` what it waits for. What is still
    /// changing at the end stays in `unsettled`.
    pub async fn settle(&mut self, stack: &S, limit: Duration, interval: Duration, progress: impl Fn(String)) {
        let deadline = Instant::now() + limit;
        self.settled_for = Some(limit);
        while !self.unsettled.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            let waiting: Vec<String> = self.unsettled.iter().map(ToString::to_string).collect();
            progress(format!(
                "settle: waiting for {} resource(s) ({} left of --settle): {}",
                waiting.len(),
                humantime::format_duration(Duration::from_secs(left.as_secs())),
                waiting.join("; ")
            ));
            tokio::time::sleep(interval.min(left)).await;
            let started = Instant::now();
            let facts = stack.gather(&self.clients, &self.region, &self.suffix, &self.outputs).await;
            self.gather_time += started.elapsed();
            self.unsettled = stack.changing(&facts);
            self.facts = Arc::new(facts);
        }
    }

    /// One check on the facts. A finding on a resource still changing is an error naming its
    /// state: what it shows is not yet what the deployment will be.
    pub fn evaluate(&self, check: &Check<S::Facts>) -> Outcome {
        let outcome = check.evaluate(&self.facts);
        if self.unsettled.is_empty() {
            return outcome;
        }
        let why = match self.settled_for {
            Some(limit) => format!("still so after --settle {}", humantime::format_duration(limit)),
            None => "run with --settle DURATION to wait for it".to_owned(),
        };
        let findings = outcome
            .findings
            .into_iter()
            .map(|f| match self.changing(&f.resource) {
                Some(c) => Finding::error(f.resource, f.property, format!("not judged: {c} ({why})")),
                None => f,
            })
            .collect();
        Outcome::new(findings)
    }

    /// The resource still changing that a finding on `resource` is about: that resource itself
    /// first, else the one it is a part of (an instance of a cluster still creating, a
    /// deployment of a service still rolling out).
    fn changing(&self, resource: &str) -> Option<&Changing> {
        let unsettled = &self.unsettled;
        unsettled.iter().find(|c| c.resource == resource).or_else(|| unsettled.iter().find(|c| c.covers(resource)))
    }

    /// Runs every check in order, without libtest: for embedding and for tests.
    pub fn evaluate_all(&self, stack: &S) -> Vec<Record> {
        stack
            .checks()
            .iter()
            .map(|check| timed(stack.name(), check.info, check.claim_infos(), || self.evaluate(check)))
            .collect()
    }
}
