//! The documented procedure for the secrets and their key, run as a user runs it (issue 14): the
//! shell blocks of stacks/hipaa/v1/README.md's "Before the first deploy" section go through
//! `bash -euo pipefail` with the real AWS CLI (localstack/requirements.txt) against the emulator,
//! in a folder holding the two value files they read. The stack is then seeded around the key
//! and secrets they made, and the live suite must pass every check, the secrets' key check
//! included: a deployment done by the book passes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use libtest_mimic::{Failed, Trial};
use stackproof::hipaa::outputs::{API_KEYS_SECRET_ARN, DATABASE_SECRET_ARN, SECRETS_KEY_ARN};
use stackproof::hipaa::secrets::SECRETS_ENCRYPTED_WITH_ROTATING_CUSTOMER_KEY;
use stackproof::hipaa::{CHECKS, Hipaa};
use stackproof_harness::aws::Target;
use stackproof_harness::check::Status;
use stackproof_harness::deployment::Suffix;
use stackproof_harness::run::Session;
use stackproof_seed::Seeder;
use stackproof_seed::hipaa::network::secrets::Existing;
use stackproof_seed::hipaa::{self, Mutants, SECRET_CANARY, SeedOptions};

use crate::chain::others_pass;
use crate::{Shared, World, needs_world};

const README: &str = "stacks/hipaa/v1/README.md";
/// The heading the procedure is under (its start: the rest names what it makes).
const SECTION: &str = "## Before the first deploy";
/// The shell variables the procedure sets, and the stack parameter (and output) each becomes.
const MADE: [(&str, &str); 3] = [
    ("SECRETS_KEY_ARN", SECRETS_KEY_ARN),
    ("DATABASE_SECRET_ARN", DATABASE_SECRET_ARN),
    ("API_KEYS_SECRET_ARN", API_KEYS_SECRET_ARN),
];
/// How the wrapper reports a variable the procedure set, one per line on stdout.
const REPORT: &str = "stackproof-made";

pub fn trials(world: &Shared) -> Vec<Trial> {
    vec![
        Trial::test("secrets_procedure::only_the_sections_shell_blocks_are_taken", || {
            let doc = "# T\n## Deploy\n```bash\naws deploy\n```\n## Before the first deploy: x\n\nText.\n\n```bash\n\
                       A=1\n```\n```json\n{}\n```\n```sh\nB=2\n```\n## Notes\n```bash\nC=3\n```\n";
            let blocks = shell_blocks(doc, SECTION);
            if blocks != ["A=1\n", "B=2\n"] {
                return Err(format!("took {blocks:?}").into());
            }
            if !shell_blocks(doc, "## Nowhere").is_empty() {
                return Err("took blocks of a section that does not exist".into());
            }
            Ok(())
        }),
        needs_world("secrets_procedure::a_deployment_done_by_the_book_passes_every_check".into(), world, by_the_book),
    ]
}

/// Runs the README's procedure, seeds the stack around what it made, and runs the live suite.
fn by_the_book(w: &World) -> Result<(), Failed> {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join(README);
    let text = std::fs::read_to_string(&readme).map_err(|e| format!("cannot read {}: {e}", readme.display()))?;
    let blocks = shell_blocks(&text, SECTION);
    if blocks.is_empty() {
        return Err(format!("{README} has no sh/bash block under \"{SECTION}\"").into());
    }
    let made = run_procedure(&blocks.concat(), &w.endpoint)?;
    let existing = Existing {
        secrets_key: made[SECRETS_KEY_ARN].clone(),
        database_secret: made[DATABASE_SECRET_ARN].clone(),
        api_keys_secret: made[API_KEYS_SECRET_ARN].clone(),
    };
    let suffix = Suffix::parse("by-the-book")?;
    let options = SeedOptions { existing: Some(existing) };
    let (outputs, records) = w.rt.block_on(async {
        let seeder = Seeder::new(&w.endpoint, hipaa::REGION).await?;
        let outputs = hipaa::deploy_with(&seeder, &suffix, &Mutants::of(&[]), &options).await?;
        let session = Session::open(&Hipaa, Target::emulator(&w.endpoint)?, suffix, None, None).await?;
        Ok::<_, Failed>((outputs, session.evaluate_all(&Hipaa)))
    })?;
    // The stack was given what the procedure made, not anything of the seeder's.
    for (_, output) in MADE {
        if outputs.get(output) != made.get(output) {
            return Err(
                format!("output {output} is {:?}, the procedure made {:?}", outputs.get(output), made[output]).into()
            );
        }
    }
    if records.len() != CHECKS.len() {
        return Err(format!("{} of {} checks ran", records.len(), CHECKS.len()).into());
    }
    others_pass(&records, None)?;
    // Not a pass of nothing: both secrets and the key were judged, and passed.
    let id = SECRETS_ENCRYPTED_WITH_ROTATING_CUSTOMER_KEY.info.id;
    let record = records.iter().find(|r| r.info.id == id).ok_or_else(|| format!("{id} did not run"))?;
    let passed = |resource: &str, property: &str| {
        record
            .outcome
            .findings
            .iter()
            .any(|f| f.status == Status::Pass && f.resource == resource && f.property == property)
    };
    for (resource, property) in [
        (&made[DATABASE_SECRET_ARN], "KmsKeyId"),
        (&made[API_KEYS_SECRET_ARN], "KmsKeyId"),
        (&made[SECRETS_KEY_ARN], "KeyState"),
        (&made[SECRETS_KEY_ARN], "KeyRotationEnabled"),
    ] {
        if !passed(resource, property) {
            return Err(format!("{id} has no passing {property} of {resource}:\n{:?}", record.outcome.findings).into());
        }
    }
    Ok(())
}

