//! Bad input, as users type it in CI: each case exits non-zero with one plain `error:` sentence,
//! never a panic or a backtrace (the command runs with RUST_BACKTRACE=1), and leaves the reports
//! in a stated state: an earlier run's reports are gone once the suffix is known, and reports
//! are written whole only where the run got far enough to say what it meant to check.

use std::path::{Path, PathBuf};

use libtest_mimic::{Failed, Trial};

use crate::command::{dead_port, scratch, stackproof, text};
use crate::{Shared, needs_world};

/// What a case leaves in its reports folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Left {
    /// No report of this run (and the earlier run's are gone).
    Nothing,
    /// All four reports, whole, saying every selected check could not look (or that none was
    /// selected).
    Whole,
    /// The suffix was never known, so the earlier run's reports cannot be told apart: untouched.
    Untouched,
}

pub struct Case {
    pub name: &'static str,
    pub args: Vec<String>,
    pub env: Vec<(&'static str, String)>,
    pub code: i32,
    /// What the one `error:` line says (a part of it).
    pub says: &'static str,
    pub left: Left,
}

fn case(name: &'static str, args: &[impl AsRef<str>], code: i32, says: &'static str, left: Left) -> Case {
    Case { name, args: args.iter().map(|a| a.as_ref().to_owned()).collect(), env: Vec::new(), code, says, left }
}

fn with_env(mut c: Case, env: &[(&'static str, &str)]) -> Case {
    c.env = env.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    c
}

/// Files the cases read, written once in `dir`.
struct Files {
    waiver_unknown_check: String,
    waiver_without_expiry: String,
    not_json: String,
    empty: String,
    array: String,
    nested: String,
    twice: String,
    another_deployment: String,
    static_other_stack: String,
}

impl Files {
    fn write(dir: &Path) -> std::io::Result<Self> {
        let file = |name: &str, body: &str| -> std::io::Result<String> {
            let path = dir.join(name);
            std::fs::write(&path, body)?;
            Ok(path.display().to_string())
        };
        Ok(Self {
            waiver_unknown_check: file(
                "waivers-unknown.yml",
                "waivers:\n  - check: kms_rotation\n    justification: j\n    expires: 2099-01-01\n",
            )?,
            waiver_without_expiry: file(
                "waivers-no-expiry.yml",
                "waivers:\n  - check: kms_key_rotation_enabled\n    justification: j\n",
            )?,
            not_json: file("not-json.json", "VpcId = vpc-123\n")?,
            empty: file("empty.json", "")?,
            array: file("array.json", r#"["vpc-1"]"#)?,
            nested: file("nested.json", r#"{"VpcId": "vpc-1", "Subnets": {"a": 1}}"#)?,
            twice: file("twice.json", r#"{"VpcId": "vpc-1", "VpcId": "vpc-2"}"#)?,
            another_deployment: file(
                "pr12.json",
                r#"{"DbClusterIdentifier": "aurora-cluster-pr12", "EcsClusterName": "ecs-cluster-pr12"}"#,
            )?,
            static_other_stack: file(
                "static-dr.json",
                r#"{"schema": "stackproof-static/1", "stack": "dr", "source": "x", "stacks_git": {}, "finished_at": "t", "summary": {"total": 0, "passed": 0, "failed": 0, "errors": 0, "skipped": 0}, "checks": []}"#,
            )?,
        })
    }
}

/// Every case that needs no emulator. `dead` is an endpoint nothing answers on.
fn cases(f: &Files, dead: &str) -> Vec<Case> {
    use Left::*;
    let s = ["--suffix", "pr1"];
    let local = ["--suffix", "pr1", "--endpoint", dead];
    let with = |extra: &[&str]| -> Vec<String> { local.iter().chain(extra).map(|a| (*a).to_owned()).collect() };
    vec![
        // The suffix and the stack.
        case("no_suffix", &["--target", "localstack"], 2, "no deployment suffix given", Untouched),
        case("suffix_with_underscore", &["--suffix", "pr_1"], 2, "'_' is not allowed", Untouched),
        case("empty_suffix", &["--suffix", ""], 2, "it is empty", Untouched),
        case("suffix_with_space", &["--suffix", "a b"], 2, "' ' is not allowed", Untouched),
        case("suffix_too_long", &["--suffix", &"x".repeat(65)], 2, "longer than 64 characters", Untouched),
        case("suffix_with_slash", &["--suffix", "pr1/"], 2, "'/' is not allowed", Untouched),
        with_env(
            case("suffix_from_env", &[] as &[&str], 2, "'.' is not allowed", Untouched),
            &[("STACKPROOF_SUFFIX", "pr.1")],
        ),
        case("unknown_stack", &["--stack", "hipa", "--suffix", "x"], 2, "no stack named \"hipa\" is known", Untouched),
        // Usage errors clap reports (one `error:` line, then its usage hints).
        case("unknown_target", &["--target", "gcp", "--suffix", "x"], 2, "invalid value 'gcp'", Untouched),
        with_env(
            case("unknown_target_from_env", &["--suffix", "x"], 2, "invalid value 'gcp'", Untouched),
            &[("STACKPROOF_TARGET", "gcp")],
        ),
        case("unknown_format", &["--suffix", "x", "--format", "pdf"], 2, "invalid value 'pdf'", Untouched),
        case("unknown_option", &["--suffx", "x"], 2, "unexpected argument '--suffx'", Untouched),
        case("timeout_not_a_duration", &["--suffix", "x", "--timeout", "soon"], 2, "invalid value 'soon'", Untouched),
        case("test_threads_not_a_number", &["--suffix", "x", "--test-threads", "many"], 2, "invalid value", Untouched),
        // Target and endpoint.
        case(
            "endpoint_without_scheme",
            &[&s[..], &["--endpoint", "localhost:4566"]].concat(),
            2,
            "is not an endpoint URL",
            Nothing,
        ),
        case(
            "endpoint_without_host",
            &[&s[..], &["--endpoint", "http://"]].concat(),
            2,
            "is not an endpoint URL",
            Nothing,
        ),
        case(
            "endpoint_with_path",
            &[&s[..], &["--endpoint", "http://127.0.0.1:4566/api"]].concat(),
            2,
            "no path",
            Nothing,
        ),
        case(
            "endpoint_ftp",
            &[&s[..], &["--endpoint", "ftp://127.0.0.1:21"]].concat(),
            2,
            "http:// or https://",
            Nothing,
        ),
        case(
            "endpoint_with_user",
            &[&s[..], &["--endpoint", "http://u:p@127.0.0.1:1"]].concat(),
            2,
            "no path, query or user",
            Nothing,
        ),
        case(
            "endpoint_with_aws_target",
            &[&s[..], &["--target", "aws", "--endpoint", "http://127.0.0.1:1"]].concat(),
            2,
            "--endpoint only applies to --target localstack",
            Nothing,
        ),
        with_env(
            case("aws_endpoint_url_on_aws", &s, 2, "AWS_ENDPOINT_URL is set", Nothing),
            &[("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")],
        ),
        with_env(
            case("service_endpoint_url_on_aws", &s, 2, "AWS_ENDPOINT_URL_KMS is set", Nothing),
            &[("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:4566")],
        ),
        // Region.
        case("empty_region", &with(&["--region", ""]), 2, "is not a region name", Nothing),
        case("uppercase_region", &with(&["--region", "EU-CENTRAL-1"]), 2, "is not a region name", Nothing),
        case("region_with_spaces", &with(&["--region", "eu central 1"]), 2, "is not a region name", Nothing),
        case("region_without_number", &with(&["--region", "eu-central"]), 2, "is not a region name", Nothing),
        case(
            "region_of_a_two_region_stack",
            &with(&["--stack", "dr", "--region", "us-east-1", "--outputs", &f.twice]),
            2,
            "the dr stack spans eu-west-2 (primary) and eu-west-1 (dr)",
            // The dr stack's reports have names of their own (`-dr-pr1`); hipaa's stay as they were.
            Untouched,
        ),
        // The console.
        case("no_test_threads", &with(&["--test-threads", "0"]), 2, "--test-threads 0 is refused", Nothing),
        case("unwritable_logfile", &with(&["--logfile", "/nonexistent/dir/log.txt"]), 2, "cannot be written", Nothing),
        case("zero_timeout", &with(&["--timeout", "0s"]), 2, "--timeout 0 is refused", Nothing),
        // Outputs files.
        case(
            "dr_without_outputs",
            &with(&["--stack", "dr"]),
            2,
            "the dr stack keeps its outputs outside AWS",
            Untouched,
        ),
        case(
            "outputs_missing",
            &with(&["--outputs", "/nonexistent/flat.json"]),
            2,
            "cannot read the outputs file",
            Nothing,
        ),
        case("outputs_not_json", &with(&["--outputs", &f.not_json]), 2, "is not valid JSON", Nothing),
        case("outputs_empty", &with(&["--outputs", &f.empty]), 2, "is not valid JSON", Nothing),
        case("outputs_an_array", &with(&["--outputs", &f.array]), 2, "found an array", Nothing),
        case("outputs_nested", &with(&["--outputs", &f.nested]), 2, "Subnets is an object", Nothing),
        case("outputs_key_twice", &with(&["--outputs", &f.twice]), 2, "\"VpcId\" appears twice", Nothing),
        case(
            "outputs_of_another_deployment",
            &with(&["--outputs", &f.another_deployment]),
            2,
            "belongs to another deployment: none of its names carries the suffix pr1",
            Nothing,
        ),
        // Static evidence named on purpose must be usable.
        case(
            "static_evidence_missing",
            &with(&["--static-evidence", "/nonexistent/e.json"]),
            2,
            "cannot be read",
            Nothing,
        ),
        case(
            "static_evidence_of_another_stack",
            &with(&["--static-evidence", &f.static_other_stack]),
            2,
            "not hipaa",
            Nothing,
        ),
        // Waiver files are checked whole before any request.
        case(
            "waiver_for_an_unknown_check",
            &with(&["--waivers", &f.waiver_unknown_check]),
            2,
            "names no check of this suite",
            Nothing,
        ),
        case(
            "waiver_without_expiry",
            &with(&["--waivers", &f.waiver_without_expiry]),
            2,
            "missing field `expires`",
            Nothing,
        ),
        case(
            "waiver_file_missing",
            &with(&["--waivers", "/nonexistent/waivers.yml"]),
            2,
            "the waiver file /nonexistent/waivers.yml cannot be read",
            Nothing,
        ),
        // Selections that run nothing.
        case("filter_matches_nothing", &with(&["no_such_check"]), 2, "the selection runs no check", Whole),
        case("exact_matches_nothing", &with(&["--exact", "kms"]), 2, "the selection runs no check", Whole),
        case("skip_everything", &with(&["--skip", "hipaa"]), 2, "the selection runs no check", Whole),
        case("ignored_only", &with(&["--ignored"]), 2, "the selection runs no check", Whole),
        // Reports that cannot be written.
        case(
            "reports_under_a_file",
            &["--suffix", "pr1", "--endpoint", dead, "--reports", "/etc/hostname/r"],
            2,
            "cannot write the report",
            Untouched,
        ),
        // Reaching the deployment.
        case("endpoint_that_does_not_answer", &local, 2, "did not answer in eu-central-1", Whole),
        with_env(
            case("unknown_profile", &s, 2, "the profile \"nosuch\" named by AWS_PROFILE", Whole),
            &[("AWS_PROFILE", "nosuch")],
        ),
        case("no_credentials", &s, 2, "no AWS credentials were found", Whole),
        with_env(
            case(
                "unknown_region",
                &[&s[..], &["--region", "eu-moon-1"]].concat(),
                2,
                "no AWS endpoint answers in eu-moon-1",
                Whole,
            ),
            &[("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00"), ("AWS_SECRET_ACCESS_KEY", "not-a-real-key")],
        ),
    ]
}

/// The four report files of suffix `pr1` (hipaa) in `dir`.
fn report_files(dir: &Path) -> [PathBuf; 4] {
    ["junit-live-pr1.xml", "evidence-pr1.json", "evidence-pr1.html", "summary-pr1.md"].map(|f| dir.join(f))
}

/// Runs one case and checks all it promises.
fn run(c: &Case, dir: &Path) -> Result<(), Failed> {
    // An earlier run's all-pass reports, which must not survive looking current.
    let earlier = report_files(dir);
    for path in &earlier {
        std::fs::write(path, "an earlier run")?;
    }
    let mut args: Vec<&str> = c.args.iter().map(String::as_str).collect();
    if !args.contains(&"--reports") {
        args.extend(["--reports", dir.to_str().unwrap_or(".")]);
    }
    let env: Vec<(&str, &str)> = c.env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = stackproof(&args, &env)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() != Some(c.code) {
        return Err(format!("{}: exit {:?}, expected {}\n{}", c.name, out.status.code(), c.code, text(&out)).into());
    }
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    if errors.len() != 1 || !errors[0].contains(c.says) {
        return Err(format!("{}: expected one error line saying {:?}\n{}", c.name, c.says, text(&out)).into());
    }
    for sign in ["panicked", "backtrace", "RUST_BACKTRACE", "note: run with"] {
        if stderr.contains(sign) {
            return Err(format!("{}: {sign:?} on bad input\n{}", c.name, text(&out)).into());
        }
    }
    for path in &earlier {
        let now = std::fs::read_to_string(path).ok();
        let ok = match c.left {
            Left::Nothing => now.is_none(),
            Left::Untouched => now.as_deref() == Some("an earlier run"),
            Left::Whole => now.is_some_and(|t| t != "an earlier run" && !t.is_empty()),
        };
        if !ok {
            return Err(format!("{}: {} should be {:?}\n{}", c.name, path.display(), c.left, text(&out)).into());
        }
    }
    if c.left == Left::Whole {
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&earlier[1])?)?;
        let verdict = json["summary"]["verdict"].as_str().unwrap_or("");
        if verdict != "error" {
            return Err(format!("{}: the evidence says {verdict:?}, not error", c.name).into());
        }
    }
    Ok(())
}

pub fn trials(world: &Shared) -> Vec<Trial> {
    let mut trials = vec![Trial::test("bad_input::every_case", || {
        let dir = scratch("bad-input", "files")?;
        let files = Files::write(&dir)?;
        let dead = format!("http://127.0.0.1:{}", dead_port()?);
        let all = cases(&files, &dead);
        let mut problems = Vec::new();
        for c in &all {
            let reports = scratch("bad-input", c.name)?;
            if let Err(e) = run(c, &reports) {
                problems.push(e.message().unwrap_or(c.name).to_owned());
            }
        }
        eprintln!("{} bad-input cases, {} as promised", all.len(), all.len() - problems.len());
        if problems.is_empty() { Ok(()) } else { Err(problems.join("\n\n").into()) }
    })];
    trials.push(needs_world("bad_input::no_stack_with_that_suffix".into(), world, |w| {
        let c = case(
            "no_stack",
            &["--suffix", "pr1", "--endpoint", &w.endpoint],
            2,
            "no stack named TapStackpr1 exists in eu-central-1",
            Left::Whole,
        );
        run(&c, &scratch("bad-input", "no-stack")?)
    }));
    trials
}
