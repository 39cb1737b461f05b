//! The secret canary never leaves AWS: both stacks are seeded, the canary planted wherever real
//! deployments keep secrets (`stackproof_seed::canary`: tags on every kind of resource, webhook
//! subscriptions, descriptions, a task's override environment, the secrets and database passwords
//! themselves), and `stackproof` run on them as a user runs it. A deployment with the canary only
//! where secrets may be kept passes; one with it also as plain-text credentials fails exactly the
//! credential checks, which name the variables. Either way no file under the reports folder (every
//! format there, whatever it is) and no console line holds the canary, its random core, or its
//! plain-word form (which no redaction can recognize: only keeping facts by allowlist keeps it
//! out). Before the run, the emulator is read back as the harness reads it, to show the canary is
//! there in the replies the facts are built from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use libtest_mimic::{Failed, Trial};
use serde_json::Value;
use stackproof_harness::deployment::Suffix;
use stackproof_seed::canary::{
    self, CANARY_WORD, Canaries, FORMS, PLAINTEXT_LOG_OPTION, PLAINTEXT_VARIABLES, SECRET_CANARY,
};
use stackproof_seed::mutant::Mutants;
use stackproof_seed::{Seeder, dr, hipaa, write_cdktf_outputs};

use crate::command::{scratch, stackproof, text};
use crate::{Shared, World, needs_world};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stack {
    Hipaa,
    Dr,
}

impl Stack {
    fn name(self) -> &'static str {
        match self {
            Stack::Hipaa => "hipaa",
            Stack::Dr => "dr",
        }
    }

    /// The checks the plain-text credentials must fail, and nothing else.
    fn credential_check(self) -> &'static str {
        match self {
            Stack::Hipaa => "ecs_secrets_from_secrets_manager",
            Stack::Dr => "failover_function_environment_without_credentials",
        }
    }

    /// What the failing findings must name: the variables, and the log option in a task.
    fn named(self) -> Vec<&'static str> {
        let mut named = PLAINTEXT_VARIABLES.to_vec();
        if self == Stack::Hipaa {
            named.push(PLAINTEXT_LOG_OPTION);
        }
        named
    }
}

pub fn trials(world: &Shared) -> Vec<Trial> {
    let mut trials = Vec::new();
    for stack in [Stack::Hipaa, Stack::Dr] {
        for (set, outcome) in [(Canaries::Kept, "passing"), (Canaries::Plaintext, "failing")] {
            let name = format!("canary::{}_{outcome}_run_leaks_no_canary", stack.name());
            trials.push(needs_world(name, world, move |w| canary_run(w, stack, set)));
        }
    }
    trials
}

/// Seeds `stack` under a suffix of its own, plants `set`, reads the canary back from the
/// emulator, runs `stackproof`, and judges its exit, its findings and every byte it wrote.
fn canary_run(w: &World, stack: Stack, set: Canaries) -> Result<(), Failed> {
    let plaintext = set == Canaries::Plaintext;
    let suffix = format!("canary-{}-{}", stack.name(), if plaintext { "plain" } else { "kept" });
    let dir = scratch("canary", &suffix)?;
    let reports = dir.join("reports");
    let outputs_file = dir.join("outputs.json");
    let (outputs, places) = w.rt.block_on(seed(w, stack, &suffix, set, &outputs_file))?;

    // Every place tried, for the record; ten at least, in each stack.
    eprintln!("canary ({} {suffix}): planted in {} places:", stack.name(), places.list().len());
    for place in places.list() {
        eprintln!("  - {place}");
    }
    assert!(places.list().len() >= 10, "fewer than ten places: {:?}", places.list());
    let seen = w.rt.block_on(read_back(w, stack, &outputs, plaintext))?;
    eprintln!("canary ({suffix}): read back from the emulator in: {}", seen.join("; "));

    let reports_arg = reports.display().to_string();
    let summary = reports.join("github-step-summary.md");
    let summary_arg = summary.display().to_string();
    let mut args =
        vec!["--stack", stack.name(), "--suffix", &suffix, "--endpoint", &w.endpoint, "--reports", &reports_arg];
    let outputs_arg = outputs_file.display().to_string();
    if stack == Stack::Dr {
        args.extend(["--outputs", &outputs_arg]);
    }
    // A failing run writes its Markdown summary where GitHub Actions would show it instead.
    let envs: &[(&str, &str)] = if plaintext { &[("GITHUB_STEP_SUMMARY", &summary_arg)] } else { &[] };
    let out = stackproof(&args, envs)?;
    let scanned = no_canary_anywhere(&reports, &out)?;
    eprintln!(
        "canary ({suffix}): absent from stdout, stderr and {} report files: {}",
        scanned.len(),
        scanned.join(", ")
    );
    judge_run(stack, plaintext, &reports, &out)
}

