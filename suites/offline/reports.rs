//! The reports a user hands an auditor, as the `stackproof` command writes them: a seeded
//! deployment with some mutants, one run, six reports that agree with the run and with each
//! other, read by real consumers (junitparser from PyPI for the JUnit, headless Chromium for the
//! HTML), holding no secret value. A run that never reaches the deployment still writes all six.
//! The schema validation of JUnit, SARIF and OCSF is in `formats.rs`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use libtest_mimic::{Failed, Trial};
use serde_json::Value;
use stackproof::hipaa::CHECKS;
use stackproof::hipaa::mutants as m;
use stackproof_harness::mutation::Mutant;
use stackproof_seed::hipaa::SECRET_CANARY;

use crate::chain::seed_and_check;
use crate::{Shared, needs_world};

/// Breakages in four services; one of them puts a secret (the canary) in an environment variable.
const MUTANTS: &[&Mutant] =
    &[&m::KMS_ROTATION_OFF, &m::AURORA_TLS_NOT_REQUIRED, &m::ECS_SECRET_IN_ENVIRONMENT, &m::EFS_BACKUP_OFF];

pub fn scratch(name: &str) -> Result<PathBuf, Failed> {
    let dir = std::env::temp_dir().join(format!("stackproof-reports-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The `stackproof` command with none of the caller's report or target settings leaking in.
pub fn stackproof(args: &[&str], envs: &[(&str, &str)]) -> Result<Output, Failed> {
    Ok(crate::command::stackproof(args, envs)?)
}

pub fn text(out: &Output) -> String {
    format!("stdout:\n{}\nstderr:\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

pub fn read(path: &Path) -> Result<String, Failed> {
    std::fs::read_to_string(path).map_err(|e| format!("no report at {}: {e}", path.display()).into())
}

/// The six reports of a run under `stem` (the suffix, or `<stack>-<suffix>`).
pub struct Reports {
    pub json: PathBuf,
    pub html: PathBuf,
    pub md: PathBuf,
    pub junit: PathBuf,
    pub sarif: PathBuf,
    pub ocsf: PathBuf,
}

impl Reports {
    pub fn in_dir(dir: &Path, stem: &str) -> Self {
        Self {
            json: dir.join(format!("evidence-{stem}.json")),
            html: dir.join(format!("evidence-{stem}.html")),
            md: dir.join(format!("summary-{stem}.md")),
            junit: dir.join(format!("junit-live-{stem}.xml")),
            sarif: dir.join(format!("stackproof-{stem}.sarif")),
            ocsf: dir.join(format!("ocsf-{stem}.json")),
        }
    }

    pub fn all(&self) -> [&PathBuf; 6] {
        [&self.json, &self.html, &self.md, &self.junit, &self.sarif, &self.ocsf]
    }
}

/// (passed, failed) from libtest's closing line.
/// libtest's (passed, failed, ignored) from its `test result:` line.
fn libtest_counts(out: &Output) -> Result<(u64, u64, u64), Failed> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().find(|l| l.starts_with("test result:")).ok_or_else(|| text(out))?;
    let count = |word: &str| -> Option<u64> {
        let before = line.split(&format!(" {word}")).next()?;
        before.rsplit(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
    };
    Ok((
        count("passed").ok_or(line.to_owned())?,
        count("failed").ok_or(line.to_owned())?,
        count("ignored").ok_or(line.to_owned())?,
    ))
}

/// The five counts as (total, passed, failed, errors, skipped) from the evidence bundle.
pub fn json_counts(doc: &Value) -> [u64; 5] {
    let s = &doc["summary"];
    ["total", "passed", "failed", "errors", "skipped"].map(|k| s[k].as_u64().unwrap_or(u64::MAX))
}

/// The same five counts from the Markdown summary's table rows (`| passed | 51 |`).
pub fn markdown_counts(md: &str) -> Result<[u64; 5], Failed> {
    let row = |label: &str| -> Result<u64, Failed> {
        let prefix = format!("| {label} | ");
        let line = md.lines().find(|l| l.starts_with(&prefix)).ok_or_else(|| format!("no {label} row in:\n{md}"))?;
        Ok(line[prefix.len()..].trim_end_matches(" |").trim().parse()?)
    };
    Ok([row("total")?, row("passed")?, row("failed")?, row("errors")?, row("skipped")?])
}

/// An attribute of the element with `id`, from serialized HTML.
pub fn attr_of(html: &str, id: &str, attr: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    let tag = &html[start..end];
    let from = tag.find(&format!(" {attr}=\""))? + attr.len() + 3;
    Some(tag[from..].split('"').next()?.to_owned())
}

/// The text right after the element with `id` opens, up to the next tag.
fn text_of(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let open_end = at + html[at..].find('>')? + 1;
    Some(html[open_end..].split('<').next()?.trim().to_owned())
}

/// The same five counts from the page as the browser built it.
pub fn dom_counts(dom: &str) -> Result<[u64; 5], Failed> {
    let count = |name: &str| -> Result<u64, Failed> {
        let id = format!("summary-{name}");
        let attr = attr_of(dom, &id, "data-count").ok_or_else(|| format!("no #{id} with data-count in the DOM"))?;
        let shown = text_of(dom, &id).ok_or_else(|| format!("no text in #{id}"))?;
        if attr != shown {
            return Err(format!("#{id} shows {shown} but its data-count is {attr}").into());
        }
        Ok(attr.parse()?)
    };
    Ok([count("total")?, count("passed")?, count("failed")?, count("errors")?, count("skipped")?])
}

pub fn venv_python() -> PathBuf {
    let venv = std::env::var_os("STACKPROOF_VENV")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("localstack/.venv"));
    venv.join("bin/python")
}

/// Reads a JUnit file with junitparser (installed with the emulator, localstack/requirements.txt)
/// and prints what it understood, as JSON.
const JUNITPARSER: &str = r#"
import json, sys
from junitparser import Error, Failure, JUnitXml, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
suites = []
for suite in xml:
    cases = []
    for case in suite:
        results = case.result
        outcome = "pass"
        message = text = ""
        for r in results:
            outcome = "fail" if isinstance(r, Failure) else "error" if isinstance(r, Error) else "skip" if isinstance(r, Skipped) else outcome
            message, text = r.message or "", r.text or ""
        cases.append({"name": case.name, "classname": case.classname, "outcome": outcome, "message": message,
                      "text": text})
    suites.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures, "errors": suite.errors,
                   "skipped": suite.skipped, "properties": [[p.name, p.value] for p in suite.properties()],
                   "system_out": suite._elem.findtext("system-out") or "", "cases": cases})
print(json.dumps({"suites": suites}))
"#;

pub fn junitparser(path: &Path) -> Result<Value, Failed> {
    let python = venv_python();
    let out = Command::new(&python)
        .arg("-c")
        .arg(JUNITPARSER)
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !out.status.success() {
        return Err(format!("junitparser rejected {}:\n{}", path.display(), text(&out)).into());
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

/// The one suite junitparser read, with (tests, failures, errors, skipped) as it counted them.
pub fn junit_suite(parsed: &Value) -> Result<(&Value, [u64; 4]), Failed> {
    let suites = parsed["suites"].as_array().ok_or("junitparser found no suites")?;
    let [suite] = suites.as_slice() else {
        return Err(format!("expected one testsuite (one stack), junitparser found {}", suites.len()).into());
    };
    let n = |k: &str| suite[k].as_u64().unwrap_or(u64::MAX);
    Ok((suite, [n("tests"), n("failures"), n("errors"), n("skipped")]))
}

/// The text of a PDF, by poppler's pdftotext (Debian's poppler-utils, installed by .ci/run).
fn pdftotext(pdf: &Path) -> Result<String, Failed> {
    let out =
        Command::new("pdftotext").arg(pdf).arg("-").output().map_err(|e| {
            format!("cannot run pdftotext ({e}): `apt-get install poppler-utils` (.ci/run installs it)")
        })?;
    if !out.status.success() {
        return Err(format!("pdftotext failed on {}:\n{}", pdf.display(), text(&out)).into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn chromium() -> Result<PathBuf, Failed> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .ok_or_else(|| "chromium is not installed: `apt-get install chromium` (.ci/run installs it)".into())
}

/// Runs headless Chromium on a local file with the flags a closed network needs; its stdout goes
/// to a file (a DOM dump is large), and a run longer than a minute is killed.
pub fn headless(html: &Path, work: &Path, mode: &[String]) -> Result<String, Failed> {
    let profile = work.join("chromium-profile");
    let stdout_path = work.join("chromium.out");
    let stderr_path = work.join("chromium.err");
    let mut child = Command::new(chromium()?)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(mode)
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path)?)
        .stderr(std::fs::File::create(&stderr_path)?)
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("chromium {mode:?} took over 60 s").into());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    if !status.success() {
        return Err(format!("chromium {mode:?} exited {status}: {}", read(&stderr_path)?).into());
    }
    read(&stdout_path)
}

pub fn check_json(doc: &Value) -> Result<&Vec<Value>, Failed> {
    doc["checks"].as_array().ok_or_else(|| "the evidence bundle has no checks".into())
}

/// `text` with every RFC 3339 timestamp (`2026-11-23T16:29:40.756818Z`) replaced by `<time>`.
fn mask_timestamps(text: &str) -> String {
    let shape = |b: &[u8]| {
        b.len() >= 19
            && b[..19].iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b'T',
                13 | 16 => *c == b':',
                _ => c.is_ascii_digit(),
            })
    };
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if shape(&bytes[i..]) {
            let mut end = i + 19;
            end += bytes[end..].iter().take_while(|c| c.is_ascii_digit() || **c == b'.').count();
            if bytes.get(end) == Some(&b'Z') {
                end += 1;
            } else if matches!(bytes.get(end), Some(b'+' | b'-')) && bytes.len() >= end + 6 {
                end += 6;
            }
            out.push_str("<time>");
            i = end;
        } else {
            let ch = text[i..].chars().next().unwrap_or_default();
            out.push(ch);
            i += ch.len_utf8().max(1);
        }
    }
    out
}

