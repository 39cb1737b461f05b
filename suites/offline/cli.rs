//! The `stackproof` command as users meet it: bad input gets one plain sentence and a non-zero
//! exit, with no panic or backtrace (RUST_BACKTRACE stays as the environment has it), and the
//! JUnit report of what ran is written whole.

use std::path::{Path, PathBuf};
use std::process::Output;

use libtest_mimic::{Failed, Trial};

use crate::chain::seed_and_check;
use crate::{Shared, needs_world};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stackproof-cli-{}-{name}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

fn stackproof(args: &[&str], junit: &Path) -> Output {
    let mut cmd = crate::command::command();
    // Every report of a trial lands beside its JUnit file, never in the repository's reports/.
    if let Some(dir) = junit.parent() {
        cmd.env("STACKPROOF_REPORTS", dir);
    }
    cmd.args(args).arg("--junit").arg(junit).output().expect("the stackproof binary runs")
}

/// Exit status `code`, and stderr carries `sentence` on one `error:` line, and nothing panicked.
fn plain_error(out: &Output, code: i32, sentence: &str) -> Result<(), Failed> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    if out.status.code() != Some(code) {
        return Err(format!("exit {:?}, expected {code}; stderr:\n{stderr}", out.status.code()).into());
    }
    if errors.len() != 1 || !errors[0].contains(sentence) {
        return Err(format!("expected one error line containing {sentence:?}; stderr:\n{stderr}").into());
    }
    if stderr.contains("panicked") || stderr.contains("backtrace") {
        return Err(format!("panic or backtrace on bad input:\n{stderr}").into());
    }
    Ok(())
}

