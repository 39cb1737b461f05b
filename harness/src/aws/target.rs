//! Where the deployment lives. This is the only place that knows whether we talk to AWS or to an
//! emulator: everything else receives an `SdkConfig` and calls the same SDK operations. The
//! command line chooses a target in `run::args`; this module never reads it.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::Credentials;

use crate::Error;

pub const DEFAULT_EMULATOR_ENDPOINT: &str = "http://localhost:4566";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Real AWS through the standard credential chain (env, profiles, SSO, instance roles).
    Aws,
    /// A LocalStack-compatible endpoint (moto server, LocalStack) with test credentials.
    Emulator { endpoint: String },
}

impl Target {
    pub fn emulator(endpoint: impl Into<String>) -> Result<Self, Error> {
        let endpoint = endpoint.into();
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(Error::BadEndpoint { endpoint });
        }
        Ok(Target::Emulator { endpoint: endpoint.trim_end_matches('/').to_owned() })
    }

    pub fn is_emulator(&self) -> bool {
        matches!(self, Target::Emulator { .. })
    }

    /// How errors name this target: "AWS" or "the emulator at http://...".
    pub fn describe(&self) -> String {
        match self {
            Target::Aws => "AWS".to_owned(),
            Target::Emulator { endpoint } => format!("the emulator at {endpoint}"),
        }
    }

    /// One SDK configuration for one region.
    pub async fn sdk_config(&self, region: &str) -> SdkConfig {
        let loader = aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region.to_owned()));
        match self {
            // AWS: the SDK's standard retry (3 attempts, backoff) and the default chain.
            Target::Aws => loader.load().await,
            Target::Emulator { endpoint } => {
                loader
                    .endpoint_url(endpoint)
                    .credentials_provider(Credentials::new("test", "test", None, None, "stackproof-emulator"))
                    // The emulator answers "not implemented" with HTTP 500, which the SDK would
                    // retry with backoff; one quick retry keeps a run failing fast instead.
                    .retry_config(
                        RetryConfig::standard().with_max_attempts(2).with_initial_backoff(Duration::from_millis(50)),
                    )
                    .timeout_config(
                        TimeoutConfig::builder()
                            .connect_timeout(Duration::from_secs(3))
                            .operation_timeout(Duration::from_secs(60))
                            .build(),
                    )
                    .load()
                    .await
            }
        }
    }
}
