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