/// The bodies of the `sh`/`bash`/`shell` fenced blocks under the heading starting with `heading`,
/// up to the next heading of the same or a higher level.
fn shell_blocks(markdown: &str, heading: &str) -> Vec<String> {
    let level = heading.chars().take_while(|c| *c == '#').count();
    let mut blocks = Vec::new();
    let (mut inside, mut fence): (bool, Option<(bool, String)>) = (false, None);
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        match &mut fence {
            Some((shell, body)) if trimmed.starts_with("```") => {
                if inside && *shell {
                    blocks.push(std::mem::take(body));
                }
                fence = None;
            }
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None if trimmed.starts_with("```") => {
                let lang = trimmed.trim_start_matches('`').trim();
                fence = Some((matches!(lang, "sh" | "bash" | "shell"), String::new()));
            }
            None if line.starts_with('#') => {
                let this = line.chars().take_while(|c| *c == '#').count();
                if line.starts_with(heading) {
                    inside = true;
                } else if this <= level {
                    inside = false;
                }
            }
            None => {}
        }
    }
    blocks
}

/// The emulator's virtualenv, where localstack/requirements.txt installed the AWS CLI.
fn venv_bin() -> PathBuf {
    std::env::var_os("STACKPROOF_VENV")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("localstack/.venv"))
        .join("bin")
}

/// Runs `procedure` as a user would, in a fresh folder holding the value files it reads, and
/// returns what it set, by stack output key.
fn run_procedure(procedure: &str, endpoint: &str) -> Result<BTreeMap<String, String>, Failed> {
    let dir = std::env::temp_dir().join(format!("stackproof-secrets-procedure-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let values = [
        ("database-credentials.json", format!(r#"{{"username":"hipaa_admin","password":"{SECRET_CANARY}-db"}}"#)),
        ("api-keys.json", format!(r#"{{"api_key":"{SECRET_CANARY}-api","redis_auth_token":"{SECRET_CANARY}-redis"}}"#)),
    ];
    for (file, value) in &values {
        std::fs::write(dir.join(file), value)?;
    }
    let report: String =
        MADE.iter().map(|(var, _)| format!("printf '{REPORT} %s=%s\\n' {var} \"${{{var}:?not set}}\"\n")).collect();
    let script = format!("set -euo pipefail\n{procedure}\n{report}");
    let bin = venv_bin();
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(&dir)
        // Nothing of this machine's AWS setup: only the emulator, dummy credentials, and a CLI
        // configured for another region, so the procedure itself must put everything in the
        // stack's region (eu-central-1).
        .env_clear()
        .env("PATH", format!("{}:/usr/local/bin:/usr/bin:/bin", bin.display()))
        .env("HOME", &dir)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", "eu-west-1")
        .output()
        .map_err(|e| format!("cannot run bash: {e}"))?;
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "the procedure of {README} failed ({}), with {}:\n{}\n{stdout}",
            out.status,
            bin.join("aws").display(),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let set: BTreeMap<&str, &str> =
        stdout.lines().filter_map(|l| l.strip_prefix(REPORT)?.trim().split_once('=')).collect();
    MADE.iter()
        .map(|(var, output)| match set.get(var) {
            Some(v) if !v.is_empty() => Ok(((*output).to_owned(), (*v).to_owned())),
            _ => Err(format!("the procedure did not set {var}:\n{stdout}").into()),
        })
        .collect()
}
