//! Reports that real consumers accept, proven with real validators on a run with failures and
//! errors: the JUnit file against both published JUnit schemas (Jenkins xunit-plugin's
//! `junit-10.xsd`, windyroad's `JUnit.xsd`) with `xmlschema`, and counted alike by junitparser
//! (PyPI) and test-results-parser (npm); the SARIF log against the OASIS SARIF 2.1.0 schema, each
//! failing result on the line of its logical id in `stacks/hipaa/v1/template.yml`, static and
//! live alike; the OCSF events against the OCSF 1.5.0 Compliance Finding schema and Prowler's
//! models of it. The schemas are vendored in `suites/offline/schemas/` (see its README); the
//! validators come from `localstack/requirements.txt` and `suites/offline/consumers/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use libtest_mimic::{Failed, Trial};
use serde_json::{Value, json};
use stackproof::hipaa::CHECKS;
use stackproof::hipaa::mutants as m;
use stackproof::hipaa::template::{self as static_hipaa, HipaaTemplate, TemplateFacts};
use stackproof_harness::check::Status;
use stackproof_harness::deployment::Contract;
use stackproof_harness::facts::FactError;
use stackproof_harness::mutation::Mutant;
use stackproof_harness::report::{self, Record, evidence, junit, locate, sarif};
use stackproof_harness::run::static_suite::{StaticSuite, source_map};
use stackproof_harness::suite::InputOption;
use stackproof_seed::hipaa::SECRET_CANARY;

use crate::chain::seed_and_check;
use crate::reports::{
    Reports, attr_of, check_json, dom_counts, headless, json_counts, junitparser, markdown_counts, read, scratch,
    stackproof, text, venv_python,
};
use crate::{Shared, needs_world};

/// Breakages in three services; one puts the secret canary in a task's environment.
const MUTANTS: &[&Mutant] = &[&m::KMS_ROTATION_OFF, &m::EFS_BACKUP_OFF, &m::ECS_SECRET_IN_ENVIRONMENT];

/// Outputs left out of the outputs file the run reads: the checks that need them are errors.
const DROPPED_OUTPUTS: &[&str] = &["WebAclArn", "CacheReplicationGroupId"];

const TEMPLATE: &str = "stacks/hipaa/v1/template.yml";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn schema(name: &str) -> PathBuf {
    root().join("suites/offline/schemas").join(name)
}

/// Validates files with the real validators, printing `{"checked": n, "errors": [...]}`:
/// `xsd SCHEMA FILE` (xmlschema, XSD 1.0), `sarif SCHEMA FILE` (jsonschema, draft-04), `ocsf
/// SCHEMA FILE` (jsonschema 2020-12 with format checks on every event of the array, and
/// py-ocsf-models' ComplianceFinding parsing each).
const VALIDATE: &str = r#"
import json, sys
kind, schema_path, path = sys.argv[1:4]
errors, checked = [], 0
if kind == "xsd":
    import xmlschema
    schema = xmlschema.XMLSchema10(schema_path)
    errors = [f"{e.path}: {e.reason}" for e in schema.iter_errors(path)]
    checked = 1
else:
    import jsonschema
    schema = json.load(open(schema_path))
    doc = json.load(open(path))
    if kind == "sarif":
        validator = jsonschema.Draft4Validator(schema)
        docs = [doc]
    else:
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        docs = doc if isinstance(doc, list) else [doc]
    for i, d in enumerate(docs):
        checked += 1
        for e in validator.iter_errors(d):
            errors.append(f"[{i}] {'/'.join(str(p) for p in e.absolute_path)}: {e.message[:300]}")
        if kind == "ocsf":
            from pydantic import ValidationError
            from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
            try:
                ComplianceFinding.model_validate(d)
            except ValidationError as e:
                errors.append(f"[{i}] py-ocsf-models: {str(e)[:300]}")
print(json.dumps({"checked": checked, "errors": errors}))
"#;

