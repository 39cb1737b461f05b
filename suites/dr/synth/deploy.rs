//! The layout can be deployed the way its documentation says: every documented `cdktf deploy`
//! runs in the app's folder, sets the environment variables a real deployment needs and writes
//! the outputs file the live suite reads. `cdktf synth` cannot see this: with the variables unset
//! the layout synthesizes happily as suffix `dev` with local state. Static only.

use std::path::{Path, PathBuf};

use serde_json::Value;
use stackproof_harness::Error;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::source::docs::{DocCommand, documented_commands};
use stackproof_harness::source::terraform::Synth;

use super::{Change, Mutation, SynthFacts};

/// The documentation of the layout, relative to the repository root.
const READMES: &[&str] = &["README.md", "stacks/dr/v1/README.md"];
const WORKFLOWS: &str = "examples/ci";

/// The app's folder (its `cdktf.json`), relative to the repository root.
const APP_DIR: &str = "stacks/dr/v1";

/// What `main.ts` reads from the environment: whether a deployment must set it, and why.
pub const VARIABLES: &[(&str, bool, &str)] = &[
    (
        "ENVIRONMENT_SUFFIX",
        true,
        "every name carries it; unset, the deployment is `dev` and collides with every other unset one",
    ),
    (
        "STATE_BUCKET",
        true,
        "unset, Terraform keeps the state on the deploying machine, and a CI deployment can never be updated or destroyed",
    ),
    ("STATE_KEY", false, "defaults to healthcare-dr/<suffix>/terraform.tfstate"),
    ("STATE_REGION", false, "defaults to eu-west-2"),
    ("STATE_LOCK_TABLE", false, "without it, two deploys of one suffix are not locked against each other"),
];

/// Every documented command that deploys the DR layout.
pub fn documented_deploys(root: &Path) -> Result<Vec<DocCommand>, Error> {
    Ok(documented_commands(root, READMES, WORKFLOWS)?
        .into_iter()
        .filter(|c| c.runs(&["npx", "cdktf", "deploy"]) || c.runs(&["cdktf", "deploy"]))
        .collect())
}

pub const SUFFIX_NOT_SET: Mutation = Mutation {
    name: "suffix-not-set",
    resource: "ENVIRONMENT_SUFFIX",
    property: "environment",
    change: Change::Custom(|s: &mut Synth| {
        s.deployed_by.iter_mut().for_each(|c| drop(c.env.remove("ENVIRONMENT_SUFFIX")))
    }),
};

pub const STATE_BUCKET_NOT_SET: Mutation = Mutation {
    name: "state-bucket-not-set",
    resource: "STATE_BUCKET",
    property: "environment",
    change: Change::Custom(|s: &mut Synth| s.deployed_by.iter_mut().for_each(|c| drop(c.env.remove("STATE_BUCKET")))),
};

pub const DEPLOYED_OUTSIDE_THE_APP: Mutation = Mutation {
    name: "deployed-outside-the-app",
    resource: "cdktf.json",
    property: "WorkingDirectory",
    change: Change::Custom(|s: &mut Synth| s.deployed_by.iter_mut().for_each(|c| c.dir = PathBuf::new())),
};

pub const NO_OUTPUTS_FILE: Mutation = Mutation {
    name: "no-outputs-file",
    resource: "cdktf.json",
    property: "--outputs-file",
    change: Change::Custom(|s: &mut Synth| {
        for c in &mut s.deployed_by {
            if let Some(i) = c.words.iter().position(|w| w == "--outputs-file") {
                c.words.drain(i..(i + 2).min(c.words.len()));
            }
            c.words.retain(|w| !w.starts_with("--outputs-file="));
        }
    }),
};

