//! The read-only AWS client layer: every client is built from the target's configuration with
//! the read-only guard attached. Fact fetchers take these clients; checks never see them.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_config::SdkConfig;

use super::emulator::MendBucketVersioning;
use super::guard::{Allowlist, Destination, Ledger, ReadOnlyGuard, origin};
use super::target::Target;

/// Guarded clients for one region.
#[derive(Clone, Debug)]
pub struct RegionClients {
    pub region: String,
    pub apigateway: aws_sdk_apigateway::Client,
    pub autoscaling: aws_sdk_applicationautoscaling::Client,
    pub backup: aws_sdk_backup::Client,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub cloudformation: aws_sdk_cloudformation::Client,
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
    pub s3: aws_sdk_s3::Client,
    pub secretsmanager: aws_sdk_secretsmanager::Client,
    pub sns: aws_sdk_sns::Client,
    pub ssm: aws_sdk_ssm::Client,
    pub sts: aws_sdk_sts::Client,
    /// The Resource Groups Tagging API: what a stack contains, found by the tags it puts on it.
    pub tagging: aws_sdk_resourcegroupstagging::Client,
    pub wafv2: aws_sdk_wafv2::Client,
}

macro_rules! guarded {
    ($krate:ident, $sdk:expr, $guard:expr) => {
        $krate::Client::from_conf($krate::config::Builder::from($sdk).interceptor($guard.clone()).build())
    };
}

impl RegionClients {
    fn new(sdk: &SdkConfig, guard: &ReadOnlyGuard, emulated: bool) -> Self {
        let s3 = aws_sdk_s3::config::Builder::from(sdk).interceptor(guard.clone());
        // The emulator serves every bucket on one host, so buckets go in the path; it also
        // needs one reply mended (see `emulator::MendBucketVersioning`). AWS gets neither.
        let s3 = if emulated { s3.force_path_style(true).interceptor(MendBucketVersioning) } else { s3 };
        Self {
            region: sdk.region().map(|r| r.to_string()).unwrap_or_default(),
            apigateway: guarded!(aws_sdk_apigateway, sdk, guard),
            autoscaling: guarded!(aws_sdk_applicationautoscaling, sdk, guard),
            backup: guarded!(aws_sdk_backup, sdk, guard),
            cloudtrail: guarded!(aws_sdk_cloudtrail, sdk, guard),
            cloudwatch: guarded!(aws_sdk_cloudwatch, sdk, guard),
            cloudformation: guarded!(aws_sdk_cloudformation, sdk, guard),
            ec2: guarded!(aws_sdk_ec2, sdk, guard),
            ecs: guarded!(aws_sdk_ecs, sdk, guard),
            efs: guarded!(aws_sdk_efs, sdk, guard),
            elasticache: guarded!(aws_sdk_elasticache, sdk, guard),
            iam: guarded!(aws_sdk_iam, sdk, guard),
            kms: guarded!(aws_sdk_kms, sdk, guard),
            lambda: guarded!(aws_sdk_lambda, sdk, guard),
            logs: guarded!(aws_sdk_cloudwatchlogs, sdk, guard),
            rds: guarded!(aws_sdk_rds, sdk, guard),
            route53: guarded!(aws_sdk_route53, sdk, guard),
            s3: aws_sdk_s3::Client::from_conf(s3.build()),
            secretsmanager: guarded!(aws_sdk_secretsmanager, sdk, guard),
            sns: guarded!(aws_sdk_sns, sdk, guard),
            ssm: guarded!(aws_sdk_ssm, sdk, guard),
            sts: guarded!(aws_sdk_sts, sdk, guard),
            tagging: guarded!(aws_sdk_resourcegroupstagging, sdk, guard),
            wafv2: guarded!(aws_sdk_wafv2, sdk, guard),
        }
    }
}

/// Guarded clients for every region a stack spans, sharing one guard and one ledger.
#[derive(Clone, Debug)]
pub struct Clients {
    target: Target,
    guard: ReadOnlyGuard,
    regions: BTreeMap<String, RegionClients>,
}

impl Clients {
    pub async fn new(target: &Target, regions: &[&str], allowlist: Allowlist) -> Self {
        let destination = match target {
            Target::Aws => Destination::Aws,
            Target::Emulator { endpoint } => {
                Destination::Endpoint(origin(endpoint).map_or_else(|| endpoint.clone(), |(o, _)| o))
            }
        };
        let guard = ReadOnlyGuard::new(destination, allowlist);
        let mut map = BTreeMap::new();
        for region in regions {
            let sdk = target.sdk_config(region).await;
            map.insert((*region).to_owned(), RegionClients::new(&sdk, &guard, target.is_emulator()));
        }
        Self { target: target.clone(), guard, regions: map }
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Clients for a region this set was built for. Asking for another is a programming error
    /// in a suite, not something a user can cause.
    pub fn region(&self, region: &str) -> &RegionClients {
        self.regions.get(region).unwrap_or_else(|| panic!("clients were not built for region {region}"))
    }

    pub fn ledger(&self) -> &Arc<Ledger> {
        self.guard.ledger()
    }
}
