//! Commands as the documentation gives them: the fenced `sh`/`bash` blocks of a README and the
//! `run:` steps of a CI workflow, split into words as a POSIX shell would (without expanding
//! anything), so a static check can ask what a documented deploy command really passes.
//!
//! A logical line is its physical lines joined at trailing backslashes; `&&`, `||`, `;` and `|`
//! separate commands; leading `NAME=value` words, earlier `export NAME=value` lines of the same
//! block and a workflow's `env:` maps are the command's environment, and `cd DIR` moves the
//! directory the next commands run in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Error;

/// One documented command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocCommand {
    /// Where it is written: `README.md:37`, `examples/ci/deploy.yml:61`.
    pub origin: String,
    /// The directory it runs in, relative to where its block starts (`stacks/dr/v1` after
    /// `cd stacks/dr/v1`); empty for the starting directory.
    pub dir: PathBuf,
    /// Environment it is given: `export`s before it in its block, leading assignments, and the
    /// workflow's `env:` maps.
    pub env: BTreeMap<String, String>,
    /// The program and its arguments, quotes removed, nothing expanded.
    pub words: Vec<String>,
}

impl DocCommand {
    /// True if the command starts with `program` (`["aws", "cloudformation", "deploy"]`).
    pub fn runs(&self, program: &[&str]) -> bool {
        self.words.len() >= program.len() && self.words.iter().zip(program).all(|(w, p)| w == p)
    }

    /// True if `--name` is given, with or without a value.
    pub fn has(&self, name: &str) -> bool {
        self.words.iter().any(|w| w == name || w.starts_with(&format!("{name}=")))
    }

    /// The value of `--name value` or `--name=value`.
    pub fn option(&self, name: &str) -> Option<&str> {
        let prefix = format!("{name}=");
        self.words.iter().enumerate().find_map(|(i, w)| {
            if w == name {
                self.words.get(i + 1).map(String::as_str).filter(|v| !v.starts_with("--"))
            } else {
                w.strip_prefix(&prefix)
            }
        })
    }

    /// The words after `--name` up to the next option: `--parameter-overrides A=1 B=2`.
    pub fn values(&self, name: &str) -> Vec<&str> {
        let Some(start) = self.words.iter().position(|w| w == name) else { return Vec::new() };
        self.words[start + 1..].iter().take_while(|w| !w.starts_with("--")).map(String::as_str).collect()
    }
}

/// Every command in the `sh` blocks of `readmes` and the `run` steps of the workflows (`.yml`,
/// `.yaml`) in `workflows`, all relative to `root`, in that order.
pub fn documented_commands(root: &Path, readmes: &[&str], workflows: &str) -> Result<Vec<DocCommand>, Error> {
    let mut commands = Vec::new();
    for readme in readmes {
        commands.extend(markdown_commands(&root.join(readme), readme)?);
    }
    let dir = root.join(workflows);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| Error::Template { path: dir.clone(), detail: format!("cannot be read: {e}") })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    files.sort();
    for path in files {
        let origin = path.strip_prefix(root).unwrap_or(&path).display().to_string();
        commands.extend(workflow_commands(&path, &origin)?);
    }
    Ok(commands)
}

/// The commands of a Markdown file's `sh`, `bash`, `shell` and `console` code blocks.
pub fn markdown_commands(path: &Path, origin: &str) -> Result<Vec<DocCommand>, Error> {
    let text = read(path)?;
    let mut commands = Vec::new();
    let mut block: Option<(usize, String)> = None;
    let mut other = false;
    for (n, line) in text.lines().enumerate() {
        let fence = line.trim_start();
        match &mut block {
            None if other => other = !fence.starts_with("```"),
            None if fence.starts_with("```") => {
                let lang = fence.trim_start_matches('`').trim();
                if matches!(lang, "sh" | "bash" | "shell" | "console") {
                    block = Some((n + 2, String::new()));
                } else {
                    other = true;
                }
            }
            Some((first, body)) if fence.starts_with("```") => {
                commands.extend(script_commands(body, origin, *first, &BTreeMap::new())?);
                block = None;
            }
            Some((_, body)) => {
                body.push_str(line.strip_prefix("$ ").unwrap_or(line));
                body.push('\n');
            }
            None => {}
        }
    }
    Ok(commands)
}

