//! Command line: stackproof's own options, then everything libtest understands (filters,
//! `--list`, `--exact`, `--ignored`, `--test-threads`), in one `--help`.
//!
//! Flags after `--` reach every test binary cargo runs, and nextest passes none, so each option
//! can also come from an environment variable.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::Error;
use crate::aws::Target;
use crate::aws::target::DEFAULT_EMULATOR_ENDPOINT;
use crate::deployment::Suffix;
use crate::report::{self, Format};
use crate::suite::InputOption;

/// The stack `--stack` names when not given; its reports carry no stack in their file names.
pub const DEFAULT_STACK: &str = "hipaa";

#[derive(Parser, Debug, Clone)]
#[command(
    name = "stackproof",
    about = "Proves that a deployed stack is what its template claims.",
    after_help = "Usage under cargo: cargo test --test live -- --suffix pr4365 [FILTER]",
    // libtest's own --format (pretty|terse|json) gives way to the reports' --format, which still
    // takes pretty and terse for the console (nextest lists tests with --format terse).
    mut_arg("format", |a| a.long("libtest-format").hide(true))
)]
pub struct Args {
    /// Which stack to check: hipaa (CloudFormation, eu-central-1) or dr (CDKTF, eu-west-2 + eu-west-1).
    #[arg(long, env = "STACKPROOF_STACK", default_value = DEFAULT_STACK)]
    pub stack: String,

    /// Deployment suffix (EnvironmentSuffix); the stack is TapStack<SUFFIX>.
    #[arg(long, env = "STACKPROOF_SUFFIX")]
    pub suffix: Option<String>,

    /// Where the deployment lives: real AWS, or a LocalStack-compatible emulator.
    #[arg(long, value_enum, env = "STACKPROOF_TARGET")]
    pub target: Option<TargetKind>,

    /// Emulator endpoint (implies --target localstack). Default: AWS_ENDPOINT_URL, else http://localhost:4566.
    #[arg(long, env = "STACKPROOF_ENDPOINT")]
    pub endpoint: Option<String>,

    /// Region of a single-region stack, overriding the one its outputs contract declares.
    #[arg(long, env = "STACKPROOF_REGION")]
    pub region: Option<String>,

    /// The whole run's budget (connecting, reading the outputs, gathering every fact): past it,
    /// every check not judged is an error and the reports are written. 90s, 10m, 1h.
    #[arg(long, env = "STACKPROOF_TIMEOUT", default_value = "10m", value_parser = humantime::parse_duration)]
    pub timeout: std::time::Duration,

    /// Right after a deploy: wait up to this long for resources still being created or modified
    /// (Aurora, NAT gateways, an ECS rollout, ...) before judging them, re-reading every fact
    /// each round. One still changing then is an error naming its state. Off by default (a
    /// changing resource is an error at once); 15m in CI.
    #[arg(long, env = "STACKPROOF_SETTLE", value_parser = humantime::parse_duration)]
    pub settle: Option<std::time::Duration>,

    /// Read stack outputs from this JSON file instead of DescribeStacks: flat (cfn-outputs/flat-outputs.json),
    /// `cdktf deploy --outputs-file` or `terraform output -json`. Required for the dr stack.
    #[arg(long, env = "STACKPROOF_OUTPUTS")]
    pub outputs: Option<PathBuf>,

    /// Folder for the reports: evidence-<SUFFIX>.json and .html, summary-<SUFFIX>.md,
    /// junit-live-<SUFFIX>.xml, stackproof-<SUFFIX>.sarif, ocsf-<SUFFIX>.json (with the stack
    /// before the suffix for a stack other than hipaa).
    #[arg(long, env = "STACKPROOF_REPORTS", default_value = "reports")]
    pub reports: PathBuf,