/// Removes the run's own time fields and masks timestamps the deployment reports (such as
/// Aurora's LatestRestorableTime): times are all two runs of one deployment may differ in.
fn strip_times(v: &mut Value) {
    match v {
        Value::Object(m) => {
            // A task's lifecycle status moves on between two reads (moto advances it on each
            // DescribeTasks, as ECS does over time); it is a time, not a judgement.
            for key in ["started_at", "finished_at", "duration_ms", "elapsed_ms", "lastStatus"] {
                m.remove(key);
            }
            m.values_mut().for_each(strip_times);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_times),
        Value::String(s) => *s = mask_timestamps(s),
        _ => {}
    }
}

/// JSON paths where `a` and `b` differ, with both values (the first few).
fn differ(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    if out.len() >= 10 || a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                differ(&format!("{path}.{key}"), &x[key.as_str()], y.get(key).unwrap_or(&Value::Null), out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                differ(&format!("{path}[{i}]"), p, q, out);
            }
        }
        _ => out.push(format!("{path}: {a} then {b}")),
    }
}

fn seeded_run_writes_six_reports_that_agree(w: &crate::World) -> Result<(), Failed> {
    let suffix = "reports-m";
    let (outputs, session, _) = seed_and_check(w, suffix, MUTANTS)?;
    let dir = scratch("seeded")?;
    let reports = Reports::in_dir(&dir, suffix);
    let dir_arg = dir.display().to_string();
    let out = stackproof(&["--suffix", suffix, "--endpoint", &w.endpoint, "--reports", &dir_arg], &[])?;
    assert_eq!(out.status.code(), Some(1), "a run with failures must exit 1\n{}", text(&out));
    for path in reports.all() {
        assert!(path.is_file(), "{} was not written\n{}", path.display(), text(&out));
    }

    // The checks the mutants break, by their own declarations, not by a list kept here.
    let broken: BTreeSet<&str> = CHECKS
        .iter()
        .filter(|c| c.mutants().any(|x| MUTANTS.iter().any(|m| m.name == x.name)))
        .map(|c| c.info.id)
        .collect();
    assert_eq!(broken.len(), MUTANTS.len(), "each mutant is claimed by one check");
    let (passed, failed, ignored) = libtest_counts(&out)?;

    // JSON: every check, passes included, with counts matching what libtest reported.
    let doc: Value = serde_json::from_str(&read(&reports.json)?)?;
    let counts = json_counts(&doc);
    let [total, json_passed, json_failed, errors, skipped] = counts;
    assert_eq!(total as usize, CHECKS.len());
    assert_eq!(check_json(&doc)?.len(), CHECKS.len());
    assert_eq!(json_failed + errors, failed, "libtest counts failures and errors together");
    let waived = doc["summary"]["waived"].as_u64().unwrap_or(u64::MAX);
    assert_eq!(
        (json_passed, skipped + waived),
        (passed, ignored),
        "libtest counts skips and waived failures (ignored) apart from passes"
    );
    assert_eq!(json_failed as usize, broken.len(), "failed checks are exactly the mutants' checks");
    let failing: BTreeSet<&str> =
        check_json(&doc)?.iter().filter(|c| c["outcome"] == "fail").filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(failing, broken);
    let run = &doc["run"];
    assert_eq!(run["stack"], "hipaa");
    assert_eq!(run["stack_version"], "v1");
    assert_eq!(run["stack_name"], format!("TapStack{suffix}"));
    assert_eq!(run["suffix"], suffix);
    assert_eq!(run["target"], "emulator");
    assert_eq!(run["endpoint"], w.endpoint.as_str());
    assert_eq!(run["account_id"], session.identity.account.as_str(), "the account is STS's answer");
    assert_eq!(run["caller_arn"], session.identity.arn.as_str());
    assert_eq!(run["regions"], serde_json::json!(session.regions));
    assert!(run["started_at"].as_str() <= run["finished_at"].as_str(), "{run}");
    assert!(run["stacks_git"]["commit"].is_string() || run["stacks_git"]["note"].is_string(), "{run}");
    let requests = doc["api_requests"].as_array().ok_or("no api_requests")?;
    let sent: u64 = requests.iter().filter_map(|r| r["times"].as_u64()).sum();
    assert_eq!(sent, u64::from(session.clients.ledger().total_sent()), "the same requests as an in-process run");

    // HTML as the browser builds it: the summary numbers, and one section per check.
    let shot = dir.join("evidence.png");
    let pdf = dir.join("evidence.pdf");
    let dom = headless(&reports.html, &dir, &["--dump-dom".to_owned()])?;
    assert_eq!(dom_counts(&dom)?, counts, "HTML summary differs from the evidence bundle");
    assert_eq!(
        attr_of(&dom, "summary-pass-rate", "data-percent").as_deref(),
        doc["summary"]["pass_rate_percent"].to_string().as_str().into()
    );
    assert_eq!(dom.matches("<details class=\"check ").count(), CHECKS.len());
    assert_eq!(dom.matches("<details class=\"check outcome-fail\"").count(), broken.len());
    headless(&reports.html, &dir, &[format!("--screenshot={}", shot.display()), "--window-size=1280,2400".to_owned()])?;
    headless(&reports.html, &dir, &[format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer".to_owned()])?;
    let png = std::fs::read(&shot)?;
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "no screenshot at {}", shot.display());
    let printed = std::fs::read(&pdf)?;
    assert!(printed.starts_with(b"%PDF") && printed.len() > 10_000, "no PDF at {}", pdf.display());
    // Printed, every check is expanded (passes are closed on screen), and so is every evidence slice.
    let pdf_text = pdftotext(&pdf)?;
    let lines =
        |label: &str| pdf_text.lines().filter(|l| l.trim() == label || l.starts_with(&format!("{label} "))).count();
    assert_eq!(lines("Remediation"), CHECKS.len(), "not every check is expanded in print");
    // Evidence slices sit in nested sections, closed on screen even for failures: the key they
    // use most must be printed as often as the slices hold it.
    let slices: Vec<&Value> = check_json(&doc)?
        .iter()
        .flat_map(|c| c["findings"].as_array().into_iter().flatten())
        .map(|f| &f["evidence"])
        .filter(|e| e.is_object() || e.is_array())
        .collect();
    let mut keys = std::collections::BTreeMap::<&str, usize>::new();
    for slice in &slices {
        for key in slice.as_object().into_iter().flat_map(|o| o.keys()) {
            *keys.entry(key.as_str()).or_default() += 1;
        }
    }
    let key = keys.iter().max_by_key(|(_, n)| **n).map(|(k, _)| format!("\"{k}\":")).ok_or("no evidence slices")?;
    let held: usize =
        slices.iter().map(|v| serde_json::to_string_pretty(v).unwrap_or_default().matches(&key).count()).sum();
    assert_eq!(pdf_text.matches(&key).count(), held, "evidence slices missing from print ({key})");
    eprintln!("reports: screenshot of the HTML report at {} ({} bytes)", shot.display(), png.len());
    eprintln!("reports: the HTML report printed to PDF at {} ({} bytes)", pdf.display(), printed.len());

    // Markdown: the same counts.
    let md = read(&reports.md)?;
    assert_eq!(markdown_counts(&md)?, counts, "Markdown summary differs from the evidence bundle");

    // JUnit, as a real consumer reads it.
    let parsed = junitparser(&reports.junit)?;
    let (suite, junit_counts) = junit_suite(&parsed)?;
    assert_eq!(suite["name"], "hipaa");
    assert_eq!(junit_counts, [total, json_failed, errors, skipped], "JUnit (tests, failures, errors, skipped)");
    let cases = suite["cases"].as_array().ok_or("no testcases")?;
    assert_eq!(cases.len(), CHECKS.len());
    // Testcases carry no properties (one of the two JUnit schemas allows none): each check's
    // citations, resources and evidence link are in the suite's system-out, one block per check.
    let html_name = reports.html.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let system_out = suite["system_out"].as_str().unwrap_or_default();
    for case in cases {
        let id = case["name"].as_str().unwrap_or_default();
        assert!(case["classname"].as_str().is_some_and(|c| c.starts_with("hipaa.")), "{case}");
        let block = system_out
            .split("\n\n")
            .find(|b| b.starts_with(&format!("{id} [hipaa.")))
            .ok_or_else(|| format!("no block for {id} in the suite's system-out"))?;
        for line in ["  citations: 45 CFR 164.", "  resource: ", &format!("  evidence: {html_name}#check-{id}")] {
            assert!(block.contains(line), "{id}'s block lacks {line:?}:\n{block}");
        }
    }
    let properties = suite["properties"].as_array().ok_or("no suite properties")?;
    assert!(properties.iter().any(|p| p[0] == "evidence-html" && p[1] == html_name.as_str()), "{properties:?}");

    // Every failing check appears, with its resource, in all four.
    let plain_md = md.replace('\\', "");
    for m in MUTANTS {
        let name = m.name;
        let id =
            CHECKS.iter().find(|c| c.mutants().any(|x| x.name == name)).map(|c| c.info.id).ok_or("unclaimed mutant")?;
        let resource = m.resource(&outputs).ok_or_else(|| format!("{name} names an output that was not seeded"))?;
        let check = check_json(&doc)?.iter().find(|c| c["id"] == id).ok_or("check missing from the JSON")?;
        let finding = check["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| {
                f["status"] == "fail"
                    && f["property"] == m.property
                    && f["resource"].as_str().is_some_and(|r| r.contains(&resource))
            })
            .ok_or_else(|| format!("no failing finding of {id} on {resource} {} in the JSON", m.property))?;
        let judged = finding["resource"].as_str().unwrap_or_default();
        assert!(
            finding["api_operations"].as_array().is_some_and(|a| !a.is_empty()),
            "no request named {judged}: {finding}"
        );
        let section = dom.split(&format!("id=\"check-{id}\"")).nth(1).and_then(|s| s.split("</details>").next());
        assert!(section.is_some_and(|s| s.contains(judged)), "the HTML section of {id} does not name {judged}");
        assert!(plain_md.lines().any(|l| l.contains(id) && l.contains(judged)), "{id} on {judged} not in:\n{md}");
        let case = cases.iter().find(|c| c["name"] == id).ok_or("no testcase")?;
        assert_eq!(case["outcome"], "fail");
        let failure = case["text"].as_str().unwrap_or_default();
        assert!(
            failure.contains(&format!("resource: {judged}"))
                && failure.contains("expected: ")
                && failure.contains("actual: "),
            "{failure}"
        );
    }

    // No secret value from the seeded deployment, in any report.
    for path in reports.all() {
        let bytes = std::fs::read(path)?;
        assert!(
            !bytes.windows(SECRET_CANARY.len()).any(|w| w == SECRET_CANARY.as_bytes()),
            "{} holds the secret canary",
            path.display()
        );
    }

    // A second run of the same deployment differs only in times.
    let first = doc;
    let again = stackproof(&["--suffix", suffix, "--endpoint", &w.endpoint, "--reports", &dir_arg], &[])?;
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    let mut second: Value = serde_json::from_str(&read(&reports.json)?)?;
    let mut first = first;
    assert_ne!(first["run"]["started_at"], second["run"]["started_at"]);
    strip_times(&mut first);
    strip_times(&mut second);
    let mut differences = Vec::new();
    differ("", &first, &second, &mut differences);
    assert!(
        differences.is_empty(),
        "two runs of one deployment differ beyond their times:\n{}",
        differences.join("\n")
    );
    Ok(())
}

