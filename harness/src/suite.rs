//! What a suite provides for one stack version: its outputs contract, the facts it needs
//! gathered from those outputs, and its checks.

use std::future::Future;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::aws::Clients;
use crate::check::{Check, Facts};
use crate::deployment::{Contract, Outputs, Suffix};

/// A resource of the deployment still being created or changed, as its facts show it: an Aurora
/// cluster `modifying`, a NAT gateway `pending`, an ECS deployment still rolling out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Changing {
    /// As findings name it (a cluster identifier, a gateway id, a service ARN).
    pub resource: String,
    /// What it is, for people: `Aurora cluster`.
    pub kind: &'static str,
    /// The state it is in: `modifying`, `pending`, `deployment IN_PROGRESS (1 of 2 tasks running)`.
    pub state: String,
}

impl Changing {
    /// Whether a finding on `resource` is about this resource: the resource itself, or a part
    /// of it named after it (`<cluster>/<instance>`, `<service ARN> (deployment ecs-svc/1,
    /// PRIMARY)`, `<task ARN> (task of <service ARN>)`). The name must stand whole: a cluster
    /// `db` does not cover `db-params` or `db.cluster-x`.
    pub fn covers(&self, resource: &str) -> bool {
        let name = self.resource.as_str();
        if name.is_empty() {
            return false;
        }
        // Characters that continue an id or a name; anything else ends it.
        let part = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        resource.match_indices(name).any(|(at, _)| {
            let before = resource[..at].chars().next_back();
            let after = resource[at + name.len()..].chars().next();
            !before.is_some_and(part) && !after.is_some_and(part)
        })
    }
}

impl std::fmt::Display for Changing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} is {}", self.kind, self.resource, self.state)
    }
}

pub trait Stack: Sync {
    type Facts: Facts;

    /// Short name used in test names and reports: `hipaa`.
    fn name(&self) -> &'static str;

    /// The contract of the newest version the suite knows.
    fn contract(&self) -> &Contract;

    /// The contracts of every version the suite knows, oldest first (the newest is `contract()`).
    /// Every version is judged by the same checks, the current requirements: an older version's
    /// known gaps fail the requirements they break.
    fn versions(&self) -> Vec<&Contract> {
        vec![self.contract()]
    }

    /// The contract of the version a deployment states in its outputs (`StackVersion`), the
    /// oldest when it states none; an unknown version is an error.
    fn contract_of(&self, outputs: &Outputs) -> Result<&Contract, Error> {
        crate::deployment::contract::judged(&self.versions(), outputs.values())
    }

    fn checks(&self) -> &'static [Check<Self::Facts>];

    /// Output keys the checks read; missing ones are reported before the run.
    fn outputs_used(&self) -> &'static [&'static str];

    /// The API reads its facts make, as (service, operation): the run's guard admits these, the
    /// identity call and (unless outputs come only from a file) DescribeStacks, and nothing else.
    fn reads(&self) -> &'static [(&'static str, &'static str)];

    /// Reads of `reads` granted only on some resources (an ARN pattern): a parameter's value is
    /// readable only where the stack keeps its configuration.
    fn read_scopes(&self) -> &'static [crate::aws::guard::ScopedRead] {
        &[]
    }

    /// Whether the outputs can only come from a file (`--outputs`): true for tools that keep
    /// them outside AWS, such as CDKTF and Terraform.
    fn outputs_file_required(&self) -> bool {
        false
    }

    /// The resources the facts show still being created or changed. A run judges a resource only
    /// once it is stable: it waits for them up to `--settle`, and any still changing then is an
    /// error naming its state, never a pass or a fail.
    fn changing(&self, _facts: &Self::Facts) -> Vec<Changing> {
        Vec::new()
    }

    /// What discovery found in the deployed stack (per stack, or per region of a layout): the
    /// reports' coverage table is made of it and the checks' findings.
    fn discovered<'a>(&self, _facts: &'a Self::Facts) -> Vec<&'a crate::facts::discovery::Discovered> {
        Vec::new()
    }

    /// Fetches every fact the checks read, once, concurrently. Never fails as a whole: a fact
    /// that could not be fetched carries its error to the checks that need it.
    fn gather(
        &self,
        clients: &Clients,
        region: &str,
        suffix: &Suffix,
        outputs: &Outputs,
    ) -> impl Future<Output = Self::Facts> + Send;
}

/// What a suite provides to check a stack's template (or synthesized layout) before deployment.
pub trait TemplateSuite: Sync {
    type Facts: Facts;

    /// Short name used in test names and reports: `hipaa-template`.
    fn name(&self) -> &'static str;

    /// The stack whose source this suite checks (`hipaa`): its live suite has the same ids for the
    /// same requirements, and its reports show both outcomes side by side.
    fn stack(&self) -> &'static str;

    /// The option that names this suite's input.
    fn input_option(&self) -> InputOption {
        InputOption::Template
    }

    /// The shipped input, checked when its option is not given.
    fn default_template(&self) -> PathBuf;

    fn checks(&self) -> &'static [Check<Self::Facts>];

    /// Reads the template (and runs any linter over it) once, for every check.
    fn load(&self, path: &Path) -> Result<Self::Facts, Error>;
}

/// Which option names a static suite's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputOption {
    /// `--template`: a CloudFormation template.
    Template,
    /// `--synth`: a synthesized CDKTF/Terraform JSON layout.
    Synth,
}

#[cfg(test)]
mod tests {
    use super::Changing;

    fn changing(resource: &str) -> Changing {
        Changing { resource: resource.into(), kind: "Aurora cluster", state: "modifying".into() }
    }

    #[test]
    fn a_changing_resource_covers_itself_and_the_parts_named_after_it() {
        let cluster = changing("hipaa-db-pr1");
        assert!(cluster.covers("hipaa-db-pr1"));
        assert!(cluster.covers("hipaa-db-pr1/hipaa-db-pr1-writer"), "its instances");
        let service = changing("arn:aws:ecs:eu-central-1:1:service/c/s");
        assert!(service.covers("arn:aws:ecs:eu-central-1:1:service/c/s (deployment ecs-svc/1, PRIMARY)"));
        assert!(
            service.covers("arn:aws:ecs:eu-central-1:1:task/c/abc (task of arn:aws:ecs:eu-central-1:1:service/c/s)")
        );
        assert!(service.covers("arn:aws:ecs:eu-central-1:1:task-definition/t:2, run by arn:aws:ecs:eu-central-1:1:service/c/s (taskDefinition)"));
    }

    #[test]
    fn a_changing_resource_does_not_cover_others_that_share_its_prefix() {
        let cluster = changing("hipaa-db-pr1");
        assert!(!cluster.covers("hipaa-db-pr1-params"), "its parameter group is another resource");
        assert!(!cluster.covers("hipaa-db-pr12"));
        assert!(!cluster.covers("hipaa-db-pr1.cluster-x.eu-central-1.rds.amazonaws.com"));
        assert!(!cluster.covers("xhipaa-db-pr1"));
        assert!(!changing("redis-x").covers("redis-x-001"), "a member cluster is not its group");
        assert!(!changing("").covers("anything"), "an unnamed resource covers nothing");
    }
}
