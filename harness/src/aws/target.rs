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
    /// An emulator at `endpoint`: an http(s) URL with a host, and nothing after it (the SDK puts
    /// its own paths there).
    pub fn emulator(endpoint: impl Into<String>) -> Result<Self, Error> {
        let endpoint = endpoint.into();
        let bad = |why: &str| Error::BadEndpoint { endpoint: endpoint.clone(), why: why.to_owned() };
        let url = url::Url::parse(&endpoint).map_err(|e| bad(&format!("{e} (write it as http://HOST:PORT)")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("it must start with http:// or https://"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("it names no host (write it as http://HOST:PORT)"));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
            return Err(bad("it must be only scheme, host and port, with no path, query or user"));
        }
        Ok(Target::Emulator { endpoint: endpoint.trim_end_matches('/').to_owned() })
    }

    /// The variables that would send this target's requests elsewhere than it says: any
    /// `AWS_ENDPOINT_URL*` on the AWS target. `env` is the process environment.
    pub fn endpoint_overrides(&self, env: impl Iterator<Item = (String, String)>) -> Result<(), Error> {
        if self.is_emulator() {
            return Ok(());
        }
        let mut set: Vec<(String, String)> =
            env.filter(|(k, v)| k.starts_with("AWS_ENDPOINT_URL") && !v.is_empty()).collect();
        set.sort();
        match set.into_iter().next() {
            Some((variable, value)) => Err(Error::EndpointOverride { variable, value }),
            None => Ok(()),
        }
    }

    /// The AWS target's named profile (`AWS_PROFILE`), if one is set and no config or credentials
    /// file has it: the credential chain would otherwise skip it silently and report instance
    /// metadata's failure instead.
    pub async fn check_profile(&self) -> Result<(), Error> {
        use aws_types::os_shim_internal::{Env, Fs};
        if self.is_emulator() {
            return Ok(());
        }
        let Some(name) = std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()) else { return Ok(()) };
        match aws_config::profile::load(&Fs::real(), &Env::real(), &Default::default(), None).await {
            Ok(set) if set.get_profile(&name).is_some() => Ok(()),
            Ok(_) => Err(Error::UnknownProfile { name }),
            Err(e) => Err(Error::ProfileFiles { detail: e.to_string() }),
        }
    }

    /// How long a request may take on this target, and how often it is tried.
    pub fn timeouts(&self) -> Timeouts {
        match self {
            // The SDK's standard retry (3 attempts, backoff), bounded: an endpoint that accepts a
            // connection and never answers must not hold a CI job forever.
            Target::Aws => Timeouts {
                connect: Duration::from_secs(5),
                attempt: Duration::from_secs(20),
                operation: Duration::from_secs(60),
                attempts: 3,
            },
            // The emulator answers "not implemented" with HTTP 500, which the SDK would retry with
            // backoff; one quick retry keeps a run failing fast instead.
            Target::Emulator { .. } => Timeouts {
                connect: Duration::from_secs(3),
                attempt: Duration::from_secs(20),
                operation: Duration::from_secs(45),
                attempts: 2,
            },
        }
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
        let t = self.timeouts();
        let loader =
            aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region.to_owned())).timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(t.connect)
                    .read_timeout(t.attempt)
                    .operation_attempt_timeout(t.attempt)
                    .operation_timeout(t.operation)
                    .build(),
            );
        match self {
            // AWS: the default credential chain (env, profiles, SSO, instance roles).
            Target::Aws => loader.retry_config(RetryConfig::standard().with_max_attempts(t.attempts)).load().await,
            Target::Emulator { endpoint } => {
                loader
                    .endpoint_url(endpoint)
                    .credentials_provider(Credentials::new("test", "test", None, None, "stackproof-emulator"))
                    .retry_config(
                        RetryConfig::standard()
                            .with_max_attempts(t.attempts)
                            .with_initial_backoff(Duration::from_millis(50)),
                    )
                    .load()
                    .await
            }
        }
    }
}

/// Per-request bounds of a target (see `Target::timeouts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    /// One attempt, from sending to the last byte of the reply.
    pub attempt: Duration,
    /// One operation, every attempt and backoff included.
    pub operation: Duration,
    pub attempts: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emulator_endpoints_need_a_scheme_and_a_host_and_nothing_else() {
        for bad in ["localhost:4566", "http://", "ftp://x:1", "http://x:1/path", "http://x:1?q=1", "http://u:p@x:1"] {
            let err = Target::emulator(bad).unwrap_err().to_string();
            assert!(err.contains("is not an endpoint URL"), "{bad}: {err}");
        }
        assert_eq!(
            Target::emulator("http://127.0.0.1:5000/").unwrap().describe(),
            "the emulator at http://127.0.0.1:5000"
        );
        assert!(Target::emulator("https://emulator.internal").is_ok());
    }

    #[test]
    fn an_endpoint_override_is_refused_on_aws_only() {
        let env = |k: &str, v: &str| vec![(k.to_owned(), v.to_owned())].into_iter();
        let err = Target::Aws.endpoint_overrides(env("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:4566")).unwrap_err();
        assert!(err.to_string().starts_with("AWS_ENDPOINT_URL_KMS is set (http://127.0.0.1:4566)"), "{err}");
        assert!(Target::Aws.endpoint_overrides(env("AWS_ENDPOINT_URL", "")).is_ok(), "an empty variable is unset");
        assert!(Target::Aws.endpoint_overrides(env("AWS_REGION", "eu-west-1")).is_ok());
        let emulator = Target::emulator("http://127.0.0.1:4566").unwrap();
        assert!(emulator.endpoint_overrides(env("AWS_ENDPOINT_URL", "http://x:1")).is_ok());
    }

    #[test]
    fn every_target_bounds_its_requests() {
        for t in [Target::Aws, Target::emulator("http://127.0.0.1:1").unwrap()] {
            let b = t.timeouts();
            assert!(b.connect < b.attempt && b.attempt <= b.operation && b.attempts >= 1, "{t:?}: {b:?}");
        }
    }
}