    /// Reports to write, comma-separated: junit, json, html, md, sarif (SARIF 2.1.0 for code
    /// scanning), ocsf (OCSF Compliance Findings); default: all six. The summary goes to
    /// GITHUB_STEP_SUMMARY when that is set. pretty or terse set the console output.
    #[arg(
        long = "format",
        id = "report_format",
        env = "STACKPROOF_FORMAT",
        value_enum,
        value_delimiter = ',',
        value_name = "junit,json,html,md,sarif,ocsf"
    )]
    pub format: Vec<FormatArg>,

    /// JUnit XML report path, overriding its place in --reports.
    #[arg(long, env = "STACKPROOF_JUNIT")]
    pub junit: Option<PathBuf>,

    /// Waivers (YAML): failing checks accepted until a date, with the reason. A waived failure is
    /// reported as waived, never passed; an expired waiver fails the run.
    #[arg(long, env = "STACKPROOF_WAIVERS")]
    pub waivers: Option<PathBuf>,

    /// The static suite's evidence for this stack, shown beside the live outcomes (the same
    /// requirement has the same id before and after deploy). Default: <REPORTS>/evidence-static-<STACK>.json
    /// when it exists.
    #[arg(long, env = "STACKPROOF_STATIC_EVIDENCE")]
    pub static_evidence: Option<PathBuf>,

    #[command(flatten)]
    pub libtest: libtest_mimic::Arguments,
}

/// What `--format` takes: the reports, and libtest's console formats.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatArg {
    Junit,
    Json,
    Html,
    Md,
    Sarif,
    Ocsf,
    Pretty,
    Terse,
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

    /// Folder for the reports: junit-static.xml, and per stack evidence-static-<STACK>.json, which
    /// a later live run of that stack shows beside its own outcomes.
    #[arg(long, env = "STACKPROOF_REPORTS", default_value = "reports")]
    pub reports: PathBuf,

    /// JUnit XML report path. Default: <REPORTS>/junit-static.xml
    #[arg(long, env = "STACKPROOF_STATIC_JUNIT")]
    pub junit: Option<PathBuf>,

    #[command(flatten)]
    pub libtest: libtest_mimic::Arguments,
}

impl StaticArgs {
    pub fn from_env() -> Self {
        Self::parse()
    }

    /// Console settings libtest would misread (see `Args::console`).
    pub fn console(&self) -> Result<(), Error> {
        check_console(&self.libtest)
    }

    pub fn junit_path(&self) -> PathBuf {
        self.junit.clone().unwrap_or_else(|| self.reports.join("junit-static.xml"))
    }