/// Seeds the deployment (writing the DR layout's outputs file) and plants the canaries.
async fn seed(
    w: &World,
    stack: Stack,
    suffix: &str,
    set: Canaries,
    outputs_file: &Path,
) -> Result<(BTreeMap<String, String>, canary::Places), Failed> {
    let suffix = Suffix::parse(suffix)?;
    let none = Mutants::default();
    Ok(match stack {
        Stack::Hipaa => {
            let seeder = Seeder::new(&w.endpoint, hipaa::REGION).await?;
            let outputs = hipaa::deploy(&seeder, &suffix, &none).await?;
            let places = canary::plant_hipaa(&seeder, &outputs, set).await?;
            (outputs, places)
        }
        Stack::Dr => {
            let outputs = dr::deploy(&w.endpoint, &suffix, dr::LayoutVersion::CURRENT, &none).await?;
            write_cdktf_outputs(outputs_file, dr::STACK_NAME, &outputs)?;
            let places = canary::plant_dr(&w.endpoint, &outputs, set).await?;
            (outputs, places)
        }
    })
}

/// Reads the emulator as the harness does (the same operations) and returns where the canary was
/// found: proof the replies the facts are built from hold it, so keeping it out is the facts'
/// doing. A place that does not hold it fails the test.
async fn read_back(
    w: &World,
    stack: Stack,
    outputs: &BTreeMap<String, String>,
    plaintext: bool,
) -> Result<Vec<String>, Failed> {
    let out = |key: &str| -> Result<String, Failed> {
        let value = outputs.get(key).and_then(|v| v.split(',').next()).ok_or(format!("no output {key}"))?;
        Ok(value.to_owned())
    };
    let holds = |text: &str| text.contains(SECRET_CANARY) || text.contains(CANARY_WORD);
    let mut seen = Vec::new();
    let mut check = |what: String, found: bool| -> Result<(), Failed> {
        if !found {
            return Err(format!("the emulator does not answer the canary in {what}: it was not planted").into());
        }
        seen.push(what);
        Ok(())
    };
    let region = match stack {
        Stack::Hipaa => hipaa::REGION,
        Stack::Dr => dr::PRIMARY_REGION,
    };
    let s = Seeder::new(&w.endpoint, region).await?;
    let vpc = out(match stack {
        Stack::Hipaa => stackproof::hipaa::outputs::VPC_ID,
        Stack::Dr => stackproof::dr::outputs::PRIMARY_VPC_ID,
    })?;
    let vpcs = s.ec2.describe_vpcs().vpc_ids(&vpc).send().await?.vpcs.unwrap_or_default();
    let tags = vpcs.iter().flat_map(|v| v.tags()).any(|t| t.value.as_deref().is_some_and(holds));
    check(format!("DescribeVpcs tags of {vpc}"), tags)?;
    match stack {
        Stack::Hipaa => {
            use stackproof::hipaa::outputs as o;
            let (cluster, service) = (out(o::ECS_CLUSTER_NAME)?, out(o::ECS_SERVICE_NAME)?);
            let arns = s.ecs.list_tasks().cluster(&cluster).service_name(&service).send().await?.task_arns;
            let tasks =
                s.ecs.describe_tasks().cluster(&cluster).set_tasks(arns).send().await?.tasks.unwrap_or_default();
            let overridden = tasks
                .iter()
                .filter_map(|t| t.overrides.as_ref())
                .flat_map(|o| o.container_overrides())
                .flat_map(|c| c.environment())
                .any(|kv| kv.value.as_deref().is_some_and(holds));
            check(format!("DescribeTasks container overrides of service {service}"), overridden)?;
            if plaintext {
                let services = s.ecs.describe_services().cluster(&cluster).services(&service).send().await?;
                let revision = services.services().first().and_then(|s| s.task_definition.clone()).unwrap_or_default();
                let td = s.ecs.describe_task_definition().task_definition(&revision).send().await?.task_definition;
                let containers = td.map(|t| t.container_definitions.unwrap_or_default()).unwrap_or_default();
                let env =
                    containers.iter().flat_map(|c| c.environment()).any(|kv| kv.value.as_deref().is_some_and(holds));
                check(format!("DescribeTaskDefinition environment of {revision}"), env)?;
                let options = containers
                    .iter()
                    .filter_map(|c| c.log_configuration.as_ref())
                    .flat_map(|l| l.options.iter().flatten())
                    .any(|(_, v)| holds(v));
                check(format!("DescribeTaskDefinition log options of {revision}"), options)?;
            }
        }
        Stack::Dr => {
            use stackproof::dr::outputs as o;
            let topic = out(o::ALERTS_TOPIC_ARN)?;
            let subs = s.sns.list_subscriptions_by_topic().topic_arn(&topic).send().await?;
            let endpoint = subs.subscriptions().iter().any(|s| s.endpoint.as_deref().is_some_and(holds));
            check(format!("ListSubscriptionsByTopic endpoints of {topic}"), endpoint)?;
            let parameter = out(o::FAILOVER_CONFIG_PARAMETER_NAME)?;
            // Every page: the emulator holds many deployments' parameters.
            let pages: Vec<_> = s.ssm.describe_parameters().into_paginator().send().collect::<Result<_, _>>().await?;
            let description = pages
                .iter()
                .flat_map(|page| page.parameters())
                .filter(|p| p.name.as_deref() == Some(parameter.as_str()))
                .any(|p| p.description.as_deref().is_some_and(holds));
            check(format!("DescribeParameters description of {parameter}"), description)?;
            if plaintext {
                let function = out(o::FAILOVER_FUNCTION_NAME)?;
                let config = s.lambda.get_function_configuration().function_name(&function).send().await?;
                let variables = config.environment.and_then(|e| e.variables).unwrap_or_default();
                check(
                    format!("GetFunctionConfiguration environment of {function}"),
                    variables.values().any(|v| holds(v)),
                )?;
            }
        }
    }
    Ok(seen)
}

