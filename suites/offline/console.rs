//! The reports survive the console and the CI job around the run: stdout closed by its reader
//! (`| head -1`), stdout on a full disk, a GitHub job summary that cannot be written, an endpoint
//! override in an AWS profile, an outputs file saved with a byte-order mark, and SIGTERM in the
//! middle of the run (a CI step's timeout). No panic, the reports whole, the exit status true.

use std::process::Stdio;
use std::time::{Duration, Instant};

use libtest_mimic::{Failed, Trial};
use serde_json::Value;

use crate::chain::seed_and_check;
use crate::command::{command, scratch, stackproof, text};
use crate::faults::{Fault, proxy};
use crate::{Shared, World, needs_world};

/// A compliant deployment under `suffix`, its outputs in a flat file in `dir`.
fn deployment(w: &World, suffix: &str, dir: &std::path::Path) -> Result<std::path::PathBuf, Failed> {
    let (outputs, _, _) = seed_and_check(w, suffix, &[])?;
    let file = dir.join("flat-outputs.json");
    std::fs::write(&file, serde_json::to_string(&outputs)?)?;
    Ok(file)
}

fn verdict(dir: &std::path::Path, suffix: &str) -> Result<String, Failed> {
    let json: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(format!("evidence-{suffix}.json")))?)?;
    Ok(json["summary"]["verdict"].as_str().unwrap_or_default().to_owned())
}

fn all_four(dir: &std::path::Path, suffix: &str) -> Result<(), Failed> {
    for name in [
        format!("junit-live-{suffix}.xml"),
        format!("evidence-{suffix}.json"),
        format!("evidence-{suffix}.html"),
        format!("summary-{suffix}.md"),
    ] {
        if !dir.join(&name).is_file() {
            return Err(format!("{name} missing in {}", dir.display()).into());
        }
    }
    Ok(())
}

fn no_panic(out: &std::process::Output) -> Result<(), Failed> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("panicked") || stderr.contains("backtrace") {
        return Err(format!("a panic:\n{}", text(out)).into());
    }
    Ok(())
}

