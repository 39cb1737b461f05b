//! The stackproof runner, in layers. Each module imports only the modules listed before it, so
//! data flows one way: the command line picks a target, the target's clients read the
//! deployment's outputs, the outputs name the resources whose facts are fetched once, checks
//! judge the facts, and the outcomes go to the reports.
//!
//! 1. `error`, `secret`: the library's errors; what looks like a secret (pure vocabulary).
//! 2. `aws`: where the deployment lives (target), the read-only guard and its ledger, guarded
//!    clients per region, who the run acts as, what an SDK error means, the emulator's mends.
//! 3. `deployment`: the suffix that names a deployment, its version's outputs contract, its
//!    outputs.
//! 4. `facts` (live resources, fetched once) and `source` (templates, synths, cfn-lint, JSON
//!    paths, what a mutation may break): what checks read.
//! 5. `check`: the check model (info, findings, outcomes).
//! 6. `kit`: judgements every suite shares (policies, fact-or-unavailable, declared resources).
//! 7. `suite` (what a stack's suites provide) and `mutation` (breakages that prove checks fail).
//! 8. `report`: a pure sink; records in, files out, no subprocess and no command line.
//! 9. `run`: the command line (the only reader of it), the session, the live and static entry
//!    points, and git.
//!
//! Checks live in the `suites/` crate; this crate knows nothing about any particular stack.

pub mod error;
pub mod secret;

pub mod aws;

pub mod deployment;

pub mod facts;
pub mod source;

pub mod check;

pub mod kit;

pub mod mutation;
pub mod suite;

pub mod report;

pub mod run;

pub use error::Error;

#[cfg(test)]
mod layers {
    //! The order above, enforced: every `crate::` path in a module names a module of its own
    //! layer or a lower one.

    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    const LAYERS: &[&[&str]] = &[
        &["error", "secret"],
        &["aws"],
        &["deployment"],
        &["facts", "source"],
        &["check"],
        &["kit"],
        &["mutation", "suite"],
        &["report"],
        &["run"],
    ];

    fn layer(module: &str) -> usize {
        LAYERS.iter().position(|l| l.contains(&module)).unwrap_or_else(|| panic!("{module} is in no layer"))
    }

    fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("reads src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The top-level modules a source file names through `crate::`, outside comments.
    fn named(text: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        for line in text.lines().map(|l| l.split("//").next().unwrap_or("")) {
            let mut rest = line;
            while let Some(at) = rest.find("crate::") {
                rest = &rest[at + "crate::".len()..];
                let group = rest.strip_prefix('{').map(|g| g.split('}').next().unwrap_or(""));
                let names: Vec<&str> = match group {
                    Some(g) => g.split(',').map(|p| p.trim().split("::").next().unwrap_or("")).collect(),
                    None => vec![rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("")],
                };
                found.extend(names.into_iter().filter(|n| !n.is_empty() && *n != "Error").map(str::to_owned));
            }
        }
        found
    }

    #[test]
    fn modules_import_only_their_own_layer_or_lower_ones() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&src, &mut files);
        let mut upward = Vec::new();
        for file in files.iter().filter(|f| !f.ends_with("lib.rs")) {
            let relative = file.strip_prefix(&src).expect("under src");
            let module = relative.components().next().and_then(|c| c.as_os_str().to_str()).unwrap_or("");
            let module = module.trim_end_matches(".rs");
            let text = std::fs::read_to_string(file).expect("reads");
            for used in named(&text) {
                if layer(&used) > layer(module) {
                    upward.push(format!("{} imports {used}", relative.display()));
                }
            }
        }
        assert!(upward.is_empty(), "upward imports:\n{}", upward.join("\n"));
    }

    #[test]
    fn the_reader_of_paths_sees_groups_and_plain_paths() {
        let names = named("use crate::{aws::Target, check::Finding};\nlet x = crate::facts::named(); // crate::run");
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["aws", "check", "facts"]);
    }
}
