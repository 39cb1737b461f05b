//! Faults between the runner and the deployment: a small proxy of our own on 127.0.0.1 passes
//! every request to the emulator but one operation's, which it answers with a fault (throttling,
//! a 5xx, a reset, an empty 200, a cut reply, a reply without its identifying field, a stall).
//! No check may pass on what it did not see, the reports are whole, and every run ends in
//! bounded time, on the emulator target's settings and on the AWS target's.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use libtest_mimic::{Failed, Trial};
use serde_json::Value;

use crate::chain::seed_and_check;
use crate::command::{scratch, stackproof, text};
use crate::{Shared, World, needs_world};

/// What the proxy does to the requests `matches` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 400 ThrottlingException, every attempt.
    Throttle,
    /// 503 Service Unavailable.
    Unavailable,
    /// The connection closed without a reply.
    Reset,
    /// 200 with an empty body.
    Empty200,
    /// The reply's head promises more body than is sent, then the connection closes.
    Truncated,
    /// The emulator's reply with an element removed (the resource's identifying field).
    Without(&'static str),
    /// Nothing, ever.
    Stall,
}

/// Reads one HTTP request (head and Content-Length body) from `s`.
fn read_request(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut byte).ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&byte[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    while buf.len() < head_end + length {
        let n = s.read(&mut byte).ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&byte[..n]);
    }
    Some(buf)
}

/// The request with `Connection: close`, so the emulator's reply ends with the connection.
fn closing(request: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(request);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let head: Vec<&str> = head.lines().filter(|l| !l.to_ascii_lowercase().starts_with("connection:")).collect();
    format!("{}\r\nConnection: close\r\n\r\n{body}", head.join("\r\n")).into_bytes()
}

fn forward(upstream: &str, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut up = TcpStream::connect(upstream)?;
    up.write_all(&closing(request))?;
    let mut reply = Vec::new();
    up.read_to_end(&mut reply)?;
    Ok(reply)
}

/// A reply of `status` with `body`, closing the connection.
fn reply(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The emulator's reply without `<name>...</name>` (XML) or `"name": value` (JSON), its length
/// mended.
fn without(raw: &[u8], name: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw).into_owned();
    let Some((head, body)) = text.split_once("\r\n\r\n") else { return raw.to_vec() };
    let body = match (body.find(&format!("<{name}>")), body.find(&format!("</{name}>"))) {
        (Some(a), Some(b)) => format!("{}{}", &body[..a], &body[b + name.len() + 3..]),
        _ => match serde_json::from_str::<Value>(body) {
            Ok(mut json) => {
                strip(&mut json, name);
                json.to_string()
            }
            Err(_) => body.to_owned(),
        },
    };
    let head: Vec<String> = head
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("content-length:"))
        .map(str::to_owned)
        .chain([format!("Content-Length: {}", body.len())])
        .collect();
    format!("{}\r\n\r\n{body}", head.join("\r\n")).into_bytes()
}

fn strip(v: &mut Value, name: &str) {
    match v {
        Value::Object(m) => {
            m.remove(name);
            m.values_mut().for_each(|x| strip(x, name));
        }
        Value::Array(items) => items.iter_mut().for_each(|x| strip(x, name)),
        _ => {}
    }
}

fn serve(mut client: TcpStream, upstream: &str, matches: &str, fault: Fault) {
    let Some(request) = read_request(&mut client) else { return };
    let hit = String::from_utf8_lossy(&request).contains(matches);
    let out = match (hit, fault) {
        (false, _) => forward(upstream, &request).unwrap_or_default(),
        (true, Fault::Throttle) => reply(
            "400 Bad Request",
            "application/x-amz-json-1.1",
            r#"{"__type": "ThrottlingException", "message": "Rate exceeded"}"#,
        ),
        (true, Fault::Unavailable) => reply("503 Service Unavailable", "text/plain", "unavailable"),
        (true, Fault::Reset) => {
            let _ = client.shutdown(Shutdown::Both);
            return;
        }
        (true, Fault::Empty200) => reply("200 OK", "application/x-amz-json-1.1", ""),
        (true, Fault::Truncated) => {
            let full = forward(upstream, &request).unwrap_or_default();
            full[..full.len().saturating_sub(full.len() / 3)].to_vec()
        }
        (true, Fault::Without(name)) => without(&forward(upstream, &request).unwrap_or_default(), name),
        (true, Fault::Stall) => {
            std::thread::sleep(Duration::from_secs(3600));
            return;
        }
    };
    let _ = client.write_all(&out);
    let _ = client.shutdown(Shutdown::Both);
}