/// (documents checked, errors) from the validator of `kind`.
fn validate(kind: &str, schema_file: &str, path: &Path) -> Result<(u64, Vec<String>), Failed> {
    let python = venv_python();
    let out = Command::new(&python)
        .arg("-c")
        .arg(VALIDATE)
        .args([kind, &schema(schema_file).display().to_string(), &path.display().to_string()])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !out.status.success() {
        return Err(format!("the {kind} validator failed on {}:\n{}", path.display(), text(&out)).into());
    }
    let v: Value = serde_json::from_slice(&out.stdout)?;
    let errors = v["errors"].as_array().into_iter().flatten().filter_map(|e| e.as_str().map(str::to_owned)).collect();
    Ok((v["checked"].as_u64().unwrap_or(0), errors))
}

/// Asserts `path` is valid against both JUnit schemas.
fn valid_junit(path: &Path) -> Result<(), Failed> {
    for xsd in ["junit-10.xsd", "JUnit.xsd"] {
        let (checked, errors) = validate("xsd", xsd, path)?;
        if checked != 1 || !errors.is_empty() {
            return Err(format!(
                "{} is not valid against {xsd} ({} errors):\n{}",
                path.display(),
                errors.len(),
                errors.join("\n")
            )
            .into());
        }
    }
    Ok(())
}

fn consumer() -> Result<&'static Path, Failed> {
    static INSTALLED: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            let dir = root().join("suites/offline/consumers");
            stackproof_seed::npm::install(&dir, &dir.join("node_modules/test-results-parser/package.json"))?;
            Ok(dir.join("junit.cjs"))
        })
        .as_ref()
        .map(PathBuf::as_path)
        .map_err(|e| e.clone().into())
}