pub fn trials(world: &Shared) -> Vec<Trial> {
    vec![
        needs_world("console::stdout_closed_by_its_reader".into(), world, |w| {
            let (suffix, dir) = ("console-closed", scratch("console", "closed")?);
            deployment(w, suffix, &dir)?;
            let mut child = command()
                .args(["--suffix", suffix, "--endpoint", &w.endpoint, "--reports", dir.to_str().unwrap_or("")])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()?;
            // `| head -0`: the reader goes away before the first line.
            drop(child.stdout.take());
            let out = child.wait_with_output()?;
            no_panic(&out)?;
            all_four(&dir, suffix)?;
            assert_eq!(
                out.status.code(),
                Some(0),
                "a compliant run is green however its console fared\n{}",
                text(&out)
            );
            assert!(
                String::from_utf8_lossy(&out.stderr).contains("the console stopped taking output"),
                "{}",
                text(&out)
            );
            Ok(())
        }),
        needs_world("console::stdout_on_a_full_disk".into(), world, |w| {
            let (suffix, dir) = ("console-full", scratch("console", "full")?);
            deployment(w, suffix, &dir)?;
            let full = std::fs::OpenOptions::new().write(true).open("/dev/full")?;
            let out = command()
                .args(["--suffix", suffix, "--endpoint", &w.endpoint, "--reports", dir.to_str().unwrap_or("")])
                .stdout(full)
                .output()?;
            no_panic(&out)?;
            all_four(&dir, suffix)?;
            assert_eq!(out.status.code(), Some(0), "{}", text(&out));
            Ok(())
        }),
        needs_world("console::list_cut_short".into(), world, |_| {
            let mut child = command().arg("--list").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
            drop(child.stdout.take());
            let out = child.wait_with_output()?;
            no_panic(&out)?;
            assert_eq!(out.status.code(), Some(0), "{}", text(&out));
            Ok(())
        }),
        needs_world("console::unwritable_job_summary_is_not_green".into(), world, |w| {
            let (suffix, dir) = ("console-summary", scratch("console", "summary")?);
            deployment(w, suffix, &dir)?;
            let args = ["--suffix", suffix, "--endpoint", &w.endpoint, "--reports", dir.to_str().unwrap_or("")];
            let out = stackproof(&args, &[("GITHUB_STEP_SUMMARY", "/nonexistent/dir/step-summary.md")])?;
            no_panic(&out)?;
            assert_eq!(out.status.code(), Some(2), "every check passed, but a report is missing\n{}", text(&out));
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("error: cannot write the report /nonexistent/dir/step-summary.md"), "{stderr}");
            for name in [format!("junit-live-{suffix}.xml"), format!("evidence-{suffix}.json")] {
                assert!(dir.join(&name).is_file(), "{name} missing");
            }
            Ok(())
        }),
        needs_world("console::outputs_file_with_a_byte_order_mark".into(), world, |w| {
            let (suffix, dir) = ("console-bom", scratch("console", "bom")?);
            let file = deployment(w, suffix, &dir)?;
            let text_of = std::fs::read_to_string(&file)?;
            std::fs::write(&file, format!("\u{feff}{text_of}"))?;
            let args = [
                "--suffix",
                suffix,
                "--endpoint",
                &w.endpoint,
                "--outputs",
                file.to_str().unwrap_or(""),
                "--reports",
                dir.to_str().unwrap_or(""),
            ];
            let out = stackproof(&args, &[])?;
            assert_eq!(out.status.code(), Some(0), "{}", text(&out));
            Ok(())
        }),
        needs_world("console::endpoint_url_in_an_aws_profile_is_refused".into(), world, |w| {
            let (suffix, dir) = ("console-profile", scratch("console", "profile")?);
            let home = dir.join("home");
            std::fs::create_dir_all(home.join(".aws"))?;
            std::fs::write(
                home.join(".aws/config"),
                format!("[profile ci]\nregion = eu-central-1\nendpoint_url = {}\n", w.endpoint),
            )?;
            std::fs::write(
                home.join(".aws/credentials"),
                "[ci]\naws_access_key_id = AKIAEXAMPLEEXAMPLE00\naws_secret_access_key = not-a-real-key\n",
            )?;
            let home = home.display().to_string();
            let out = stackproof(
                &["--suffix", suffix, "--reports", dir.to_str().unwrap_or("")],
                &[("HOME", home.as_str()), ("AWS_PROFILE", "ci")],
            )?;
            no_panic(&out)?;
            assert_eq!(out.status.code(), Some(2), "{}", text(&out));
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains("error: stackproof refused to send GetCallerIdentity to http://127.0.0.1"),
                "{stderr}"
            );
            assert_eq!(verdict(&dir, suffix)?, "error");
            Ok(())
        }),
        needs_world("console::a_waived_failure_is_waived_until_its_waiver_expires".into(), world, |w| {
            let (suffix, dir) = ("console-waived", scratch("console", "waived")?);
            seed_and_check(w, suffix, &[&stackproof::hipaa::mutants::KMS_ROTATION_OFF])?;
            let waiver = |expires: &str| -> Result<String, Failed> {
                let path = dir.join(format!("waivers-{expires}.yml"));
                std::fs::write(
                    &path,
                    format!(
                        "waivers:\n  - check: kms_key_rotation_enabled\n    justification: \"rotation moves to a new key in SEC-12, accepted by the CISO\"\n    expires: {expires}\n"
                    ),
                )?;
                Ok(path.display().to_string())
            };
            let run = |file: &str| {
                stackproof(
                    &[
                        "--suffix",
                        suffix,
                        "--endpoint",
                        &w.endpoint,
                        "--reports",
                        dir.to_str().unwrap_or(""),
                        "--waivers",
                        file,
                    ],
                    &[],
                )
            };
            let live = run(&waiver("2099-12-31")?)?;
            no_panic(&live)?;
            assert_eq!(live.status.code(), Some(0), "a waived failure does not fail the run\n{}", text(&live));
            let json: Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join(format!("evidence-{suffix}.json")))?)?;
            assert_eq!(json["summary"]["waived"], 1);
            // Checks the emulator cannot show at all stay skipped; every other one passed.
            let skipped = json["summary"]["skipped"].as_u64().ok_or("no skipped count")?;
            assert_eq!(
                json["summary"]["passed"],
                stackproof::hipaa::CHECKS.len() as u64 - 1 - skipped,
                "a waived check is not counted as passed"
            );
            let rotation = json["checks"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| c["id"] == "kms_key_rotation_enabled")
                .cloned()
                .unwrap_or_default();
            assert_eq!(rotation["outcome"], "waived");
            assert!(rotation["waiver"]["justification"].as_str().is_some_and(|j| j.contains("SEC-12")));
            let junit = std::fs::read_to_string(dir.join(format!("junit-live-{suffix}.xml")))?;
            assert!(junit.contains("waived until 2099-12-31"), "the JUnit report does not say waived");
            let md = std::fs::read_to_string(dir.join(format!("summary-{suffix}.md")))?;
            assert!(md.contains("| waived | 1 |"), "{md}");
            let html = std::fs::read_to_string(dir.join(format!("evidence-{suffix}.html")))?;
            assert!(html.contains("id=\"summary-waived\" data-count=\"1\""), "the HTML does not count the waiver");

            let expired = run(&waiver("2020-01-31")?)?;
            no_panic(&expired)?;
            assert_eq!(expired.status.code(), Some(1), "an expired waiver waives nothing\n{}", text(&expired));
            assert!(
                String::from_utf8_lossy(&expired.stderr)
                    .contains("kms_key_rotation_enabled until 2020-01-31 has expired"),
                "{}",
                text(&expired)
            );
            assert_eq!(verdict(&dir, suffix)?, "fail");
            Ok(())
        }),
        needs_world("console::sigterm_mid_run_writes_interrupted_reports".into(), world, |w| {
            let (suffix, dir) = ("console-term", scratch("console", "term")?);
            let file = deployment(w, suffix, &dir)?;
            let endpoint = proxy(&w.endpoint, "TrentService.DescribeKey", Fault::Stall)?;
            let started = Instant::now();
            let child = command()
                .args([
                    "--suffix",
                    suffix,
                    "--endpoint",
                    &endpoint,
                    "--outputs",
                    file.to_str().unwrap_or(""),
                    "--reports",
                    dir.to_str().unwrap_or(""),
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()?;
            std::thread::sleep(Duration::from_secs(2));
            let pid = child.id().to_string();
            std::process::Command::new("kill").args(["-TERM", &pid]).status()?;
            let out = child.wait_with_output()?;
            let took = started.elapsed();
            no_panic(&out)?;
            assert_eq!(out.status.code(), Some(2), "{}", text(&out));
            assert!(took < Duration::from_secs(15), "the signal did not stop the run: {took:?}");
            all_four(&dir, suffix)?;
            assert_eq!(verdict(&dir, suffix)?, "interrupted", "{}", text(&out));
            assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted by SIGTERM"), "{}", text(&out));
            Ok(())
        }),
    ]
}