/// Starts the proxy in front of `endpoint`; it lives as long as the test process.
pub fn proxy(endpoint: &str, matches: &'static str, fault: Fault) -> std::io::Result<String> {
    let upstream = endpoint.trim_start_matches("http://").to_owned();
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let upstream = upstream.clone();
            std::thread::spawn(move || serve(client, &upstream, matches, fault));
        }
    });
    Ok(format!("http://127.0.0.1:{port}"))
}

/// The outcome of every check in the evidence bundle, by id.
fn outcomes(json: &Value) -> Vec<(String, String)> {
    json["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| (c["id"].as_str().unwrap_or("").to_owned(), c["outcome"].as_str().unwrap_or("").to_owned()))
        .collect()
}

/// Runs the live suite through the proxy and checks: not green, the blinded checks are not
/// passes, everything else still passes, the reports are whole, the run took less than `within`.
fn blinded(
    w: &World,
    name: &str,
    matches: &'static str,
    fault: Fault,
    blind: &[&str],
    within: Duration,
) -> Result<(), Failed> {
    let suffix = format!("fault-{name}");
    let (outputs, _, _) = seed_and_check(w, &suffix, &[])?;
    let dir = scratch("faults", name)?;
    let file = dir.join("flat-outputs.json");
    std::fs::write(&file, serde_json::to_string(&outputs)?)?;
    let endpoint = proxy(&w.endpoint, matches, fault)?;
    let started = Instant::now();
    let args = [
        "--suffix",
        &suffix,
        "--endpoint",
        &endpoint,
        "--outputs",
        file.to_str().unwrap_or(""),
        "--reports",
        dir.to_str().unwrap_or(""),
    ];
    let out = stackproof(&args, &[])?;
    let took = started.elapsed();
    let context = || format!("{name} ({fault:?}) after {took:?}\n{}", text(&out));
    if took > within {
        return Err(format!("the run was not bounded: {}", context()).into());
    }
    if out.status.code() == Some(0) {
        return Err(format!("a green exit: {}", context()).into());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("panicked") {
        return Err(format!("a panic: {}", context()).into());
    }
    let evidence = std::fs::read_to_string(dir.join(format!("evidence-{suffix}.json")))
        .map_err(|e| format!("no evidence bundle ({e}): {}", context()))?;
    let json: Value = serde_json::from_str(&evidence)?;
    for report in
        [format!("junit-live-{suffix}.xml"), format!("evidence-{suffix}.html"), format!("summary-{suffix}.md")]
    {
        if !dir.join(&report).is_file() {
            return Err(format!("{report} missing: {}", context()).into());
        }
    }
    let all = outcomes(&json);
    if all.len() != stackproof::hipaa::CHECKS.len() {
        return Err(format!("{} checks reported: {}", all.len(), context()).into());
    }
    for (id, outcome) in &all {
        let expected_blind = blind.is_empty() || blind.contains(&id.as_str());
        if expected_blind && outcome == "pass" {
            return Err(format!("{id} passed without seeing its resource: {}", context()).into());
        }
        // A check whose every claim the emulator cannot show skips on a whole reply too.
        let not_emulated = stackproof::hipaa::CHECKS
            .iter()
            .find(|c| c.info.id == id.as_str())
            .is_some_and(|c| c.claims.iter().all(|claim| claim.not_emulated.is_some()));
        if !expected_blind && outcome != "pass" && !(outcome == "skip" && not_emulated) {
            return Err(format!("{id} is {outcome}, though its replies were whole: {}", context()).into());
        }
    }
    if fault == Fault::Throttle {
        // Retries are counted: every request of the throttled operation took both attempts.
        let op = json["api_operations"].as_array().into_iter().flatten().find(|o| o["operation"] == "DescribeKey");
        let (requests, attempts) =
            op.map_or((0, 0), |o| (o["requests"].as_u64().unwrap_or(0), o["attempts"].as_u64().unwrap_or(0)));
        if requests == 0 || attempts != 2 * requests {
            return Err(format!("DescribeKey: {requests} requests, {attempts} attempts: {}", context()).into());
        }
    }
    eprintln!("fault {name} ({fault:?}): exit {:?} in {took:?}", out.status.code());
    Ok(())
}

/// The checks that read a key through DescribeKey: the stack's keys, and the secrets' key.
const KEY_CHECKS: &[&str] =
    &["kms_key_enabled", "kms_key_rotation_enabled", "secrets_encrypted_with_rotating_customer_key"];
const DESCRIBE_KEY: &str = "TrentService.DescribeKey";

pub fn trials(world: &Shared) -> Vec<Trial> {
    let quick = Duration::from_secs(60);
    let mut trials = Vec::new();
    for (name, fault) in [
        ("throttled", Fault::Throttle),
        ("unavailable", Fault::Unavailable),
        ("reset", Fault::Reset),
        ("empty-200", Fault::Empty200),
        ("truncated", Fault::Truncated),
        ("without-key-metadata", Fault::Without("KeyMetadata")),
    ] {
        trials.push(needs_world(format!("faults::describe_key_{}", name.replace('-', "_")), world, move |w| {
            blinded(w, name, DESCRIBE_KEY, fault, KEY_CHECKS, quick)
        }));
    }
    trials.push(needs_world("faults::cluster_reply_without_its_identifier".into(), world, move |w| {
        // The checks that read the cluster's own reply (the instance checks compare the instances
        // found with the cluster's DBClusterMembers, the parameters are read from the group the
        // cluster reports); the security groups and the names come from other requests and pass.
        let cluster_checks = [
            "aurora_storage_encrypted_with_stack_key",
            "aurora_backup_retention_and_pitr",
            "aurora_instances_span_two_azs",
            "aurora_instances_not_public",
            "aurora_subnet_group_private_only",
            "aurora_audit_log_exported",
            "aurora_tls_required",
            "aurora_engine_version_pinned",
            "aurora_security_group_is_stack_database_group",
        ];
        blinded(
            w,
            "without-cluster-id",
            "Action=DescribeDBClusters",
            Fault::Without("DBClusterIdentifier"),
            &cluster_checks,
            quick,
        )
    }));
    trials.push(needs_world("faults::discovery_unavailable".into(), world, move |w| {
        // The checks that judge every instance discovery finds (keys, log groups, security
        // groups): without the tagging API's reply none of them passes; the rest read the outputs.
        let discovering = [
            "kms_key_enabled",
            "kms_key_rotation_enabled",
            "log_group_encrypted_with_stack_key",
            "log_group_retention_set",
            "no_open_ingress_on_private_tier",
        ];
        let tagging = "ResourceGroupsTaggingAPI_20170126.GetResources";
        blinded(w, "discovery-unavailable", tagging, Fault::Unavailable, &discovering, quick)
    }));
    trials.push(needs_world("faults::a_stall_ends_at_the_runs_budget".into(), world, |w| {
        // Every check waits on the stalled gather, so every one is an error, none a pass.
        let suffix = "fault-stall";
        let (outputs, _, _) = seed_and_check(w, suffix, &[])?;
        let dir = scratch("faults", "stall")?;
        let file = dir.join("flat-outputs.json");
        std::fs::write(&file, serde_json::to_string(&outputs)?)?;
        let endpoint = proxy(&w.endpoint, DESCRIBE_KEY, Fault::Stall)?;
        let started = Instant::now();
        let args = [
            "--suffix",
            suffix,
            "--endpoint",
            &endpoint,
            "--outputs",
            file.to_str().unwrap_or(""),
            "--reports",
            dir.to_str().unwrap_or(""),
            "--timeout",
            "6s",
        ];
        let out = stackproof(&args, &[])?;
        let took = started.elapsed();
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(took < Duration::from_secs(20), "the budget did not end the run: {took:?}");
        let json: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(format!("evidence-{suffix}.json")))?)?;
        assert!(outcomes(&json).iter().all(|(_, o)| o == "error"), "{}", text(&out));
        assert!(String::from_utf8_lossy(&out.stderr).contains("within the run's budget of 6s"), "{}", text(&out));
        eprintln!("fault stall (emulator target, --timeout 6s): exit 2 in {took:?}");
        Ok(())
    }));
    trials.push(Trial::test("faults::a_stall_ends_within_the_aws_targets_request_bounds", || {
        // The AWS target's own settings (its SdkConfig), aimed at a server that accepts and never
        // answers: the operation timeout ends the request, it does not hang.
        let silent = TcpListener::bind("127.0.0.1:0")?;
        let endpoint = format!("http://127.0.0.1:{}", silent.local_addr()?.port());
        std::thread::spawn(move || {
            let held: Vec<TcpStream> = silent.incoming().flatten().collect();
            drop(held);
        });
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let bounds = stackproof_harness::aws::Target::Aws.timeouts();
        let started = Instant::now();
        let result = rt.block_on(async {
            let sdk = stackproof_harness::aws::Target::Aws.sdk_config("eu-central-1").await;
            let conf = aws_sdk_sts::config::Builder::from(&sdk)
                .endpoint_url(&endpoint)
                .credentials_provider(aws_sdk_sts::config::Credentials::new("a", "b", None, None, "test"))
                .build();
            aws_sdk_sts::Client::from_conf(conf).get_caller_identity().send().await
        });
        let took = started.elapsed();
        assert!(result.is_err(), "a silent server answered");
        assert!(took <= bounds.operation + Duration::from_secs(5), "{took:?} past {:?}", bounds.operation);
        eprintln!(
            "fault stall (AWS target settings): request ended after {took:?} (operation timeout {:?})",
            bounds.operation
        );
        Ok(())
    }));
    trials
}
