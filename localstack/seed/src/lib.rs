//! Reference deployments for the emulator, seeded through the SDK (moto's CloudFormation skips
//! or drops much of what the stacks declare), and named breakages ("mutants") applied on top so
//! the suites can be shown to fail when they should.
//!
//! This crate mutates, so it builds its own clients from the target's configuration; the
//! harness's clients stay read-only.

pub mod canary;
pub mod dr;
pub mod emulator;
pub mod hipaa;
pub mod mutant;
pub mod npm;

use std::collections::BTreeMap;
use std::path::Path;

use aws_smithy_types::error::display::DisplayErrorContext;
use stackproof_harness::aws::Target;

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
    #[error("mutant {mutant} changes how the secrets are created, so it cannot apply to existing secrets")]
    NotForExistingSecrets { mutant: String },
    #[error("mutant {mutant} breaks what layout {version} does not declare; seed a later version")]
    NotInLayout { mutant: String, version: String },
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
    pub backup: aws_sdk_backup::Client,
    pub cloudformation: aws_sdk_cloudformation::Client,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
    /// Query protocol: the workspace pins aws-sdk-cloudwatch 1.99 (later ones speak only RPC v2
    /// CBOR, which moto 5.2.5 does not route).
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub efs: aws_sdk_efs::Client,
    pub elasticache: aws_sdk_elasticache::Client,
    pub iam: aws_sdk_iam::Client,
    pub kms: aws_sdk_kms::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub rds: aws_sdk_rds::Client,
    pub route53: aws_sdk_route53::Client,
    /// Path-style: the emulator serves every bucket on one host.
    pub s3: aws_sdk_s3::Client,
    pub secretsmanager: aws_sdk_secretsmanager::Client,
    pub sns: aws_sdk_sns::Client,
    pub ssm: aws_sdk_ssm::Client,
    pub sts: aws_sdk_sts::Client,
    pub wafv2: aws_sdk_wafv2::Client,
}

impl Seeder {
    pub async fn new(endpoint: &str, region: &str) -> Result<Self, SeedError> {
        let sdk = Target::emulator(endpoint)?.sdk_config(region).await;
        Ok(Self {
            region: region.to_owned(),
            apigateway: aws_sdk_apigateway::Client::new(&sdk),
            autoscaling: aws_sdk_applicationautoscaling::Client::new(&sdk),
            backup: aws_sdk_backup::Client::new(&sdk),
            cloudformation: aws_sdk_cloudformation::Client::new(&sdk),
            cloudtrail: aws_sdk_cloudtrail::Client::new(&sdk),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&sdk),
            ec2: aws_sdk_ec2::Client::new(&sdk),
            ecs: aws_sdk_ecs::Client::new(&sdk),
            efs: aws_sdk_efs::Client::new(&sdk),
            elasticache: aws_sdk_elasticache::Client::new(&sdk),
            iam: aws_sdk_iam::Client::new(&sdk),
            kms: aws_sdk_kms::Client::new(&sdk),
            lambda: aws_sdk_lambda::Client::new(&sdk),
            logs: aws_sdk_cloudwatchlogs::Client::new(&sdk),
            rds: aws_sdk_rds::Client::new(&sdk),
            route53: aws_sdk_route53::Client::new(&sdk),
            s3: aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&sdk).force_path_style(true).build()),
            secretsmanager: aws_sdk_secretsmanager::Client::new(&sdk),
            sns: aws_sdk_sns::Client::new(&sdk),
            ssm: aws_sdk_ssm::Client::new(&sdk),
            sts: aws_sdk_sts::Client::new(&sdk),
            wafv2: aws_sdk_wafv2::Client::new(&sdk),
        })
    }
}

/// Writes outputs as a flat `{"Key": "value"}` file (the cfn-outputs/flat-outputs.json convention).
pub fn write_flat_outputs(path: &Path, outputs: &BTreeMap<String, String>) -> Result<(), SeedError> {
    write_json(path, &serde_json::json!(outputs))
}

/// Writes outputs as `cdktf deploy --outputs-file` does: `{"<stack name>": {"Key": "value"}}`.
pub fn write_cdktf_outputs(path: &Path, stack_name: &str, outputs: &BTreeMap<String, String>) -> Result<(), SeedError> {
    let mut root = serde_json::Map::new();
    root.insert(stack_name.to_owned(), serde_json::json!(outputs));
    write_json(path, &serde_json::Value::Object(root))
}

/// Writes pretty JSON, creating the file's folder.
fn write_json(path: &Path, json: &serde_json::Value) -> Result<(), SeedError> {
    let io = |source| SeedError::Io { path: path.display().to_string(), source };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let json = serde_json::to_string_pretty(json).unwrap_or_default();
    std::fs::write(path, json + "\n").map_err(io)
}

/// Creates a VPC with DNS support and DNS hostnames on, as both stacks declare, and returns its id.
pub(crate) async fn create_vpc(
    ec2: &aws_sdk_ec2::Client,
    cidr: &str,
    tags: aws_sdk_ec2::types::TagSpecification,
) -> Result<String, SeedError> {
    let vpc = ec2
        .create_vpc()
        .cidr_block(cidr)
        .tag_specifications(tags)
        .send()
        .await
        .map_err(step("CreateVpc"))?
        .vpc
        .and_then(|v| v.vpc_id)
        .unwrap_or_default();
    // One attribute per call, as EC2 requires.
    let on = || aws_sdk_ec2::types::AttributeBooleanValue::builder().value(true).build();
    ec2.modify_vpc_attribute()
        .vpc_id(&vpc)
        .enable_dns_support(on())
        .send()
        .await
        .map_err(step("ModifyVpcAttribute"))?;
    ec2.modify_vpc_attribute()
        .vpc_id(&vpc)
        .enable_dns_hostnames(on())
        .send()
        .await
        .map_err(step("ModifyVpcAttribute"))?;
    Ok(vpc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackproof_harness::deployment::Outputs;

    #[test]
    fn cdktf_outputs_are_read_back_by_the_harness() {
        let dir = std::env::temp_dir().join(format!("stackproof-seed-outputs-{}", std::process::id()));
        let file = dir.join("nested").join("outputs.json");
        let outputs: BTreeMap<String, String> =
            [("PrimaryRegion", "eu-west-2"), ("PrimaryPrivateSubnetIds", "subnet-a,subnet-b")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        write_cdktf_outputs(&file, "healthcare-dr", &outputs).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["healthcare-dr"]["PrimaryRegion"], "eu-west-2", "{text}");
        let read = Outputs::from_file(&file).unwrap();
        assert_eq!(read.values(), &outputs);
        assert_eq!(read.list("PrimaryPrivateSubnetIds").unwrap(), ["subnet-a", "subnet-b"]);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