    /// The input given for a suite's option, if any.
    pub fn input(&self, option: InputOption) -> Option<&std::path::Path> {
        match option {
            InputOption::Template => self.template.as_deref(),
            InputOption::Synth => self.synth.as_deref(),
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    Aws,
    Localstack,
}

impl Args {
    /// Parse argv; `--help` and clap's own usage errors exit here, as every CLI does.
    pub fn from_env() -> Self {
        Self::parse().route_console_format()
    }

    /// Hands `--format pretty|terse` to libtest, whose own option that was.
    pub fn route_console_format(mut self) -> Self {
        for f in &self.format {
            match f {
                FormatArg::Pretty => self.libtest.format = Some(libtest_mimic::FormatSetting::Pretty),
                FormatArg::Terse => self.libtest.format = Some(libtest_mimic::FormatSetting::Terse),
                _ => {}
            }
        }
        self
    }

    /// The reports to write: those `--format` names, else all six.
    pub fn report_formats(&self) -> Vec<Format> {
        let chosen: Vec<Format> = self
            .format
            .iter()
            .filter_map(|f| match f {
                FormatArg::Junit => Some(Format::Junit),
                FormatArg::Json => Some(Format::Json),
                FormatArg::Html => Some(Format::Html),
                FormatArg::Md => Some(Format::Md),
                FormatArg::Sarif => Some(Format::Sarif),
                FormatArg::Ocsf => Some(Format::Ocsf),
                FormatArg::Pretty | FormatArg::Terse => None,
            })
            .collect();
        if chosen.is_empty() { Format::ALL.to_vec() } else { chosen }
    }

    /// Where this run's reports go; `--junit` overrides the JUnit file's place, and the summary
    /// goes to `step_summary` (GitHub's GITHUB_STEP_SUMMARY) when given.
    pub fn report_paths(&self, stack: &str, suffix: &str, step_summary: Option<PathBuf>) -> report::Paths {
        let mut paths = report::Paths::new(&self.reports, stack, stack == DEFAULT_STACK, suffix, step_summary);
        if let Some(junit) = &self.junit {
            paths.junit = junit.clone();
        }
        paths
    }

    /// GitHub's job summary file, when the run is a GitHub Actions step.
    pub fn github_step_summary() -> Option<PathBuf> {
        std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty()).map(PathBuf::from)
    }

    /// The page of the GitHub Actions run this is a step of, from the environment GitHub sets.
    pub fn github_run_url() -> Option<String> {
        ci_run_url(|name| std::env::var(name).ok())
    }
}

/// `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID`, when all three are set
/// and read as a URL, a repository and a run number (a report links to it).
pub fn ci_run_url(var: impl Fn(&str) -> Option<String>) -> Option<String> {
    let get = |name: &str| var(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let server = get("GITHUB_SERVER_URL")?;
    let repository = get("GITHUB_REPOSITORY")?;
    let run = get("GITHUB_RUN_ID")?;
    let server = server.trim_end_matches('/');
    let url_ok = (server.starts_with("https://") || server.starts_with("http://"))
        && !server.contains(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '<' | '>' | '"' | '\''));
    let repo_ok = repository.split('/').count() == 2
        && repository.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'));
    let run_ok = run.chars().all(|c| c.is_ascii_digit());
    (url_ok && repo_ok && run_ok).then(|| format!("{server}/{repository}/actions/runs/{run}"))
}

/// The machine's name, for JUnit's `hostname`: the kernel's, else `HOSTNAME`, else `localhost`.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}

impl Args {
    /// Where the deployment lives: `--endpoint` implies the emulator; otherwise `--target`,
    /// defaulting to AWS.
    pub fn target(&self) -> Result<Target, Error> {
        let kind = match (self.target, &self.endpoint) {
            (Some(kind), _) => kind,
            (None, Some(_)) => TargetKind::Localstack,
            (None, None) => TargetKind::Aws,
        };
        match kind {
            TargetKind::Aws if self.endpoint.is_some() => Err(Error::EndpointWithAws),
            TargetKind::Aws => Ok(Target::Aws),
            TargetKind::Localstack => {
                let endpoint = self
                    .endpoint
                    .clone()
                    .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok().filter(|s| !s.is_empty()))
                    .unwrap_or_else(|| DEFAULT_EMULATOR_ENDPOINT.to_owned());
                Target::emulator(endpoint)
            }
        }
    }

    pub fn suffix(&self) -> Result<Suffix, Error> {
        Suffix::parse(self.suffix.as_deref().ok_or(Error::MissingSuffix)?)
    }

    /// The region given, if it reads as a region name.
    pub fn region(&self) -> Result<Option<&str>, Error> {
        self.region.as_deref().map(check_region).transpose()
    }

    /// Console settings libtest would misread: no threads hangs it, an unwritable log file panics it.
    pub fn console(&self) -> Result<(), Error> {
        check_console(&self.libtest)
    }
}

/// A region name as AWS spells them: `eu-central-1`, `us-gov-west-1`: lowercase letters and
/// digits in hyphenated parts, a number last.
fn check_region(region: &str) -> Result<&str, Error> {
    let parts: Vec<&str> = region.split('-').collect();
    let letters = |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase());
    let ok = parts.len() >= 3
        && parts[..parts.len() - 1].iter().all(letters)
        && parts.last().is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    if ok { Ok(region) } else { Err(Error::BadRegion { region: region.to_owned() }) }
}