fn unreachable_endpoint() -> Result<String, Failed> {
    // Bind then drop a listener: nothing answers on that port.
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port())?;
    Ok(format!("http://127.0.0.1:{port}"))
}

fn setup_failure_still_writes_every_report() -> Result<(), Failed> {
    let dir = scratch("setup-failure")?;
    let reports = Reports::in_dir(&dir, "nowhere");
    let endpoint = unreachable_endpoint()?;
    let out =
        stackproof(&["--suffix", "nowhere", "--endpoint", &endpoint, "--reports", &dir.display().to_string()], &[])?;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    for path in reports.all() {
        assert!(path.is_file(), "{} was not written\n{}", path.display(), text(&out));
    }
    let n = CHECKS.len() as u64;
    let doc: Value = serde_json::from_str(&read(&reports.json)?)?;
    assert_eq!(json_counts(&doc), [n, 0, 0, n, 0], "every check is an error");
    let run = &doc["run"];
    assert!(run["account_id"].is_null() && run["caller_arn"].is_null(), "an identity was invented: {run}");
    assert!(run["identity_note"].as_str().is_some_and(|s| s.starts_with("not known")), "{run}");
    assert!(run["setup_error"].as_str().is_some_and(|s| s.contains("did not answer")), "{run}");
    assert_eq!(run["regions"], serde_json::json!(["eu-central-1"]));
    assert!(check_json(&doc)?.iter().all(|c| c["outcome"] == "error"));
    let html = read(&reports.html)?;
    assert_eq!(dom_counts(&html)?, [n, 0, 0, n, 0]);
    assert!(html.contains("id=\"setup-error\""));
    assert_eq!(markdown_counts(&read(&reports.md)?)?, [n, 0, 0, n, 0]);
    let parsed = junitparser(&reports.junit)?;
    assert_eq!(junit_suite(&parsed)?.1, [n, 0, n, 0], "JUnit (tests, failures, errors, skipped)");
    Ok(())
}

