//! Errors that stop a run before or around the checks. Each renders as one plain sentence;
//! they are printed once, at the edge (`runner::fatal`).

use std::path::PathBuf;

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

    #[error("the endpoint {endpoint:?} is not a URL: it must start with http:// or https://")]
    BadEndpoint { endpoint: String },

    #[error("no stack named {stack} exists in {region} (is the suffix right, and was it deployed there?)")]
    StackNotFound { stack: String, region: String },

    #[error("{target} did not answer in {region}: {detail}")]
    Unreachable { target: String, region: String, detail: String },

    #[error("{operation} failed in {region}: {detail}")]
    Api { operation: String, region: String, detail: String },

    #[error("cannot read the outputs file {}: {source}", path.display())]
    OutputsUnreadable { path: PathBuf, source: std::io::Error },

    #[error("the outputs file {} is not valid JSON ({detail})", path.display())]
    OutputsNotJson { path: PathBuf, detail: String },

    #[error("the outputs file {} is not shaped like stack outputs: {detail}", path.display())]
    OutputsShape { path: PathBuf, detail: String },

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

    #[error("cannot write the report {}: {source}", path.display())]
    Report { path: PathBuf, source: std::io::Error },
}

impl Error {
    /// Exit status for a run that could not start: distinct from libtest's 101 for failed checks.
    pub const SETUP_EXIT: u8 = 2;
}