fn check_console(libtest: &libtest_mimic::Arguments) -> Result<(), Error> {
    if libtest.test_threads == Some(0) {
        return Err(Error::BadInput {
            what: "--test-threads 0".into(),
            why: "at least one thread must run the checks".into(),
        });
    }
    if let Some(log) = &libtest.logfile {
        // Opened for appending, as a probe: libtest truncates it later, and panics if it cannot.
        std::fs::OpenOptions::new().create(true).append(true).open(log).map_err(|e| Error::BadInput {
            what: format!("--logfile {log}"),
            why: format!("it cannot be written ({e})"),
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(argv: &[&str]) -> Args {
        Args::try_parse_from(std::iter::once("live").chain(argv.iter().copied()))
            .expect("parses")
            .route_console_format()
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
        assert_eq!(a.report_paths("hipaa", "x", None).junit, PathBuf::from("j.xml"));
        assert!(a.libtest.exact);
        assert_eq!(a.libtest.test_threads, Some(1));
        assert_eq!(a.libtest.filter.as_deref(), Some("kms"));
    }

    #[test]
    fn reports_default_to_all_six_in_the_reports_folder_named_by_suffix() {
        let a = parse(&["--suffix", "demo"]);
        assert_eq!(a.report_formats(), Format::ALL);
        let p = a.report_paths("hipaa", "demo", None);
        assert_eq!(p.junit, PathBuf::from("reports/junit-live-demo.xml"));
        assert_eq!(p.json, PathBuf::from("reports/evidence-demo.json"));
        assert_eq!(p.html, PathBuf::from("reports/evidence-demo.html"));
        assert_eq!(p.summary, report::SummaryTarget::File(PathBuf::from("reports/summary-demo.md")));
        assert_eq!(p.sarif, PathBuf::from("reports/stackproof-demo.sarif"));
        assert_eq!(p.ocsf, PathBuf::from("reports/ocsf-demo.json"));
        let dr = a.report_paths("dr", "demo", None);
        assert_eq!(dr.json, PathBuf::from("reports/evidence-dr-demo.json"));
        assert_eq!(dr.junit, PathBuf::from("reports/junit-live-dr-demo.xml"));
    }

    #[test]
    fn reports_folder_formats_and_junit_override() {
        let a = parse(&["--suffix", "s", "--reports", "out", "--format", "json,md", "--junit", "ci/j.xml"]);
        assert_eq!(a.report_formats(), [Format::Json, Format::Md]);
        let p = a.report_paths("hipaa", "s", Some(PathBuf::from("/gh/summary")));
        assert_eq!(p.json, PathBuf::from("out/evidence-s.json"));
        assert_eq!(p.junit, PathBuf::from("ci/j.xml"));
        assert_eq!(p.summary, report::SummaryTarget::Append(PathBuf::from("/gh/summary")));
        assert!(Args::try_parse_from(["live", "--format", "pdf"]).is_err(), "an unknown format was accepted");
    }

    #[test]
    fn sarif_and_ocsf_are_formats_too() {
        let a = parse(&["--suffix", "s", "--format", "sarif,ocsf"]);
        assert_eq!(a.report_formats(), [Format::Sarif, Format::Ocsf]);
        let p = a.report_paths("hipaa", "s", None);
        assert_eq!(p.sarif, PathBuf::from("reports/stackproof-s.sarif"));
        assert_eq!(p.ocsf, PathBuf::from("reports/ocsf-s.json"));
    }

    #[test]
    fn the_ci_run_url_is_built_from_githubs_variables_only_when_they_read_right() {
        fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
            move |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
        }
        let good = [
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "acme/infra"),
            ("GITHUB_RUN_ID", "1234"),
        ];
        assert_eq!(ci_run_url(env(&good)).as_deref(), Some("https://github.com/acme/infra/actions/runs/1234"));
        assert_eq!(ci_run_url(env(&good[..2])), None, "no run id");
        let odd = [
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "acme/infra"),
            ("GITHUB_RUN_ID", "12)](x"),
        ];
        assert_eq!(ci_run_url(env(&odd)), None, "a run id that is not a number");
        let bad_repo =
            [("GITHUB_SERVER_URL", "https://ghe.example"), ("GITHUB_REPOSITORY", "acme"), ("GITHUB_RUN_ID", "1")];
        assert_eq!(ci_run_url(env(&bad_repo)), None);
    }

    #[test]
    fn console_formats_still_reach_libtest() {
        // nextest lists tests with `--list --format terse`.
        let a = parse(&["--list", "--format", "terse"]);
        assert!(matches!(a.libtest.format, Some(libtest_mimic::FormatSetting::Terse)));
        assert_eq!(a.report_formats(), Format::ALL, "a console format does not narrow the reports");
        let b = parse(&["--format", "pretty,html"]);
        assert!(matches!(b.libtest.format, Some(libtest_mimic::FormatSetting::Pretty)));
        assert_eq!(b.report_formats(), [Format::Html]);
    }

    #[test]
    fn list_needs_no_suffix() {
        let a = parse(&["--list"]);
        assert!(a.libtest.list);
        assert!(matches!(a.suffix(), Err(Error::MissingSuffix)));
    }

    #[test]
    fn regions_must_read_as_region_names() {
        for good in ["eu-central-1", "us-gov-west-1", "ap-southeast-4", "cn-north-1"] {
            assert_eq!(check_region(good).unwrap(), good);
        }
        for bad in
            ["", "eu", "eu-central", "EU-central-1", "eu central 1", "eu-central-1/", "-1", "eu--1", "eu-central-x"]
        {
            let err = check_region(bad).unwrap_err().to_string();
            assert!(err.contains("is not a region name"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn no_threads_and_unwritable_log_files_are_refused() {
        let a = parse(&["--test-threads", "0"]);
        assert!(a.console().unwrap_err().to_string().contains("--test-threads 0"));
        let b = parse(&["--logfile", "/nonexistent/dir/log.txt"]);
        assert!(b.console().unwrap_err().to_string().contains("cannot be written"));
        assert!(parse(&["--test-threads", "1"]).console().is_ok());
    }

    #[test]
    fn the_timeout_reads_human_durations() {
        assert_eq!(parse(&[]).timeout, std::time::Duration::from_secs(600));
        assert_eq!(parse(&["--timeout", "90s"]).timeout, std::time::Duration::from_secs(90));
        assert!(Args::try_parse_from(["live", "--timeout", "soon"]).is_err());
    }

    #[test]
    fn unknown_target_is_a_usage_error() {
        assert!(Args::try_parse_from(["live", "--target", "gcp"]).is_err());
    }

    fn target(argv: &[&str]) -> Result<Target, Error> {
        Args::try_parse_from(std::iter::once("live").chain(argv.iter().copied())).unwrap().target()
    }

    #[test]
    fn aws_is_the_default_and_an_endpoint_implies_the_emulator() {
        assert_eq!(target(&[]).unwrap(), Target::Aws);
        assert_eq!(
            target(&["--endpoint", "http://127.0.0.1:5000/"]).unwrap(),
            Target::Emulator { endpoint: "http://127.0.0.1:5000".into() }
        );
    }

    #[test]
    fn an_endpoint_with_the_aws_target_is_refused() {
        assert!(matches!(target(&["--target", "aws", "--endpoint", "http://x"]), Err(Error::EndpointWithAws)));
    }

    #[test]
    fn an_endpoint_must_be_a_url() {
        assert!(matches!(target(&["--endpoint", "localhost:4566"]), Err(Error::BadEndpoint { .. })));
    }
}