/// A proxy to the emulator that carries exactly one connection, then goes away: the emulator
/// closes every connection after its reply, so the run's first request (STS) gets through and
/// every later one meets a closed port, as in an outage that starts mid-run.
fn one_request_proxy(upstream: &str) -> Result<String, Failed> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let upstream = upstream.trim_start_matches("http://").to_owned();
    std::thread::spawn(move || {
        let Ok((client, _)) = listener.accept() else { return };
        drop(listener);
        let Ok(server) = std::net::TcpStream::connect(&upstream) else { return };
        let (Ok(mut client_read), Ok(mut server_write)) = (client.try_clone(), server.try_clone()) else { return };
        let forward = std::thread::spawn(move || {
            let _ = std::io::copy(&mut client_read, &mut server_write);
            let _ = server_write.shutdown(std::net::Shutdown::Write);
        });
        let (mut server_read, mut client_write) = (server, client);
        let _ = std::io::copy(&mut server_read, &mut client_write);
        let _ = client_write.shutdown(std::net::Shutdown::Both);
        let _ = forward.join();
    });
    Ok(format!("http://127.0.0.1:{port}"))
}

fn outage_mid_run_still_writes_every_report(w: &crate::World) -> Result<(), Failed> {
    let (outputs, _, _) = seed_and_check(w, "reports-outage", &[])?;
    let dir = scratch("outage")?;
    let file = dir.join("flat-outputs.json");
    std::fs::write(&file, serde_json::to_string(&outputs)?)?;
    let endpoint = one_request_proxy(&w.endpoint)?;
    let args = ["--suffix", "reports-outage", "--endpoint", &endpoint, "--outputs", &file.display().to_string()];
    let out = stackproof(&[&args[..], &["--reports", &dir.display().to_string()]].concat(), &[])?;
    // Every check errs, none passes: the evidence is incomplete (exit 2), whole reports say why.
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let reports = Reports::in_dir(&dir, "reports-outage");
    for path in reports.all() {
        assert!(path.is_file(), "{} was not written\n{}", path.display(), text(&out));
    }
    let n = CHECKS.len() as u64;
    let doc: Value = serde_json::from_str(&read(&reports.json)?)?;
    assert_eq!(json_counts(&doc), [n, 0, 0, n, 0], "every check is an error, none a pass");
    assert_eq!(doc["run"]["account_id"], "123456789012", "the identity STS gave before the outage");
    assert_eq!(dom_counts(&read(&reports.html)?)?, [n, 0, 0, n, 0]);
    assert_eq!(markdown_counts(&read(&reports.md)?)?, [n, 0, 0, n, 0]);
    assert_eq!(junit_suite(&junitparser(&reports.junit)?)?.1, [n, 0, n, 0], "JUnit (tests, failures, errors, skipped)");
    let findings = check_json(&doc)?;
    let unreachable = findings.iter().filter(|c| c.to_string().contains("got no answer")).count();
    assert!(unreachable > 0, "no check names the outage: {}", text(&out));
    Ok(())
}

