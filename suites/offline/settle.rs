//! `--settle` on the emulator: a resource still changing is never judged, with or without
//! waiting; one that settles while the run waits is judged; a settled deployment is judged at once.
//!
//! What moto 5.2.5 can hold in a transitional state: an ECS service's deployment. moto runs no
//! task, so a deployment it creates with tasks to start stays IN_PROGRESS with none running, and
//! a CreateService under an existing service's name replaces it with such a deployment (the
//! seeder's compliant service is created at 0 tasks and scaled up, so its deployment is
//! COMPLETED). Nothing else the stacks hold can be caught changing there: moto reports an Aurora
//! cluster `creating` only to the first read after it is made, which is CreateDBCluster's own
//! reply; its instances, NAT gateways, ElastiCache groups, EFS file systems, mount targets and
//! access points, keys, Lambda functions, global clusters, vaults and secret replicas are created
//! in their final state. Those rules are proven by their unit tests
//! (`suites/{shared,hipaa,dr}/settle.rs`), not here.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use libtest_mimic::{Failed, Trial};
use serde_json::Value;
use stackproof::hipaa::outputs::{ECS_CLUSTER_NAME, ECS_SERVICE_NAME};
use stackproof_harness::deployment::Suffix;
use stackproof_seed::hipaa::{self, Mutants};
use stackproof_seed::{Seeder, write_cdktf_outputs};

use crate::command::{command, scratch, text};
use crate::{Shared, World, needs_world};

/// The checks whose findings name the service (or its deployments and tasks): those a rollout
/// leaves unjudged.
const SERVICE_CHECKS: &[&str] = &[
    "ecs_service_runs_on_fargate",
    "ecs_tasks_no_public_ip",
    "ecs_tasks_in_private_subnets",
    "ecs_tasks_use_app_security_group",
];

/// A compliant HIPAA deployment under `suffix`; its ECS cluster and service names.
fn seed(w: &World, suffix: &str) -> Result<(String, String), Failed> {
    let suffix = Suffix::parse(suffix)?;
    let outputs = w.rt.block_on(async {
        let seeder = Seeder::new(&w.endpoint, hipaa::REGION).await?;
        hipaa::deploy(&seeder, &suffix, &Mutants::of(&[])).await
    })?;
    let get = |key: &str| outputs.get(key).cloned().ok_or_else(|| format!("the seeder made no output {key}"));
    Ok((get(ECS_CLUSTER_NAME)?, get(ECS_SERVICE_NAME)?))
}

/// Starts the service's rollout over (`start`), or finishes it, behind the harness's back.
fn rollout(w: &World, cluster: &str, service: &str, start: bool) -> Result<(), Failed> {
    w.rt.block_on(async {
        let seeder = Seeder::new(&w.endpoint, hipaa::REGION).await?;
        if start {
            hipaa::app::ecs::start_rollout(&seeder.ecs, cluster, service).await
        } else {
            hipaa::app::ecs::finish_rollout(&seeder.ecs, cluster, service).await
        }
    })?;
    Ok(())
}

/// The `stackproof` command on the deployment, its reports in `reports`.
fn stackproof(w: &World, suffix: &str, reports: &Path, extra: &[&str]) -> std::process::Command {
    let mut cmd = command();
    cmd.env("STACKPROOF_REPORTS", reports).args(["--suffix", suffix, "--endpoint", &w.endpoint]).args(extra);
    cmd
}