pub const LAYOUT_DEPLOYABLE_AS_DOCUMENTED: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "layout_deployable_as_documented",
        service: "deploy",
        title: "The documented cdktf deploy commands run in the app's folder, set the variables a deployment needs and write the outputs file the live suite reads",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(7)(ii)(D)"],
        severity: Severity::High,
        risk: "A layout deployed without its suffix or remote state collides with other deployments and cannot be updated or destroyed from CI; without the outputs file the live suite cannot find what was deployed.",
        remediation: "README.md, stacks/dr/v1/README.md: `cd stacks/dr/v1`, set ENVIRONMENT_SUFFIX and STATE_BUCKET (export or before the command), and run `npx cdktf deploy --outputs-file <file>`.",
    },
    claims: &[
        Claim {
            property: "environment",
            about: "each documented deploy sets ENVIRONMENT_SUFFIX and STATE_BUCKET",
            mutants: &[&SUFFIX_NOT_SET, &STATE_BUCKET_NOT_SET],
            not_emulated: None,
        },
        Claim {
            property: "WorkingDirectory",
            about: "each documented deploy runs in stacks/dr/v1, where cdktf.json is",
            mutants: &[&DEPLOYED_OUTSIDE_THE_APP],
            not_emulated: None,
        },
        Claim {
            property: "--outputs-file",
            about: "each documented deploy writes the outputs file the live suite reads",
            mutants: &[&NO_OUTPUTS_FILE],
            not_emulated: None,
        },
    ],
    run: layout_deployable_as_documented,
};

pub const CHECKS: &[Check<SynthFacts>] = &[LAYOUT_DEPLOYABLE_AS_DOCUMENTED];

fn layout_deployable_as_documented(f: &SynthFacts) -> Vec<Finding> {
    let commands = &f.synth.deployed_by;
    if commands.is_empty() {
        return vec![Finding::judge(
            "cdktf.json",
            "WorkingDirectory",
            false,
            format!("a documented cdktf deploy ({}, {WORKFLOWS}/*.yml)", READMES.join(", ")),
            "none",
            &(),
        )];
    }
    commands
        .iter()
        .flat_map(|c| {
            let mut findings: Vec<Finding> = VARIABLES
                .iter()
                .filter(|(_, required, _)| *required)
                .map(|(name, _, why)| {
                    let value = c.env.get(*name).filter(|v| !v.is_empty());
                    Finding::judge(
                        *name,
                        "environment",
                        value.is_some(),
                        format!("set for {} ({why})", c.origin),
                        value.map_or_else(|| "not set".to_owned(), |v| format!("{name}={v}")),
                        &evidence(c),
                    )
                })
                .collect();
            findings.push(Finding::judge(
                "cdktf.json",
                "WorkingDirectory",
                c.dir.ends_with(APP_DIR),
                format!("{APP_DIR} for {}", c.origin),
                if c.dir.as_os_str().is_empty() {
                    "the starting directory".to_owned()
                } else {
                    c.dir.display().to_string()
                },
                &evidence(c),
            ));
            let outputs = c.option("--outputs-file");
            findings.push(Finding::judge(
                "cdktf.json",
                "--outputs-file",
                outputs.is_some(),
                format!("an outputs file written by {}", c.origin),
                outputs.unwrap_or("none"),
                &evidence(c),
            ));
            findings
        })
        .collect()
}

fn evidence(c: &DocCommand) -> Value {
    let env: Vec<&str> = c.env.keys().map(String::as_str).collect();
    serde_json::json!({ "origin": c.origin, "dir": c.dir, "environment": env, "command": c.words.join(" ") })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn both_readmes_document_a_deploy() {
        let origins: Vec<String> = documented_deploys(&root()).unwrap().into_iter().map(|c| c.origin).collect();
        for doc in ["README.md:", "stacks/dr/v1/README.md:"] {
            assert!(origins.iter().any(|o| o.starts_with(doc)), "no cdktf deploy found in {doc}: {origins:?}");
        }
    }

    /// The variables listed here, in the layout's README table and read by main.ts are the same.
    #[test]
    fn the_variables_main_ts_reads_are_the_documented_ones() {
        let main = std::fs::read_to_string(root().join(APP_DIR).join("main.ts")).unwrap();
        let mut read: Vec<&str> = main
            .match_indices("process.env.")
            .map(|(at, m)| {
                let rest = &main[at + m.len()..];
                &rest[..rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len())]
            })
            .collect();
        read.sort_unstable();
        read.dedup();
        let mut listed: Vec<&str> = VARIABLES.iter().map(|(n, _, _)| *n).collect();
        listed.sort_unstable();
        assert_eq!(read, listed, "main.ts reads other variables than deploy.rs lists");
        let readme = std::fs::read_to_string(root().join(APP_DIR).join("README.md")).unwrap();
        for name in listed {
            assert!(readme.contains(&format!("| `{name}` |")), "stacks/dr/v1/README.md's table has no row for {name}");
        }
    }
}
