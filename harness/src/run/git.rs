//! The git commit of the stack's source folder, for the reports: asked of git once per run, here
//! in the runner, so the reports themselves never run a subprocess.

use std::path::Path;

use crate::report::StacksGit;

/// Asks git about `dir`; any failure (no git, not a checkout, folder absent) is a note.
pub fn stacks_git(dir: &Path) -> StacksGit {
    let path = dir.display().to_string();
    let unknown = |note: String| StacksGit { path: path.clone(), note: Some(note), ..StacksGit::default() };
    if !dir.is_dir() {
        return unknown(format!("not known: {path} is not here (the run did not start in a stackproof checkout)"));
    }
    let git = |args: &[&str]| -> Result<String, String> {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| format!("not known: git could not run ({e})"))?;
        if !out.status.success() {
            let why = String::from_utf8_lossy(&out.stderr);
            return Err(format!("not known: git {} failed: {}", args.join(" "), why.trim()));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let probe = || -> Result<StacksGit, String> {
        let commit = git(&["log", "-1", "--format=%H", "--", "."])?;
        let head = git(&["rev-parse", "HEAD"])?;
        let dirty = !git(&["status", "--porcelain", "--", "."])?.is_empty();
        let commit = Some(commit).filter(|c| !c.is_empty());
        let note = commit.is_none().then(|| "not known: the folder has no commit yet".to_owned());
        Ok(StacksGit { path: path.clone(), commit, head: Some(head), dirty: Some(dirty), note })
    };
    probe().unwrap_or_else(unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacks_git_outside_a_checkout_says_so() {
        let g = stacks_git(Path::new("/nonexistent/stacks/hipaa/v1"));
        assert!(g.commit.is_none() && g.note.as_deref().is_some_and(|n| n.starts_with("not known")), "{g:?}");
    }
}