/// The commands of a GitHub Actions workflow's `run:` steps, each with the workflow's, its job's
/// and its step's `env:` (a later map overriding an earlier one).
pub fn workflow_commands(path: &Path, origin: &str) -> Result<Vec<DocCommand>, Error> {
    let text = read(path)?;
    let fail = |detail: String| Error::Template { path: path.to_owned(), detail };
    let yaml: serde_norway::Value = serde_norway::from_str(&text).map_err(|e| fail(format!("is not YAML ({e})")))?;
    let workflow = serde_json::to_value(yaml).map_err(|e| fail(format!("is not a workflow ({e})")))?;
    let mut commands = Vec::new();
    let jobs = workflow.get("jobs").and_then(Value::as_object).ok_or_else(|| fail("has no jobs".into()))?;
    for job in jobs.values() {
        for step in job.get("steps").and_then(Value::as_array).into_iter().flatten() {
            let Some(script) = step.get("run").and_then(Value::as_str) else { continue };
            let mut env = env_map(workflow.get("env"));
            env.extend(env_map(job.get("env")));
            env.extend(env_map(step.get("env")));
            let first = line_of(&text, script).unwrap_or(0);
            commands.extend(script_commands(script, origin, first, &env)?);
        }
    }
    Ok(commands)
}

/// The commands of a shell script whose first line is line `first` of `origin`.
pub fn script_commands(
    script: &str,
    origin: &str,
    first: usize,
    env: &BTreeMap<String, String>,
) -> Result<Vec<DocCommand>, Error> {
    let mut commands = Vec::new();
    let mut env = env.clone();
    let mut dir = PathBuf::new();
    for (line, text) in logical_lines(script, first) {
        let at = format!("{origin}:{line}");
        let words = shlex::split(&text).ok_or_else(|| Error::BadInput {
            what: format!("the documented command at {at}"),
            why: "its quotes are not balanced".into(),
        })?;
        for words in words.split(|w| matches!(w.as_str(), "&&" | "||" | ";" | "|")) {
            let assigned = words.iter().take_while(|w| assignment(w).is_some()).count();
            let mut own = env.clone();
            own.extend(words[..assigned].iter().filter_map(|w| assignment(w)));
            let words = &words[assigned..];
            match words.first().map(String::as_str) {
                Some("export") => env.extend(words[1..].iter().filter_map(|w| assignment(w))),
                Some("cd") => dir.push(words.get(1).map(String::as_str).unwrap_or_default()),
                Some(_) => {
                    commands.push(DocCommand { origin: at.clone(), dir: dir.clone(), env: own, words: words.to_vec() })
                }
                None => env.extend(own),
            }
        }
    }
    Ok(commands)
}

/// Lines joined at trailing backslashes, each with the number of its first physical line.
fn logical_lines(script: &str, first: usize) -> Vec<(usize, String)> {
    let mut lines = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (n, line) in script.lines().enumerate() {
        let (start, mut text) = current.take().unwrap_or((first + n, String::new()));
        match line.trim_end().strip_suffix('\\') {
            Some(head) => {
                text.push_str(head);
                text.push(' ');
                current = Some((start, text));
            }
            None => {
                text.push_str(line);
                lines.push((start, text));
            }
        }
    }
    lines.extend(current);
    lines
}

/// `NAME=value` as a shell assignment (a name of letters, digits and underscores).
fn assignment(word: &str) -> Option<(String, String)> {
    let (name, value) = word.split_once('=')?;
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| (name.to_owned(), value.to_owned()))
}

fn env_map(v: Option<&Value>) -> BTreeMap<String, String> {
    let Some(map) = v.and_then(Value::as_object) else { return BTreeMap::new() };
    map.iter().map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned))).collect()
}

