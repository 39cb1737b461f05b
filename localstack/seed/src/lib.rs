//! Reference deployments for the emulator, seeded through the SDK (moto's CloudFormation skips
//! or drops much of what the stacks declare), and named breakages ("mutants") applied on top so
//! the suites can be shown to fail when they should.
//!
//! This crate mutates, so it builds its own clients from the target's configuration; the
//! harness's clients stay read-only.

pub mod emulator;
pub mod hipaa;

use std::collections::BTreeMap;
use std::path::Path;

use aws_smithy_types::error::display::DisplayErrorContext;
use stackproof_harness::target::Target;

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("{step} failed: {detail}")]
    Api { step: String, detail: String },
    #[error("unknown mutant {name:?}; known mutants: {known}")]
    UnknownMutant { name: String, known: String },
    #[error(
        "a deployment with suffix {suffix} is already seeded (stack {stack}); use another suffix or restart the emulator"
    )]
    AlreadySeeded { suffix: String, stack: String },
    #[error("the seeder only writes to an emulator: give --endpoint or AWS_ENDPOINT_URL")]
    NoEndpoint,
    #[error(transparent)]
    Target(#[from] stackproof_harness::Error),
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: std::io::Error },
}

/// Maps an SDK error to a seeding step's failure.
pub(crate) fn step<E: std::error::Error + 'static>(step: &'static str) -> impl FnOnce(E) -> SeedError {
    move |e| SeedError::Api { step: step.to_owned(), detail: DisplayErrorContext(&e).to_string() }
}

/// Unguarded clients for one region of the emulator.
pub struct Seeder {
    pub region: String,
    pub apigateway: aws_sdk_apigateway::Client,
    pub autoscaling: aws_sdk_applicationautoscaling::Client,
    pub cloudformation: aws_sdk_cloudformation::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub efs: aws_sdk_efs::Client,
    pub elasticache: aws_sdk_elasticache::Client,
    pub iam: aws_sdk_iam::Client,
    pub kms: aws_sdk_kms::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub rds: aws_sdk_rds::Client,
    pub secretsmanager: aws_sdk_secretsmanager::Client,
    pub wafv2: aws_sdk_wafv2::Client,
}

impl Seeder {
    pub async fn new(endpoint: &str, region: &str) -> Result<Self, SeedError> {
        let sdk = Target::emulator(endpoint)?.sdk_config(region).await;
        Ok(Self {
            region: region.to_owned(),
            apigateway: aws_sdk_apigateway::Client::new(&sdk),
            autoscaling: aws_sdk_applicationautoscaling::Client::new(&sdk),
            cloudformation: aws_sdk_cloudformation::Client::new(&sdk),
            ec2: aws_sdk_ec2::Client::new(&sdk),
            ecs: aws_sdk_ecs::Client::new(&sdk),
            efs: aws_sdk_efs::Client::new(&sdk),
            elasticache: aws_sdk_elasticache::Client::new(&sdk),
            iam: aws_sdk_iam::Client::new(&sdk),
            kms: aws_sdk_kms::Client::new(&sdk),
            logs: aws_sdk_cloudwatchlogs::Client::new(&sdk),
            rds: aws_sdk_rds::Client::new(&sdk),
            secretsmanager: aws_sdk_secretsmanager::Client::new(&sdk),
            wafv2: aws_sdk_wafv2::Client::new(&sdk),
        })
    }
}

/// Writes outputs as a flat `{"Key": "value"}` file (the cfn-outputs/flat-outputs.json convention).
pub fn write_flat_outputs(path: &Path, outputs: &BTreeMap<String, String>) -> Result<(), SeedError> {
    let io = |source| SeedError::Io { path: path.display().to_string(), source };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let json = serde_json::to_string_pretty(outputs).unwrap_or_default();
    std::fs::write(path, json + "\n").map_err(io)
}