/// One run to its end, and how long it took.
fn run(w: &World, suffix: &str, reports: &Path, extra: &[&str]) -> Result<(Output, Duration), Failed> {
    let started = Instant::now();
    let out = stackproof(w, suffix, reports, extra).output()?;
    Ok((out, started.elapsed()))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The run's evidence bundle, by its file's stem (`<suffix>`, or `<stack>-<suffix>`).
fn evidence(reports: &Path, stem: &str) -> Result<Value, Failed> {
    let path: PathBuf = reports.join(format!("evidence-{stem}.json"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(serde_json::from_str(&text)?)
}

/// What the bundle says is still changing.
fn unsettled(bundle: &Value) -> Vec<String> {
    bundle["run"]["unsettled"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect()
}

/// Each check's outcome, by id.
fn outcome<'a>(bundle: &'a Value, id: &str) -> Option<&'a str> {
    bundle["checks"].as_array()?.iter().find(|c| c["id"] == id)?["outcome"].as_str()
}

/// Every finding that is not a pass or a skip, as (check, status, resource, reason).
fn not_passing(bundle: &Value) -> Vec<(String, String, String, String)> {
    findings(bundle).into_iter().filter(|(_, status, _, _)| status != "pass" && status != "skip").collect()
}

/// Every finding, as (check, status, resource, reason).
fn findings(bundle: &Value) -> Vec<(String, String, String, String)> {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    bundle["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| {
            c["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |f| (s(&c["id"]), s(&f["status"]), s(&f["resource"]), s(&f["reason"])))
        })
        .collect()
}

/// The run judged every check it could, none failed or errored, and nothing was left changing.
fn settled_and_clean(out: &Output, bundle: &Value) -> Result<(), Failed> {
    let err = stderr(out);
    let findings = not_passing(bundle);
    if !err.contains(" 0 failed, 0 errors") || !findings.is_empty() || !unsettled(bundle).is_empty() {
        return Err(format!("expected a clean run: {findings:?}\n{}", text(out)).into());
    }
    if err.contains("not judged") {
        return Err(format!("a resource was left unjudged:\n{}", text(out)).into());
    }
    Ok(())
}

/// The service's findings are errors naming its rollout and `why`; nothing else is wrong.
fn only_the_service_unjudged(out: &Output, bundle: &Value, service: &str, why: &str) -> Result<(), Failed> {
    let state = "IN_PROGRESS (0 of 2 tasks running)";
    let changing = unsettled(bundle);
    if changing.len() != 1 || !changing[0].starts_with("ECS service arn:") || !changing[0].contains(state) {
        return Err(format!("expected the service alone as still changing, saw {changing:?}").into());
    }
    let arn = changing[0].trim_start_matches("ECS service ").split(' ').next().unwrap_or_default().to_owned();
    if !arn.ends_with(&format!("/{service}")) {
        return Err(format!("{:?} does not name the service {service} by its ARN", changing[0]).into());
    }
    let about_service = |resource: &str| resource.contains(&arn);
    for (check, status, resource, reason) in not_passing(bundle) {
        if status != "error" || !about_service(&resource) || !reason.contains(state) || !reason.contains(why) {
            return Err(format!(
                "{check}: {status} on {resource} ({reason}): only the service's findings may be wrong, as errors naming its state and {why:?}"
            )
            .into());
        }
    }
    // Its deployments and tasks are named after it (`<service ARN> (deployment …)`, `<task ARN>
    // (task of <service ARN>)`): judged no more than the service itself.
    let service_findings: Vec<_> = findings(bundle).into_iter().filter(|(_, _, r, _)| about_service(r)).collect();
    if !service_findings.iter().any(|(_, _, r, _)| r.contains(" (deployment ")) {
        return Err("no finding names a deployment of the service: the proof lost its subject".into());
    }
    if let Some((check, status, resource, _)) = service_findings.iter().find(|(_, status, _, _)| status != "error") {
        return Err(format!("{check}: {status} on {resource}, a part of the service still rolling out").into());
    }
    for id in SERVICE_CHECKS {
        if outcome(bundle, id) != Some("error") {
            return Err(
                format!("{id} is {:?}, expected error: its service is still rolling out", outcome(bundle, id)).into()
            );
        }
    }
    let err = stderr(out);
    let line = format!("{}: not judged ({why})", changing[0]);
    if !err.lines().any(|l| l == format!("error: {line}")) {
        return Err(format!("the console does not say `error: {line}`:\n{err}").into());
    }
    if !err.contains(" 0 failed, ") {
        return Err(format!("a resource still changing is never a failure:\n{err}").into());
    }
    if out.status.code() != Some(2) {
        return Err(format!("exit {:?}, expected 2 (incomplete)\n{}", out.status.code(), text(out)).into());
    }
    Ok(())
}

fn progress_lines(out: &Output) -> usize {
    stderr(out).lines().filter(|l| l.starts_with("settle: waiting for ")).count()
}

/// A compliant deployment settles nothing: `--settle` judges it at once, as a run without it does.
fn compliant_deployment_is_judged_at_once(w: &World) -> Result<(), Failed> {
    let suffix = "settle-ok";
    seed(w, suffix)?;
    let dir = scratch("settle", "ok")?;
    let (without, _) = run(w, suffix, &dir.join("without"), &[])?;
    let (with, took) = run(w, suffix, &dir.join("with"), &["--settle", "30s"])?;
    settled_and_clean(&with, &evidence(&dir.join("with"), suffix)?)?;
    if progress_lines(&with) > 0 || took >= Duration::from_secs(15) {
        return Err(format!("a settled deployment was waited for ({took:?}):\n{}", text(&with)).into());
    }
    if with.status.code() != without.status.code() {
        return Err(
            format!("--settle changed the exit: {:?} vs {:?}", with.status.code(), without.status.code()).into()
        );
    }
    Ok(())
}

/// A service caught mid-rollout is judged by no check: without `--settle` its findings are errors
/// that say to wait; with `--settle 3s` the run waits, says so, and they are errors still.
fn rolling_service_is_never_judged(w: &World) -> Result<(), Failed> {
    let suffix = "settle-roll";
    let (cluster, service) = seed(w, suffix)?;
    rollout(w, &cluster, &service, true)?;
    let dir = scratch("settle", "roll")?;

    let (out, _) = run(w, suffix, &dir.join("without"), &[])?;
    only_the_service_unjudged(
        &out,
        &evidence(&dir.join("without"), suffix)?,
        &service,
        "run with --settle DURATION to wait for it",
    )?;
    if progress_lines(&out) > 0 {
        return Err(format!("a run without --settle waited:\n{}", text(&out)).into());
    }

    let (out, took) = run(w, suffix, &dir.join("with"), &["--settle", "3s"])?;
    only_the_service_unjudged(&out, &evidence(&dir.join("with"), suffix)?, &service, "still so after --settle 3s")?;
    if progress_lines(&out) == 0 || took < Duration::from_secs(3) {
        return Err(format!("the run did not wait 3 s with a progress line ({took:?}):\n{}", text(&out)).into());
    }
    Ok(())
}

/// A rollout that finishes while the run waits: the run sees it settle and judges the service,
/// which passes.
fn service_settling_while_waited_for_is_judged(w: &World) -> Result<(), Failed> {
    let suffix = "settle-done";
    let (cluster, service) = seed(w, suffix)?;
    rollout(w, &cluster, &service, true)?;
    let dir = scratch("settle", "done")?;
    let started = Instant::now();
    let mut child =
        stackproof(w, suffix, &dir, &["--settle", "60s"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let mut lines = BufReader::new(child.stderr.take().ok_or("no stderr")?).lines();
    let mut err = Vec::new();
    // The first progress line: the run has seen the rollout and sleeps a second before looking again.
    for line in lines.by_ref() {
        let line = line?;
        let waiting = line.starts_with("settle: waiting for 1 resource(s)");
        err.push(line);
        if waiting {
            rollout(w, &cluster, &service, false)?;
            break;
        }
    }
    for line in lines {
        err.push(line?);
    }
    let status = child.wait()?;
    let out = Output {
        status,
        stdout: reader.join().map_err(|_| "stdout reader panicked")?,
        stderr: err.join("\n").into_bytes(),
    };
    let took = started.elapsed();
    if progress_lines(&out) == 0 || took >= Duration::from_secs(60) {
        return Err(
            format!("the run did not wait for the rollout, or waited it out ({took:?}):\n{}", text(&out)).into()
        );
    }
    let bundle = evidence(&dir, suffix)?;
    settled_and_clean(&out, &bundle)?;
    for id in SERVICE_CHECKS {
        if outcome(&bundle, id) != Some("pass") {
            return Err(format!("{id} is {:?} once the service settled, expected pass", outcome(&bundle, id)).into());
        }
    }
    Ok(())
}

/// The DR layout seeded compliant settles nothing either.
fn dr_layout_is_judged_at_once(w: &World) -> Result<(), Failed> {
    let suffix = "settle-dr";
    let (outputs, _, _) = crate::dr::seed_and_check(w, suffix, &[])?;
    let dir = scratch("settle", "dr")?;
    let file = dir.join("outputs.json");
    write_cdktf_outputs(&file, stackproof_seed::dr::STACK_NAME, &outputs)?;
    let file = file.to_string_lossy().into_owned();
    let (out, took) = run(w, suffix, &dir, &["--stack", "dr", "--outputs", &file, "--settle", "30s"])?;
    // A stack other than the default names its reports after itself too; the seeded layout is v2,
    // the current one, which has no known gaps.
    settled_and_clean(&out, &evidence(&dir, &format!("dr-{suffix}"))?)?;
    if progress_lines(&out) > 0 || took >= Duration::from_secs(15) {
        return Err(format!("a settled layout was waited for ({took:?}):\n{}", text(&out)).into());
    }
    Ok(())
}

pub fn trials(world: &Shared) -> Vec<Trial> {
    vec![
        needs_world(
            "settle::compliant_deployment_is_judged_at_once".into(),
            world,
            compliant_deployment_is_judged_at_once,
        ),
        needs_world("settle::rolling_service_is_never_judged".into(), world, rolling_service_is_never_judged),
        needs_world(
            "settle::service_settling_while_waited_for_is_judged".into(),
            world,
            service_settling_while_waited_for_is_judged,
        ),
        needs_world("settle::dr_layout_is_judged_at_once".into(), world, dr_layout_is_judged_at_once),
    ]
}