/// What test-results-parser (npm) reads of a JUnit file.
fn npm_junit(path: &Path) -> Result<Value, Failed> {
    let out = Command::new("node").arg(consumer()?).arg(path).output().map_err(|e| format!("cannot run node: {e}"))?;
    if !out.status.success() {
        return Err(format!("test-results-parser rejected {}:\n{}", path.display(), text(&out)).into());
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

/// Asserts that junitparser and test-results-parser both read `path` as one suite per stack with
/// the counts (tests, failures, errors, skipped) given, from the attributes and the testcases alike.
fn consumers_agree(path: &Path, suites: &[(&str, [u64; 4])]) -> Result<(), Failed> {
    let parsed = junitparser(path)?;
    let py = parsed["suites"].as_array().ok_or("junitparser found no suites")?;
    let npm = npm_junit(path)?;
    let js = npm["suites"].as_array().ok_or("test-results-parser found no suites")?;
    assert_eq!(
        (py.len(), js.len()),
        (suites.len(), suites.len()),
        "suites read by junitparser and test-results-parser"
    );
    for (i, (name, [tests, failures, errors, skipped])) in suites.iter().enumerate() {
        let (p, j) = (&py[i], &js[i]);
        assert_eq!((p["name"].as_str(), j["name"].as_str()), (Some(*name), Some(*name)));
        let n = |v: &Value, k: &str| v[k].as_u64().unwrap_or(u64::MAX);
        assert_eq!(
            [n(p, "tests"), n(p, "failures"), n(p, "errors"), n(p, "skipped")],
            [*tests, *failures, *errors, *skipped],
            "junitparser's counts of {name}"
        );
        let outcomes =
            |o: &str| p["cases"].as_array().into_iter().flatten().filter(|c| c["outcome"] == o).count() as u64;
        assert_eq!(
            [outcomes("fail"), outcomes("error"), outcomes("skip")],
            [*failures, *errors, *skipped],
            "junitparser's testcases of {name}"
        );
        // test-results-parser counts skipped tests apart from its total, and errors as failures in its cases.
        assert_eq!(
            [n(j, "total") + n(j, "skipped"), n(j, "failed"), n(j, "errors"), n(j, "skipped")],
            [*tests, *failures, *errors, *skipped],
            "test-results-parser's counts of {name}"
        );
        let statuses =
            |s: &str| j["cases"].as_array().into_iter().flatten().filter(|c| c["status"] == s).count() as u64;
        assert_eq!(
            [statuses("FAIL"), statuses("SKIP"), statuses("PASS")],
            [failures + errors, *skipped, tests - failures - errors - skipped],
            "test-results-parser's testcases of {name}"
        );
    }
    Ok(())
}

/// The 1-based line of `  <id>:` under the template's `Resources:` (or `Parameters:`), read from the text.
fn line_of(template: &str, id: &str) -> Option<u64> {
    template.lines().position(|l| l == format!("  {id}:")).map(|i| i as u64 + 1)
}

/// The logical id the template's output `key` refers to, read from its text (`!GetAtt X.Arn`, `!Ref X`).
fn logical_id_of_output(template: &str, key: &str) -> Option<String> {
    let outputs = template.split("\nOutputs:\n").nth(1)?;
    let entry = outputs.split(&format!("\n  {key}:\n")).nth(1)?;
    let value = entry.lines().find(|l| l.trim_start().starts_with("Value:"))?;
    let target = value.split("!GetAtt ").nth(1).or_else(|| value.split("!Ref ").nth(1))?;
    Some(target.split(['.', ' ', '\'', ',', ']']).next()?.to_owned())
}

fn results_of(sarif_doc: &Value) -> Vec<Value> {
    sarif_doc["runs"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["results"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn start_line(result: &Value) -> Option<u64> {
    result["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64()
}

fn uri(result: &Value) -> Option<&str> {
    result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str()
}

fn run_with_failures_and_errors_is_valid_junit_sarif_and_ocsf(w: &crate::World) -> Result<(), Failed> {
    let suffix = "formats-m";
    let (outputs, _, _) = seed_and_check(w, suffix, MUTANTS)?;
    let dir = scratch("formats")?;
    let kept: BTreeMap<&String, &String> =
        outputs.iter().filter(|(k, _)| !DROPPED_OUTPUTS.contains(&k.as_str())).collect();
    let outputs_file = dir.join("flat-outputs.json");
    std::fs::write(&outputs_file, serde_json::to_string(&kept)?)?;
    let dir_arg = dir.display().to_string();
    let github = [
        ("GITHUB_SERVER_URL", "https://github.example"),
        ("GITHUB_REPOSITORY", "acme/infra"),
        ("GITHUB_RUN_ID", "4242"),
    ];
    let run_url = "https://github.example/acme/infra/actions/runs/4242";
    let out = stackproof(
        &[
            "--suffix",
            suffix,
            "--endpoint",
            &w.endpoint,
            "--outputs",
            &outputs_file.display().to_string(),
            "--reports",
            &dir_arg,
        ],
        &github,
    )?;
    assert_eq!(out.status.code(), Some(1), "failures outrank errors: exit 1\n{}", text(&out));
    let reports = Reports::in_dir(&dir, suffix);
    for path in reports.all() {
        assert!(path.is_file(), "{} was not written\n{}", path.display(), text(&out));
    }
    let doc: Value = serde_json::from_str(&read(&reports.json)?)?;
    let counts = json_counts(&doc);
    let [total, passed, failed, errors, skipped] = counts;
    assert!(failed >= MUTANTS.len() as u64 && errors >= 2, "a run with failures and errors: {counts:?}");
    let findings: Vec<(&Value, &Value)> = check_json(&doc)?
        .iter()
        .flat_map(|c| c["findings"].as_array().into_iter().flatten().map(move |f| (c, f)))
        .collect();
    let template = std::fs::read_to_string(root().join(TEMPLATE))?;

    // JUnit: valid against both schemas, and read alike by a Python and an npm consumer.
    valid_junit(&reports.junit)?;
    consumers_agree(&reports.junit, &[("hipaa", [total, failed, errors, skipped])])?;
    let junit_text = read(&reports.junit)?;
    assert!(
        junit_text.contains(&format!("<property name=\"ci-run\" value=\"{run_url}\"/>")),
        "no CI run link in the JUnit"
    );
    eprintln!(
        "formats: JUnit valid against junit-10.xsd and JUnit.xsd; {total} tests, {failed} failures, {errors} errors, {skipped} skipped"
    );

    // SARIF: valid; one rule per check, one result per failing or erroring finding, each located.
    let (_, sarif_errors) = validate("sarif", "sarif-schema-2.1.0.json", &reports.sarif)?;
    assert!(sarif_errors.is_empty(), "the SARIF log is not valid SARIF 2.1.0:\n{}", sarif_errors.join("\n"));
    let log: Value = serde_json::from_str(&read(&reports.sarif)?)?;
    assert_eq!(log["runs"][0]["tool"]["driver"]["rules"].as_array().map(Vec::len), Some(CHECKS.len()));
    let results = results_of(&log);
    let judged = findings.iter().filter(|(_, f)| f["status"] == "fail" || f["status"] == "error").count();
    assert_eq!(results.len(), judged, "one result per failing or erroring finding");
    assert!(results.iter().all(|r| uri(r) == Some(TEMPLATE)), "every result is located in {TEMPLATE}");
    assert_eq!(
        results.iter().filter(|r| r["kind"] == "open").count(),
        findings.iter().filter(|(_, f)| f["status"] == "error").count()
    );
    for mutant in MUTANTS {
        let id = CHECKS
            .iter()
            .find(|c| c.mutants().any(|x| x.name == mutant.name))
            .map(|c| c.info.id)
            .ok_or("unclaimed mutant")?;
        let resource = mutant.resource(&outputs).ok_or("the mutant's output was not seeded")?;
        let logical = logical_id_of_output(&template, mutant.output)
            .ok_or_else(|| format!("no Outputs.{} in {TEMPLATE}", mutant.output))?;
        let line = line_of(&template, &logical).ok_or_else(|| format!("no {logical} in {TEMPLATE}"))?;
        let result = results
            .iter()
            .find(|r| {
                r["ruleId"] == id
                    && r["kind"] == "fail"
                    && r["properties"]["resource"].as_str().is_some_and(|x| x.contains(&resource))
            })
            .ok_or_else(|| format!("no SARIF result of {id} on {resource}"))?;
        assert_eq!(
            start_line(result),
            Some(line),
            "{id} on {resource} is not on the line of {logical} ({TEMPLATE}:{line}): {result}"
        );
        assert_eq!(result["locations"][0]["logicalLocations"][0]["name"], logical.as_str());
        eprintln!("formats: live {id} on {resource} located at {TEMPLATE}:{line} ({logical})");
    }

    // OCSF: valid Compliance Findings, one per finding, naming the resource's ARN, the check and its citations.
    let (checked, ocsf_errors) = validate("ocsf", "ocsf-1.5.0-compliance_finding.schema.json", &reports.ocsf)?;
    assert!(ocsf_errors.is_empty(), "OCSF events are not valid Compliance Findings:\n{}", ocsf_errors.join("\n"));
    assert_eq!(checked as usize, findings.len(), "one OCSF event per finding");
    let events: Vec<Value> = serde_json::from_str(&read(&reports.ocsf)?)?;
    assert!(
        events.iter().all(|e| e["class_uid"] == 2003 && e["type_uid"] == 200301 && e["metadata"]["version"] == "1.5.0")
    );
    let key_arn = outputs.get("DataKeyArn").ok_or("no DataKeyArn output")?;
    let rotation = events
        .iter()
        .find(|e| e["compliance"]["control"] == "kms_key_rotation_enabled" && e["compliance"]["status"] == "Fail")
        .ok_or("no failing OCSF event of kms_key_rotation_enabled")?;
    assert_eq!(rotation["resources"][0]["uid"], key_arn.as_str(), "{rotation}");
    let citations =
        CHECKS.iter().find(|c| c.info.id == "kms_key_rotation_enabled").map(|c| c.info.citations).unwrap_or_default();
    assert_eq!(rotation["compliance"]["requirements"], json!(citations));
    let efs = events
        .iter()
        .find(|e| e["compliance"]["control"] == "efs_backup_policy_enabled" && e["compliance"]["status"] == "Fail")
        .ok_or("no failing OCSF event of efs_backup_policy_enabled")?;
    let fs = outputs.get("EfsFileSystemId").ok_or("no EfsFileSystemId output")?;
    assert_eq!(
        efs["resources"][0]["uid"],
        format!("arn:aws:elasticfilesystem:eu-central-1:123456789012:file-system/{fs}"),
        "an ARN built from the declared type"
    );
    for e in &events {
        let caption = match e["compliance"]["status_id"].as_u64() {
            Some(1) => "Pass",
            Some(2) => "Warning",
            Some(3) => "Fail",
            other => return Err(format!("compliance.status_id {other:?} is none of OCSF's: {e}").into()),
        };
        assert_eq!(e["compliance"]["status"], caption, "status is the caption of status_id: {e}");
    }
    let statuses = |s: &str| events.iter().filter(|e| e["compliance"]["status"] == s).count();
    let finding_count = |s: &str| findings.iter().filter(|(_, f)| f["status"] == s).count();
    assert_eq!(statuses("Fail"), finding_count("fail"));
    assert_eq!(statuses("Warning"), finding_count("error") + finding_count("skip"));
    eprintln!("formats: {checked} OCSF Compliance Findings valid against OCSF 1.5.0 (and py-ocsf-models)");

    // HTML: the verdict counts failures and errors (and skips); every resource is labelled; the API
    // appendix is a table of operations, attempts and time.
    let shot = dir.join("verdict.png");
    let dom = headless(&reports.html, &dir, &["--dump-dom".to_owned()])?;
    assert_eq!(dom_counts(&dom)?, counts);
    let verdict = dom.split("id=\"summary-verdict\"").nth(1).and_then(|s| s.split("</div>").next()).unwrap_or_default();
    assert!(verdict.contains(&format!("{failed} of {total} checks failed")), "{verdict}");
    assert!(
        verdict.contains(&format!("{errors} more could not look (errors)")),
        "the verdict does not count errors: {verdict}"
    );
    if skipped > 0 {
        assert!(verdict.contains(&format!("{skipped} could not be judged")), "{verdict}");
    }
    let rows: Vec<&str> =
        dom.split("<tr class=\"finding\"").skip(1).map(|r| r.split("</tr>").next().unwrap_or_default()).collect();
    assert_eq!(rows.len(), findings.len());
    assert!(rows.iter().all(|r| r.contains("class=\"label")), "a resource without its logical id or output");
    assert!(rows.iter().any(|r| r.contains("DataKey (output DataKeyArn)")), "the key is not labelled");
    let operations = doc["api_operations"].as_array().map(Vec::len).unwrap_or(0);
    assert!(operations > 0 && dom.matches("<tr class=\"operation\">").count() == operations);
    assert!(!dom.contains("Input {") && !dom.contains("Some(\""), "the API appendix prints SDK Debug text");
    assert_eq!(attr_of(&dom, "summary", "data-errors").as_deref(), Some(errors.to_string().as_str()));
    headless(&reports.html, &dir, &[format!("--screenshot={}", shot.display()), "--window-size=1280,900".to_owned()])?;
    let png = std::fs::read(&shot)?;
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "no screenshot at {}", shot.display());
    eprintln!("formats: screenshot of the verdict ({failed} failed, {errors} errors) at {}", shot.display());

    // Markdown: failures and errors in the title, remediation for failing checks, the CI run's link.
    let md = read(&reports.md)?;
    assert_eq!(markdown_counts(&md)?, counts);
    let title = md.lines().next().unwrap_or_default();
    assert!(title.contains(&format!(": {failed} failed, {errors} errors")), "{title}");
    assert!(md.contains("| check | citations | resource | property | expected | actual | remediation |"), "{md}");
    let rotation_row = md.lines().find(|l| l.contains("`kms_key_rotation_enabled`")).unwrap_or_default();
    let remediation =
        CHECKS.iter().find(|c| c.info.id == "kms_key_rotation_enabled").map(|c| c.info.remediation).unwrap_or_default();
    assert!(
        rotation_row.replace('\\', "").contains(remediation.split('`').next().unwrap_or_default().trim()),
        "{rotation_row}"
    );
    let evidence_line = md.lines().rev().find(|l| l.starts_with("Evidence:")).unwrap_or_default();
    assert!(evidence_line.contains(run_url) && !evidence_line.contains(&dir_arg), "{evidence_line}");

    // No secret value in the new formats (checked before the next run clears them).
    for path in [&reports.sarif, &reports.ocsf, &reports.junit] {
        let bytes = std::fs::read(path)?;
        assert!(
            !bytes.windows(SECRET_CANARY.len()).any(|w| w == SECRET_CANARY.as_bytes()),
            "{} holds the secret canary",
            path.display()
        );
    }

    // Without CI, the evidence is named by its file, never by a local path.
    let local = stackproof(
        &[
            "--suffix",
            suffix,
            "--endpoint",
            &w.endpoint,
            "--outputs",
            &outputs_file.display().to_string(),
            "--reports",
            &dir_arg,
            "--format",
            "md,html",
        ],
        &[],
    )?;
    assert_eq!(local.status.code(), Some(1), "{}", text(&local));
    let md = read(&reports.md)?;
    let evidence_line = md.lines().rev().find(|l| l.starts_with("Evidence:")).unwrap_or_default();
    assert!(
        evidence_line.contains(&format!("evidence-{suffix}.html")) && !evidence_line.contains(&dir_arg),
        "{evidence_line}"
    );
    // Only what this run wrote is named: no JSON bundle was asked for.
    assert!(!evidence_line.contains(&format!("evidence-{suffix}.json")), "{evidence_line}");

    let _ = passed;
    Ok(())
}

/// The static suite's reports, as `cargo test --test static` writes them (the same writers, on
/// the shipped template broken by a mutation, with cfn-lint not run so one check errs).
fn static_reports_are_valid_and_on_the_templates_lines() -> Result<(), Failed> {
    let suite = &HipaaTemplate;
    let path = suite.default_input();
    let mut template = HipaaTemplate::read(&path)?;
    let check = &static_hipaa::kms::KMS_KEY_ROTATION_ENABLED;
    let mutation = check.mutants().next().ok_or("kms_key_rotation_enabled claims no mutation")?;
    mutation.apply(&mut template);
    let facts = TemplateFacts {
        template,
        lint: Err(FactError::Api { operation: "cfn-lint".into(), detail: "not run by this test".into() }),
    };
    let started = SystemTime::now();
    let records: Vec<Record> = static_hipaa::CHECKS
        .iter()
        .map(|c| Record {
            stack: "hipaa-template",
            info: c.info,
            claims: c.claim_infos(),
            waiver: None,
            outcome: c.evaluate(&facts),
            duration: Duration::from_millis(2),
            started,
        })
        .map(report::redact::record)
        .collect();
    let map = source_map(InputOption::Template, &path);
    assert_eq!(map.file, TEMPLATE, "the template is named as the repository names it");
    let locator = evidence::Locator { source: Some(&map), ..Default::default() };
    let checks: Vec<_> = records.iter().map(|r| evidence::check_evidence(r, &[], &locator)).collect();
    let count = |s: Status| checks.iter().filter(|c| c.outcome == s).count() as u64;
    let (failed, errors) = (count(Status::Fail), count(Status::Error));
    assert!(failed >= 1 && errors >= 1, "a static run with failures and errors: {failed} failed, {errors} errors");

    let dir = scratch("formats-static")?;
    let junit_path = dir.join("junit-static.xml");
    std::fs::write(
        &junit_path,
        junit::render(&checks, &junit::Context { hostname: "ci".into(), ..Default::default() })?,
    )?;
    valid_junit(&junit_path)?;
    consumers_agree(
        &junit_path,
        &[("hipaa-template", [checks.len() as u64, failed, errors, count(Status::Skip) + count(Status::Waived)])],
    )?;

    let now = evidence::timestamp(SystemTime::now());
    let run = sarif::Run {
        mode: "static",
        stack: "hipaa",
        checks: &checks,
        source_file: Some(&map.file),
        started_at: &now,
        finished_at: &now,
        setup_error: None,
        interrupted: None,
        evidence_link: None,
        properties: json!({ "suite": StaticSuite::name(suite) }),
    };
    let sarif_path = dir.join("stackproof-static.sarif");
    sarif::write(&sarif_path, &[run])?;
    let (_, problems) = validate("sarif", "sarif-schema-2.1.0.json", &sarif_path)?;
    assert!(problems.is_empty(), "the static SARIF log is not valid:\n{}", problems.join("\n"));
    let log: Value = serde_json::from_str(&read(&sarif_path)?)?;
    let results = results_of(&log);
    let template = std::fs::read_to_string(root().join(TEMPLATE))?;
    let line = line_of(&template, mutation.resource).ok_or("the mutated resource is not in the template")?;
    let rotation = results
        .iter()
        .find(|r| r["ruleId"] == check.info.id && r["kind"] == "fail")
        .ok_or("no static SARIF result of kms_key_rotation_enabled")?;
    assert_eq!((uri(rotation), start_line(rotation)), (Some(TEMPLATE), Some(line)), "{rotation}");
    assert_eq!(log["runs"][0]["automationDetails"]["id"], "stackproof/static/hipaa/");
    let lint =
        results.iter().find(|r| r["ruleId"] == "cfn_lint_clean").ok_or("the erroring lint check has no result")?;
    assert_eq!(
        (lint["kind"].as_str(), uri(lint)),
        (Some("open"), Some(TEMPLATE)),
        "an error is a result too, at the file"
    );
    eprintln!("formats: static {} on {} located at {TEMPLATE}:{line}", check.info.id, mutation.resource);
    Ok(())
}

/// Every output of both stacks' contracts is located in its source: the HIPAA template's outputs
/// at the line of the logical id their value names, the DR layout's at the line of the construct
/// in `main.ts` (except the two region constants).
fn every_output_of_both_stacks_is_located_in_its_source() -> Result<(), Failed> {
    let deployed = |contract: &Contract| -> Vec<locate::DeployedOutput> {
        contract
            .outputs
            .keys()
            .map(|k| locate::DeployedOutput { key: k.clone(), value: format!("value-of-{k}"), region: None })
            .collect()
    };
    let template = std::fs::read_to_string(root().join(TEMPLATE))?;
    let hipaa = Contract::parse("hipaa", &std::fs::read_to_string(root().join("stacks/hipaa/v1/outputs.yml"))?)?;
    let map = locate::SourceMap::cloudformation(TEMPLATE, &template, Some("pr1"))?.with_outputs(deployed(&hipaa));
    let lines: Vec<&str> = template.lines().collect();
    for key in hipaa.outputs.keys() {
        let found = map.locate(&format!("value-of-{key}"));
        let line = found.line.ok_or_else(|| format!("output {key} is not located: {found:?}"))?;
        let first = found.logical_ids.first().ok_or("no logical id")?;
        assert_eq!(lines[line as usize - 1], format!("  {first}:"), "output {key}");
        assert_eq!(logical_id_of_output(&template, key).as_deref(), Some(first.as_str()), "output {key}");
    }
    let main = std::fs::read_to_string(root().join("stacks/dr/v1/main.ts"))?;
    let dr = Contract::parse("dr", &std::fs::read_to_string(root().join("stacks/dr/v1/outputs.yml"))?)?;
    let map = locate::SourceMap::cdktf("stacks/dr/v1/main.ts", &main).with_outputs(deployed(&dr));
    let lines: Vec<&str> = main.lines().collect();
    let mut located = 0;
    for key in dr.outputs.keys() {
        let found = map.locate(&format!("value-of-{key}"));
        if key.ends_with("Region") {
            assert_eq!(found.line, None, "{key} is a constant, not a resource");
            continue;
        }
        let line = found.line.ok_or_else(|| format!("DR output {key} is not located: {found:?}"))?;
        let text = lines[line as usize - 1];
        assert!(text.contains("new ") && text.contains("(this, "), "{key} at line {line}: {text}");
        let id = found.logical_ids.first().ok_or("no construct id")?;
        let literal = id.split(['*']).next().unwrap_or_default();
        assert!(
            text.contains(&format!("\"{id}\"")) || text.contains("${") || text.contains(literal),
            "{key} ({id}) at line {line}: {text}"
        );
        located += 1;
    }
    // A static DR finding names `type.id`; it lands on the construct's line.
    for (address, needle) in [
        ("aws_kms_key.primary_key", "\"primary_key\""),
        ("aws_vpc.dr_vpc", "`${side}_vpc`"),
        ("aws_s3_bucket.trail_bucket", "\"trail_bucket\""),
    ] {
        let line = map.locate(address).line.ok_or_else(|| format!("{address} is not located"))?;
        assert!(lines[line as usize - 1].contains(needle), "{address} at line {line}: {}", lines[line as usize - 1]);
    }
    eprintln!("formats: {} HIPAA outputs and {located} DR outputs located in their sources", hipaa.outputs.len());
    Ok(())
}

/// The validators are not fooled: a document each schema forbids is rejected.
fn the_validators_reject_what_the_schemas_forbid() -> Result<(), Failed> {
    let dir = scratch("formats-negative")?;
    // The shape stackproof wrote before: a timestamp and properties on a testcase, skipped on testsuites.
    let old = dir.join("old.xml");
    std::fs::write(
        &old,
        "<?xml version=\"1.0\"?>\n<testsuites name=\"stackproof\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n<testsuite name=\"hipaa\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" timestamp=\"2027-01-15T08:00:00Z\">\n<testcase name=\"a\" classname=\"hipaa.kms\" time=\"0.001\" timestamp=\"2027-01-15T08:00:00Z\"><properties><property name=\"citation\" value=\"x\"/></properties></testcase>\n</testsuite>\n</testsuites>\n",
    )?;
    for xsd in ["junit-10.xsd", "JUnit.xsd"] {
        let (_, errors) = validate("xsd", xsd, &old)?;
        assert!(!errors.is_empty(), "{xsd} accepted a timestamp and properties on a testcase");
    }
    let sarif_bad = dir.join("bad.sarif");
    std::fs::write(
        &sarif_bad,
        r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "r", "level": "fatal"}]}]}"#,
    )?;
    let (_, errors) = validate("sarif", "sarif-schema-2.1.0.json", &sarif_bad)?;
    assert!(errors.len() >= 2, "a result with no message and a level SARIF lacks was accepted: {errors:?}");
    let ocsf_bad = dir.join("bad.ocsf.json");
    std::fs::write(
        &ocsf_bad,
        r#"[{"activity_id": 1, "class_uid": 2003, "category_uid": 2, "type_uid": 200301, "time": 0, "severity_id": 4, "metadata": {"version": "1.5.0", "product": {"vendor_name": "x"}}, "finding_info": {"title": "t", "uid": "u"}, "compliance": {"control": "c", "requirements": ["r"]}, "resources": [{"uid": "u", "arn": "misplaced"}]}]"#,
    )?;
    let (_, errors) = validate("ocsf", "ocsf-1.5.0-compliance_finding.schema.json", &ocsf_bad)?;
    assert!(errors.iter().any(|e| e.contains("arn")), "an attribute OCSF does not define was accepted: {errors:?}");
    Ok(())
}

pub fn trials(world: &Shared) -> Vec<Trial> {
    vec![
        needs_world(
            "reports::formats::run_with_failures_and_errors_is_valid_junit_sarif_and_ocsf".into(),
            world,
            run_with_failures_and_errors_is_valid_junit_sarif_and_ocsf,
        ),
        // These need no deployment, only the emulator's virtualenv (the validators), which starting it installs.
        needs_world("reports::formats::static_reports_are_valid_and_on_the_templates_lines".into(), world, |_| {
            static_reports_are_valid_and_on_the_templates_lines()
        }),
        needs_world("reports::formats::the_validators_reject_what_the_schemas_forbid".into(), world, |_| {
            the_validators_reject_what_the_schemas_forbid()
        }),
        Trial::test(
            "reports::formats::every_output_of_both_stacks_is_located_in_its_source",
            every_output_of_both_stacks_is_located_in_its_source,
        ),
    ]
}
