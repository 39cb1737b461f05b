//! cfn-lint, run once per template as a fact for the static suites. It lives in the project's
//! Python tools virtualenv (localstack/requirements.txt, pinned), installed on first use.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;

use crate::facts::{Fact, FactError};

#[derive(Debug, Clone, Serialize)]
pub struct LintFinding {
    pub rule: String,
    pub level: String,
    pub message: String,
    pub line: Option<u64>,
    /// Where in the template: `Resources/DataKey/Properties/EnableKeyRotation`.
    pub path: String,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn venv() -> PathBuf {
    std::env::var_os("STACKPROOF_VENV").map(PathBuf::from).unwrap_or_else(|| repo().join("localstack/.venv"))
}

fn failed(detail: impl Into<String>) -> FactError {
    FactError::Api { operation: "cfn-lint".into(), detail: detail.into() }
}

/// Every cfn-lint finding (errors, warnings and informational) for `template` in `region`.
pub fn cfn_lint(template: &Path, region: &str) -> Fact<Vec<LintFinding>> {
    let install = Command::new(repo().join("localstack/emulator"))
        .arg("install")
        .output()
        .map_err(|e| failed(format!("cannot run localstack/emulator install: {e}")))?;
    if !install.status.success() {
        return Err(failed(format!("could not install it: {}", String::from_utf8_lossy(&install.stderr).trim())));
    }
    let out = Command::new(venv().join("bin/cfn-lint"))
        .args(["--format", "json", "--include-checks", "I", "--regions", region, "--"])
        .arg(template)
        .output()
        .map_err(|e| failed(format!("cannot run it: {e}")))?;
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|_| {
        failed(format!("exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr).trim()))
    })?;
    let items = json.as_array().ok_or_else(|| failed("its JSON output is not a list"))?;
    Ok(items
        .iter()
        .map(|m| LintFinding {
            rule: m.pointer("/Rule/Id").and_then(|v| v.as_str()).unwrap_or("?").to_owned(),
            level: m.get("Level").and_then(|v| v.as_str()).unwrap_or("?").to_owned(),
            message: m.get("Message").and_then(|v| v.as_str()).unwrap_or("").to_owned(),
            line: m.pointer("/Location/Start/LineNumber").and_then(|v| v.as_u64()),
            path: m
                .pointer("/Location/Path")
                .and_then(|v| v.as_array())
                .map(|p| {
                    p.iter()
                        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
                        .collect::<Vec<_>>()
                        .join("/")
                })
                .unwrap_or_default(),
        })
        .collect())
}
