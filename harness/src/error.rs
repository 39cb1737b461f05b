//! Errors that stop a run before or around the checks. Each renders as one plain sentence;
//! they are printed once, at the edge (`runner::fatal`).

use std::path::PathBuf;

use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "no deployment suffix given: pass --suffix <SUFFIX> (after `--` under cargo test) or set STACKPROOF_SUFFIX"
    )]
    MissingSuffix,

    #[error("the suffix {suffix:?} cannot be part of a CloudFormation stack name: {why}")]
    BadSuffix { suffix: String, why: String },

    #[error("--endpoint only applies to --target localstack (real AWS uses its own endpoints)")]
    EndpointWithAws,

    #[error("the endpoint {endpoint:?} is not an endpoint URL: {why}")]
    BadEndpoint { endpoint: String, why: String },

    #[error("the region {region:?} is not a region name (like eu-central-1)")]
    BadRegion { region: String },

    #[error("{what} is refused: {why}")]
    BadInput { what: String, why: String },

    #[error(
        "{variable} is set ({value}), which would send the requests of --target aws elsewhere: unset it, or check an emulator with --target localstack --endpoint {value}"
    )]
    EndpointOverride { variable: String, value: String },

    #[error("no stack named {stack} exists in {region} (is the suffix right, and was it deployed there?)")]
    StackNotFound { stack: String, region: String },

    #[error("{target} did not answer in {region}: {detail}")]
    Unreachable { target: String, region: String, detail: String },

    #[error("{detail}")]
    Refused { detail: String },

    #[error(
        "the profile {name:?} named by AWS_PROFILE is in neither ~/.aws/config nor ~/.aws/credentials (or the files AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name): fix the name, or configure it with `aws configure --profile {name}` or `aws configure sso`"
    )]
    UnknownProfile { name: String },

    #[error("the AWS config files cannot be read: {detail}")]
    ProfileFiles { detail: String },

    #[error(
        "no AWS credentials were found (the environment, a profile, web identity, the ECS and the EC2 instance role were tried): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws sso login` for an SSO profile"
    )]
    NoCredentials,

    #[error("the AWS credentials could not be loaded: {detail}")]
    Credentials { detail: String },

    #[error(
        "no AWS endpoint answers in {region}: its host name does not resolve ({detail}); check --region or AWS_REGION, and the network's DNS"
    )]
    UnresolvedRegion { region: String, detail: String },

    #[error("{operation} failed in {region}: {detail}")]
    Api { operation: String, region: String, detail: String },

    #[error("cannot read the outputs file {}: {source}", path.display())]
    OutputsUnreadable { path: PathBuf, source: std::io::Error },

    #[error("the outputs file {} is not valid JSON ({detail})", path.display())]
    OutputsNotJson { path: PathBuf, detail: String },

    #[error("the outputs file {} is not shaped like stack outputs: {detail}", path.display())]
    OutputsShape { path: PathBuf, detail: String },

    #[error(
        "the outputs file {} belongs to another deployment: none of its names carries the suffix {suffix} ({example})",
        path.display()
    )]
    OutputsOfAnotherDeployment { path: PathBuf, suffix: String, example: String },

    #[error(
        "the selection runs no check of the {suite} suite ({total} checks): check the filter, --exact, --skip or --ignored (--list shows the names)"
    )]
    NothingSelected { suite: String, total: usize },

    #[error("cannot start the runner: {detail}")]
    Runtime { detail: String },

    #[error("no stack named {name:?} is known: choose one of {known} with --stack")]
    UnknownStack { name: String, known: String },

    #[error(
        "the {stack} stack keeps its outputs outside AWS: pass --outputs FILE (written by `cdktf deploy --outputs-file FILE`)"
    )]
    OutputsFileRequired { stack: String },

    #[error("the {stack} stack spans {regions}, as its contract says: --region only applies to single-region stacks")]
    RegionFixed { stack: String, regions: String },

    #[error("the outputs contract {name} is malformed: {detail}")]
    Contract { name: String, detail: String },

    #[error("the template {} {detail}", path.display())]
    Template { path: PathBuf, detail: String },

    #[error("the static evidence {} {detail}", path.display())]
    StaticEvidence { path: PathBuf, detail: String },

    #[error("the waiver file {} {detail}", path.display())]
    Waivers { path: PathBuf, detail: String },

    #[error("cannot write the report {}: {source}", path.display())]
    Report { path: PathBuf, source: std::io::Error },
}

impl Error {
    /// Exit status for a run that could not start: distinct from libtest's 101 for failed checks.
    pub const SETUP_EXIT: u8 = 2;
}

/// The result of fetching one fact.
pub type Fact<T> = Result<T, FactError>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FactError {
    /// The API answered that the resource does not exist.
    #[error("{what} does not exist")]
    Absent { what: String },
    /// The stack's outputs do not name the resource.
    #[error("stack output {key} is missing from {origin}")]
    MissingOutput { key: String, origin: String },
    /// The endpoint could not be reached.
    #[error("{operation} got no answer: {detail}")]
    Unreachable { operation: String, detail: String },
    /// The read-only guard refused the call (a suite asked for a non-read operation).
    #[error("{detail}")]
    Refused { detail: String },
    /// Any other API failure: access denied, throttling past retries, a reply the SDK cannot read.
    #[error("{operation} failed: {detail}")]
    Api { operation: String, detail: String },
}

#[cfg(test)]
mod tests {
    use super::FactError;

    /// Facts travel into evidence as JSON: every kind of failure must serialize, with its kind.
    #[test]
    fn every_fact_error_serializes_with_its_kind() {
        let s = |o: &str| o.to_owned();
        let all = [
            FactError::Absent { what: s("a key") },
            FactError::MissingOutput { key: s("K"), origin: s("stack") },
            FactError::Unreachable { operation: s("Op"), detail: s("timeout") },
            FactError::Refused { detail: s("refused Op") },
            FactError::Api { operation: s("Op"), detail: s("denied") },
        ];
        for e in all {
            let v = serde_json::to_value(&e).unwrap_or_else(|err| panic!("{e:?}: {err}"));
            assert!(v["kind"].is_string(), "{v}");
        }
    }
}