fn other_stack_named_formats_chosen_summary_appended() -> Result<(), Failed> {
    let dir = scratch("formats")?;
    let step = dir.join("github-step-summary.md");
    std::fs::write(&step, "## an earlier step\n")?;
    let endpoint = unreachable_endpoint()?;
    let dir_arg = dir.display().to_string();
    let outputs = dir.join("dr-pr9.json");
    std::fs::write(&outputs, r#"{"healthcare-dr": {"PrimaryBucketName": "healthcare-data-primary-pr9"}}"#)?;
    // The DR layout's outputs file read, the endpoint does not answer, so this run stops before
    // any check: its reports carry the stack's name, only the formats asked for are written, and
    // the summary goes where GitHub's job summary is.
    let out = stackproof(
        &["--stack", "dr", "--suffix", "pr9", "--endpoint", &endpoint, "--outputs", &outputs.display().to_string()],
        &[
            ("STACKPROOF_REPORTS", &dir_arg),
            ("STACKPROOF_FORMAT", "junit,md"),
            ("GITHUB_STEP_SUMMARY", &step.display().to_string()),
        ],
    )?;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let dr = Reports::in_dir(&dir, "dr-pr9");
    assert!(dr.junit.is_file(), "{} missing\n{}", dr.junit.display(), text(&out));
    for path in [&dr.json, &dr.html, &dr.md, &dr.sarif, &dr.ocsf, &Reports::in_dir(&dir, "pr9").junit] {
        assert!(!path.exists(), "{} written though not asked for", path.display());
    }
    let summary = read(&step)?;
    assert!(summary.starts_with("## an earlier step\n"), "the job summary was overwritten:\n{summary}");
    assert!(summary.contains("## stackproof: dr ") && summary.contains("| errors |"), "{summary}");
    let parsed = junitparser(&dr.junit)?;
    let (suite, [tests, _, errors, _]) = junit_suite(&parsed)?;
    assert_eq!(suite["name"], "dr");
    assert!(tests > 0 && errors == tests, "{suite}");
    Ok(())
}

/// The static suite's evidence for the shipped template, as `cargo test --test static` writes it,
/// then a live run of a deployment with one broken requirement: its reports show, per
/// requirement, the outcome before deploy beside the outcome after it.
fn before_and_after_deploy_in_one_report(w: &crate::World) -> Result<(), Failed> {
    use stackproof_harness::report::before_deploy::{self, StaticRun};
    use stackproof_harness::run::static_suite::StaticSuite;
    let dir = scratch("before-after")?;
    let suite = &stackproof::hipaa::template::HipaaTemplate;
    let source = suite.default_input();
    let started = std::time::SystemTime::now();
    let records = suite.judge(&source, &|_| true)?;
    let run = StaticRun {
        stack: "hipaa",
        suite: StaticSuite::name(suite),
        source: &source,
        stacks_git: stackproof_harness::run::git::stacks_git(source.parent().unwrap_or(&source)),
        started,
        finished: std::time::SystemTime::now(),
        setup_error: None,
    };
    before_deploy::write(&dir.join(before_deploy::file_name("hipaa")), &before_deploy::build(run, &records))?;
    let static_ids: BTreeSet<&str> = records.iter().map(|r| r.info.id).collect();

    let suffix = "before-after";
    seed_and_check(w, suffix, &[&m::KMS_ROTATION_OFF])?;
    let out =
        stackproof(&["--suffix", suffix, "--endpoint", &w.endpoint, "--reports", &dir.display().to_string()], &[])?;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let doc: Value = serde_json::from_str(&read(&Reports::in_dir(&dir, suffix).json)?)?;
    let shown = &doc["run"]["before_deploy"];
    assert_eq!(shown["summary"]["total"], static_ids.len(), "{shown}");
    let mut both = 0;
    for check in check_json(&doc)? {
        let id = check["id"].as_str().unwrap_or_default();
        let before = check["before_deploy"].as_str();
        if static_ids.contains(id) {
            both += 1;
            assert_eq!(before, Some("pass"), "{id}: the shipped template passes every static check");
        } else {
            assert_eq!(before, None, "{id} has no static form, yet shows one");
        }
    }
    assert!(both >= 30, "only {both} requirements are judged before and after deploy");
    let rotation =
        check_json(&doc)?.iter().find(|c| c["id"] == "kms_key_rotation_enabled").cloned().unwrap_or_default();
    assert_eq!((rotation["outcome"].as_str(), rotation["before_deploy"].as_str()), (Some("fail"), Some("pass")));
    let static_only: Vec<&str> = doc["hipaa_matrix"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["before_deploy_only"].as_array().into_iter().flatten())
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert!(static_only.contains(&"cfn_lint_clean"), "static-only requirements missing: {static_only:?}");
    let html = read(&Reports::in_dir(&dir, suffix).html)?;
    assert!(
        html.contains("before deploy") && html.contains("id=\"before-deploy\""),
        "the HTML shows no outcome before deploy"
    );
    eprintln!("before and after deploy: {both} requirements judged by both suites, {} static only", static_only.len());
    Ok(())
}

pub fn trials(world: &Shared) -> Vec<Trial> {
    vec![
        needs_world(
            "reports::before_and_after_deploy_in_one_report".into(),
            world,
            before_and_after_deploy_in_one_report,
        ),
        needs_world(
            "reports::seeded_run_writes_six_reports_that_agree".into(),
            world,
            seeded_run_writes_six_reports_that_agree,
        ),
        // These need no deployment, only the emulator's virtualenv (junitparser), which starting it installs.
        needs_world("reports::setup_failure_still_writes_every_report".into(), world, |_| {
            setup_failure_still_writes_every_report()
        }),
        needs_world(
            "reports::outage_mid_run_still_writes_every_report".into(),
            world,
            outage_mid_run_still_writes_every_report,
        ),
        needs_world("reports::other_stack_named_formats_chosen_summary_appended".into(), world, |_| {
            other_stack_named_formats_chosen_summary_appended()
        }),
    ]
}
