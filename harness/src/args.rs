//! Command line: stackproof's own options, then everything libtest understands (filters,
//! `--list`, `--exact`, `--ignored`, `--test-threads`), in one `--help`.
//!
//! Flags after `--` reach every test binary cargo runs, and nextest passes none, so each option
//! can also come from an environment variable.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::Error;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "stackproof",
    about = "Proves that a deployed stack is what its template claims.",
    after_help = "Usage under cargo: cargo test --test live -- --suffix pr4365 [FILTER]"
)]
pub struct Args {
    /// Deployment suffix (EnvironmentSuffix); the stack is TapStack<SUFFIX>.
    #[arg(long, env = "STACKPROOF_SUFFIX")]
    pub suffix: Option<String>,

    /// Where the deployment lives: real AWS, or a LocalStack-compatible emulator.
    #[arg(long, value_enum, env = "STACKPROOF_TARGET")]
    pub target: Option<TargetKind>,

    /// Emulator endpoint (implies --target localstack). Default: AWS_ENDPOINT_URL, else http://localhost:4566.
    #[arg(long, env = "STACKPROOF_ENDPOINT")]
    pub endpoint: Option<String>,

    /// Region of the stack, overriding the one its outputs contract declares.
    #[arg(long, env = "STACKPROOF_REGION")]
    pub region: Option<String>,

    /// Read stack outputs from this flat JSON file (cfn-outputs/flat-outputs.json) instead of DescribeStacks.
    #[arg(long, env = "STACKPROOF_OUTPUTS")]
    pub outputs: Option<PathBuf>,

    /// JUnit XML report path. Default: reports/junit-live-<SUFFIX>.xml
    #[arg(long, env = "STACKPROOF_JUNIT")]
    pub junit: Option<PathBuf>,

    #[command(flatten)]
    pub libtest: libtest_mimic::Arguments,
}

/// Options of `cargo test --test static`.
#[derive(Parser, Debug, Clone)]
#[command(
    name = "stackproof-static",
    about = "Checks a stack's template against its requirements before anything is deployed.",
    after_help = "Usage under cargo: cargo test --test static -- [--template PATH] [FILTER]"
)]
pub struct StaticArgs {
    /// CloudFormation template to check (YAML or JSON). Default: the shipped stacks/hipaa/v1/template.yml
    #[arg(long, env = "STACKPROOF_TEMPLATE")]
    pub template: Option<PathBuf>,

    /// Synthesized CDKTF layout (cdk.tf.json) to check. Default: synthesize the shipped stacks/dr/v1
    #[arg(long, env = "STACKPROOF_SYNTH")]
    pub synth: Option<PathBuf>,

    /// JUnit XML report path. Default: reports/junit-static.xml
    #[arg(long, env = "STACKPROOF_STATIC_JUNIT")]
    pub junit: Option<PathBuf>,

    #[command(flatten)]
    pub libtest: libtest_mimic::Arguments,
}

impl StaticArgs {
    pub fn from_env() -> Self {
        Self::parse()
    }

    pub fn junit_path(&self) -> PathBuf {
        self.junit.clone().unwrap_or_else(|| PathBuf::from("reports/junit-static.xml"))
    }

    /// The input given for a suite's option, if any.
    pub fn input(&self, option: InputOption) -> Option<&std::path::Path> {
        match option {
            InputOption::Template => self.template.as_deref(),
            InputOption::Synth => self.synth.as_deref(),
        }
    }
}

/// Which option names a static suite's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputOption {
    /// `--template`: a CloudFormation template.
    Template,
    /// `--synth`: a synthesized CDKTF/Terraform JSON layout.
    Synth,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    Aws,
    Localstack,
}

/// A validated deployment suffix: it becomes part of a stack name, so only letters, digits and
/// hyphens, and short enough for the 128-character stack-name limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suffix(String);

impl Suffix {
    pub const MAX_LEN: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, Error> {
        let bad = |why: String| Error::BadSuffix { suffix: raw.to_owned(), why };
        if raw.is_empty() {
            return Err(bad("it is empty".into()));
        }
        if raw.len() > Self::MAX_LEN {
            return Err(bad(format!("it is longer than {} characters", Self::MAX_LEN)));
        }
        if let Some(c) = raw.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
            return Err(bad(format!("{c:?} is not allowed; use letters, digits and hyphens")));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Suffix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Args {
    /// Parse argv; `--help` and clap's own usage errors exit here, as every CLI does.
    pub fn from_env() -> Self {
        Self::parse()
    }

    pub fn suffix(&self) -> Result<Suffix, Error> {
        Suffix::parse(self.suffix.as_deref().ok_or(Error::MissingSuffix)?)
    }

    pub fn junit_path(&self, suffix: &str) -> PathBuf {
        self.junit.clone().unwrap_or_else(|| PathBuf::from(format!("reports/junit-live-{suffix}.xml")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(argv: &[&str]) -> Args {
        Args::try_parse_from(std::iter::once("live").chain(argv.iter().copied())).expect("parses")
    }

    #[test]
    fn own_options_and_libtest_options_share_one_command_line() {
        let a = parse(&[
            "--suffix",
            "pr4365",
            "--target",
            "localstack",
            "--endpoint",
            "http://127.0.0.1:5000",
            "--region",
            "eu-west-1",
            "--outputs",
            "o.json",
            "--junit",
            "j.xml",
            "--exact",
            "--test-threads",
            "1",
            "kms",
        ]);
        assert_eq!(a.suffix().unwrap().as_str(), "pr4365");
        assert_eq!(a.target, Some(TargetKind::Localstack));
        assert_eq!(a.endpoint.as_deref(), Some("http://127.0.0.1:5000"));
        assert_eq!(a.region.as_deref(), Some("eu-west-1"));
        assert_eq!(a.outputs, Some(PathBuf::from("o.json")));
        assert_eq!(a.junit_path("x"), PathBuf::from("j.xml"));
        assert!(a.libtest.exact);
        assert_eq!(a.libtest.test_threads, Some(1));
        assert_eq!(a.libtest.filter.as_deref(), Some("kms"));
    }

    #[test]
    fn junit_defaults_to_the_reports_folder_named_by_suffix() {
        assert_eq!(parse(&["--suffix", "demo"]).junit_path("demo"), PathBuf::from("reports/junit-live-demo.xml"));
    }

    #[test]
    fn list_needs_no_suffix() {
        let a = parse(&["--list"]);
        assert!(a.libtest.list);
        assert!(matches!(a.suffix(), Err(Error::MissingSuffix)));
    }

    #[test]
    fn suffix_rejects_what_a_stack_name_cannot_hold() {
        for bad in ["", "pr_4365", "a b", "pr4365/", "é", &"x".repeat(65)] {
            let err = Suffix::parse(bad).unwrap_err();
            assert!(matches!(err, Error::BadSuffix { .. }), "{bad:?} accepted");
        }
        for good in ["pr4365", "dev", "PR-12", "a"] {
            assert!(Suffix::parse(good).is_ok(), "{good:?} rejected");
        }
        let msg = Suffix::parse("pr_1").unwrap_err().to_string();
        assert!(msg.contains("'_'") && msg.contains("pr_1"), "{msg}");
    }

    #[test]
    fn unknown_target_is_a_usage_error() {
        assert!(Args::try_parse_from(["live", "--target", "gcp"]).is_err());
    }
}