/// The evidence bundle of the run: the one `evidence-*.json` in the reports folder.
fn evidence(reports: &Path) -> Result<Value, Failed> {
    let found: Vec<PathBuf> = files(reports)?
        .into_iter()
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.starts_with("evidence-") && name.ends_with(".json") && !name.starts_with("evidence-static")
        })
        .collect();
    let [path] = found.as_slice() else {
        return Err(format!("expected one evidence bundle in {}, found {found:?}", reports.display()).into());
    };
    Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
}

/// Passing: every check passes, or skips for a stated emulator gap; the exit is 0, or 2 when a
/// check judged nothing (the exit contract: a skip is never green). Failing: exactly the stack's
/// credential check fails, its failing findings name every planted variable (and the option), and
/// the exit is 1.
fn judge_run(stack: Stack, plaintext: bool, reports: &Path, out: &Output) -> Result<(), Failed> {
    let doc = evidence(reports)?;
    let checks = doc["checks"].as_array().ok_or("the evidence bundle has no checks")?;
    let with = |outcome: &str| -> Vec<&str> {
        checks.iter().filter(|c| c["outcome"] == outcome).filter_map(|c| c["id"].as_str()).collect()
    };
    let passing = with("pass").len() + with("skip").len();
    let findings = checks.iter().flat_map(|c| c["findings"].as_array().into_iter().flatten());
    for skip in findings.filter(|f| f["status"] == "skip") {
        let unemulated = skip["reason"].as_str().is_some_and(|r| r.starts_with("not emulated:"));
        assert!(unemulated, "a skip that is not an emulator gap: {skip}");
    }
    // The seeded DR layout is v2, the current one, which has no known gaps.
    if !plaintext {
        assert!(with("fail").is_empty(), "the canary kept only where secrets may be kept must pass:\n{}", text(out));
        assert_eq!(passing, checks.len(), "{}", text(out));
        // Skips are all emulator gaps (above), which do not make the run incomplete.
        assert_eq!(out.status.code(), Some(0), "{}", text(out));
        return Ok(());
    }
    let id = stack.credential_check();
    assert_eq!(with("fail"), [id], "only the credential check may fail\n{}", text(out));
    assert_eq!(passing + 1, checks.len(), "{}", text(out));
    assert_eq!(out.status.code(), Some(1), "{}", text(out));
    let check = checks.iter().find(|c| c["id"] == id).ok_or("credential check missing")?;
    let failures: Vec<String> = check["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["status"] == "fail")
        .map(|f| format!("{} {}", f["property"], f["actual"]))
        .collect();
    for name in stack.named() {
        assert!(failures.iter().any(|f| f.contains(name)), "no failing finding of {id} names {name}: {failures:#?}");
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(id), "the console does not show {id} failing:\n{stdout}");
    Ok(())
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Result<Vec<PathBuf>, Failed> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            found.extend(files(&path)?);
        } else {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// No form of the canary in stdout, stderr or any file the run wrote; returns the files' names.
/// The four reports every run writes must be among them (a run that wrote nothing hides nothing).
fn no_canary_anywhere(reports: &Path, out: &Output) -> Result<Vec<String>, Failed> {
    let holds = |bytes: &[u8]| FORMS.iter().find(|f| bytes.windows(f.len()).any(|w| w == f.as_bytes())).copied();
    if let Some(form) = holds(&out.stdout) {
        return Err(format!("stdout holds the canary ({form}):\n{}", text(out)).into());
    }
    if let Some(form) = holds(&out.stderr) {
        return Err(format!("stderr holds the canary ({form}):\n{}", text(out)).into());
    }
    let mut scanned = Vec::new();
    for path in files(reports)? {
        let bytes = std::fs::read(&path)?;
        if let Some(form) = holds(&bytes) {
            return Err(format!("{} holds the canary ({form})", path.display()).into());
        }
        scanned.push(path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned());
    }
    // The four formats every run writes (the Markdown summary goes to GITHUB_STEP_SUMMARY).
    for ext in [".json", ".html", ".md", ".xml"] {
        assert!(scanned.iter().any(|n| n.ends_with(ext)), "no *{ext} among the reports: {scanned:?}");
    }
    Ok(scanned)
}