/// (passed, failed, ignored) from libtest's closing line; a check the emulator cannot show at all
/// is ignored, never passed.
fn libtest_counts(stdout: &str) -> Option<(usize, usize, usize)> {
    let line = stdout.lines().find(|l| l.starts_with("test result:"))?;
    let count = |word: &str| -> Option<usize> {
        let before = line.split(&format!(" {word}")).next()?;
        before.rsplit(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
    };
    Some((count("passed")?, count("failed")?, count("ignored")?))
}

fn testcases(junit: &Path) -> Result<usize, Failed> {
    let xml = std::fs::read_to_string(junit).map_err(|e| format!("no JUnit report at {}: {e}", junit.display()))?;
    Ok(xml.matches("<testcase ").count())
}

pub fn trials(world: &Shared) -> Vec<Trial> {
    let checks = stackproof::hipaa::CHECKS.len();
    let dr_checks = stackproof::dr::CHECKS.len();
    vec![
        Trial::test("cli::unknown_stack", || {
            let dir = scratch("unknown-stack");
            let out = stackproof(&["--stack", "hipa", "--suffix", "x"], &dir.join("j.xml"));
            plain_error(&out, 2, "no stack named \"hipa\" is known: choose one of hipaa, dr with --stack")
        }),
        needs_world("cli::dr_without_an_outputs_file".into(), world, |w| {
            let dir = scratch("dr-no-outputs");
            let out = stackproof(&["--stack", "dr", "--suffix", "x", "--endpoint", &w.endpoint], &dir.join("j.xml"));
            plain_error(&out, 2, "the dr stack keeps its outputs outside AWS: pass --outputs FILE")
        }),
        needs_world("cli::dr_region_is_fixed_by_its_contract".into(), world, |w| {
            let dir = scratch("dr-region");
            let args = ["--stack", "dr", "--suffix", "x", "--endpoint", &w.endpoint, "--region", "us-east-1"];
            let out = stackproof(&args, &dir.join("j.xml"));
            plain_error(&out, 2, "the dr stack spans eu-west-2 (primary) and eu-west-1 (dr), as its contract says")
        }),
        needs_world("cli::dr_run_from_a_cdktf_outputs_file".into(), world, move |w| {
            let (outputs, _, _) = crate::dr::seed_and_check(w, "cli-dr", &[&stackproof::dr::mutants::TRAIL_STOPPED])?;
            let dir = scratch("dr-run");
            let file = dir.join("outputs.json");
            stackproof_seed::write_cdktf_outputs(&file, stackproof_seed::dr::STACK_NAME, &outputs)?;
            let junit = dir.join("j.xml");
            let args = ["--stack", "dr", "--suffix", "cli-dr", "--endpoint", &w.endpoint, "--outputs"];
            let out = stackproof(&[&args[..], &[file.to_string_lossy().as_ref()]].concat(), &junit);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(1), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
            // The seeded layout is v2, which has no known gaps: the mutant's check fails alone.
            assert_eq!(libtest_counts(&stdout), Some((dr_checks - 1, 1, 0)), "{stdout}");
            assert!(
                stdout.contains(&format!("{}: IsLogging expected true, saw false", outputs["TrailName"])),
                "{stdout}"
            );
            assert_eq!(testcases(&junit)?, dr_checks);
            Ok(())
        }),
        Trial::test("cli::missing_suffix", || {
            let dir = scratch("missing-suffix");
            let out = stackproof(&["--target", "localstack"], &dir.join("j.xml"));
            plain_error(&out, 2, "no deployment suffix given")
        }),
        Trial::test("cli::suffix_a_stack_name_cannot_hold", || {
            let dir = scratch("bad-suffix");
            let out = stackproof(&["--suffix", "pr_4365", "--target", "localstack"], &dir.join("j.xml"));
            plain_error(&out, 2, "cannot be part of a CloudFormation stack name: '_' is not allowed")
        }),
        Trial::test("cli::list_needs_no_deployment", move || {
            let dir = scratch("list");
            let out = stackproof(&["--list"], &dir.join("j.xml"));
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(stdout.lines().filter(|l| l.ends_with(": test")).count(), checks, "{stdout}");
            Ok(())
        }),
        Trial::test("cli::endpoint_that_does_not_answer", move || {
            let dir = scratch("unreachable");
            // Bind then drop a listener: nothing answers on that port.
            let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port())?;
            let junit = dir.join("j.xml");
            let out = stackproof(&["--suffix", "pr1", "--endpoint", &format!("http://127.0.0.1:{port}")], &junit);
            plain_error(&out, 2, &format!("the emulator at http://127.0.0.1:{port} did not answer in eu-central-1"))?;
            // What was meant to run is still reported, as errors.
            assert_eq!(testcases(&junit)?, checks);
            Ok(())
        }),
        needs_world("cli::no_stack_with_that_suffix".into(), world, |w| {
            let dir = scratch("no-stack");
            let out = stackproof(&["--suffix", "nosuchdeploy", "--endpoint", &w.endpoint], &dir.join("j.xml"));
            plain_error(&out, 2, "no stack named TapStacknosuchdeploy exists in eu-central-1")
        }),
        needs_world("cli::outputs_file_that_is_not_json".into(), world, |w| {
            let dir = scratch("not-json");
            let file = dir.join("flat-outputs.json");
            std::fs::write(&file, "VpcId = vpc-123\n")?;
            let out = stackproof(
                &["--suffix", "x", "--endpoint", &w.endpoint, "--outputs", &file.display().to_string()],
                &dir.join("j.xml"),
            );
            plain_error(&out, 2, "flat-outputs.json is not valid JSON")
        }),
        needs_world("cli::output_key_missing".into(), world, move |w| {
            let (mut outputs, _, _) = seed_and_check(w, "cli-missing", &[])?;
            outputs.remove("DataKeyArn");
            let dir = scratch("missing-key");
            let file = dir.join("flat-outputs.json");
            std::fs::write(&file, serde_json::to_string(&outputs)?)?;
            let junit = dir.join("j.xml");
            let out = stackproof(
                &["--suffix", "cli-missing", "--endpoint", &w.endpoint, "--outputs", &file.display().to_string()],
                &junit,
            );
            let stderr = String::from_utf8_lossy(&out.stderr);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_ne!(out.status.code(), Some(0), "a run with a missing output passed");
            assert!(!stderr.contains("panicked"), "{stderr}");
            assert!(stderr.contains("error: the outputs file") && stderr.contains("lack DataKeyArn"), "{stderr}");
            // The checks that need the key error out naming it; the rest still ran and passed.
            assert!(stdout.contains("stack output DataKeyArn is missing"), "{stdout}");
            // Every check ran; those that read the key could not look, so they are errors (never
            // passes, never failures), and the JUnit report says the same.
            let (passed, failed, ignored) =
                libtest_counts(&stdout).ok_or_else(|| format!("no test result line in:\n{stdout}"))?;
            assert_eq!(passed + failed + ignored, checks, "{stdout}");
            assert!(failed >= 2, "{stdout}");
            let xml = std::fs::read_to_string(&junit)?;
            assert_eq!(testcases(&junit)?, checks);
            assert!(xml.contains(&format!("errors=\"{failed}\"")) && xml.contains("failures=\"0\""), "{xml}");
            Ok(())
        }),
        needs_world("cli::compliant_run_exits_zero_and_writes_junit".into(), world, move |w| {
            seed_and_check(w, "cli-ok", &[])?;
            let dir = scratch("ok");
            let junit = dir.join("j.xml");
            let out = stackproof(&["--suffix", "cli-ok", "--endpoint", &w.endpoint], &junit);
            assert!(
                out.status.success(),
                "{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(testcases(&junit)?, checks);
            Ok(())
        }),
        needs_world("cli::broken_run_exits_non_zero_with_the_failure_in_junit".into(), world, move |w| {
            seed_and_check(w, "cli-broken", &[&stackproof::hipaa::mutants::KMS_ROTATION_OFF])?;
            let dir = scratch("broken");
            let junit = dir.join("j.xml");
            let out = stackproof(&["--suffix", "cli-broken", "--endpoint", &w.endpoint], &junit);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(1), "{stdout}");
            assert!(stdout.contains("KeyRotationEnabled expected true, saw false"), "{stdout}");
            let xml = std::fs::read_to_string(&junit)?;
            assert!(xml.contains("failures=\"1\"") && xml.contains("type=\"fail\""), "{xml}");
            Ok(())
        }),
    ]
}