/// The line (1-based) where a workflow's script starts: the line after its `run: |`, or the
/// `run:` line itself for a one-line script.
fn line_of(text: &str, script: &str) -> Option<usize> {
    let head = script.lines().next()?.trim();
    let lines: Vec<&str> = text.lines().collect();
    lines.iter().enumerate().find_map(|(i, l)| {
        let l = l.trim();
        let inline = l.strip_prefix("- run:").or_else(|| l.strip_prefix("run:")).map(str::trim);
        match inline {
            Some(rest) if rest == head || rest.trim_matches(['"', '\'']) == head => Some(i + 1),
            Some(rest) if rest.starts_with('|') || rest.starts_with('>') => {
                (lines.get(i + 1).map(|n| n.trim()) == Some(head)).then_some(i + 2)
            }
            _ => None,
        }
    })
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::Template { path: path.to_owned(), detail: format!("cannot be read: {e}") })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands(script: &str) -> Vec<DocCommand> {
        script_commands(script, "doc", 1, &BTreeMap::new()).unwrap()
    }

    #[test]
    fn continuations_join_and_quotes_come_off() {
        let c = commands(
            "aws cloudformation deploy \\\n  --stack-name \"TapStack${S}\" \\\n  --parameter-overrides A=1 B='two words' \\\n  --capabilities X\n",
        );
        assert_eq!(c.len(), 1);
        assert!(c[0].runs(&["aws", "cloudformation", "deploy"]));
        assert_eq!(c[0].option("--stack-name"), Some("TapStack${S}"));
        assert_eq!(c[0].values("--parameter-overrides"), ["A=1", "B=two words"]);
        assert_eq!(c[0].origin, "doc:1");
    }

    #[test]
    fn exports_leading_assignments_and_cd_carry_to_later_commands() {
        let c = commands(
            "# a comment\nexport A=1 B=2\ncd stacks/dr/v1 && npm ci && C=3 npx cdktf deploy --outputs-file=o.json  # trailing\nnpx cdktf destroy\n",
        );
        let names: Vec<_> = c.iter().map(|c| c.words.join(" ")).collect();
        assert_eq!(names, ["npm ci", "npx cdktf deploy --outputs-file=o.json", "npx cdktf destroy"]);
        assert_eq!(c[1].dir, PathBuf::from("stacks/dr/v1"));
        assert_eq!(c[1].env.get("C").map(String::as_str), Some("3"));
        assert_eq!(c[1].env.get("B").map(String::as_str), Some("2"));
        assert_eq!(c[2].env.get("C"), None, "a leading assignment is for its own command only");
        assert_eq!(c[1].option("--outputs-file"), Some("o.json"));
        assert_eq!(c[1].origin, "doc:3");
    }

    #[test]
    fn unbalanced_quotes_are_refused_naming_the_line() {
        let e = script_commands("ok\nfoo \"bar\n", "README.md", 10, &BTreeMap::new()).unwrap_err();
        assert!(e.to_string().contains("README.md:11"), "{e}");
    }

    #[test]
    fn markdown_blocks_and_workflow_steps_are_read_with_their_lines() {
        let dir = std::env::temp_dir().join(format!("stackproof-docs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let md = dir.join("README.md");
        std::fs::write(&md, "# t\n\n```sh\naws s3 ls \\\n  --region x\n```\n\n```yaml\nnot: shell\n```\n").unwrap();
        let c = markdown_commands(&md, "README.md").unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].origin.as_str(), c[0].option("--region")), ("README.md:4", Some("x")));

        let wf = dir.join("w.yml");
        std::fs::write(
            &wf,
            "env:\n  A: top\njobs:\n  j:\n    env:\n      B: job\n    steps:\n      - run: echo one\n      - env:\n          A: step\n        run: |\n          echo two\n          echo three\n",
        )
        .unwrap();
        let c = workflow_commands(&wf, "w.yml").unwrap();
        let seen: Vec<_> = c.iter().map(|c| (c.origin.as_str(), c.words[1].as_str(), c.env["A"].as_str())).collect();
        assert_eq!(seen, [("w.yml:8", "one", "top"), ("w.yml:12", "two", "step"), ("w.yml:13", "three", "step")]);
        assert_eq!(c[0].env["B"], "job");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
