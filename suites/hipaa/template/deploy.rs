//! The template can be deployed the way its documentation says: every `aws cloudformation`
//! command that deploys it (in the READMEs and the CI workflow examples) uses a method whose size
//! limit the template fits, passes every parameter that has no default, names the stack after the
//! suffix it passes, acknowledges the IAM capabilities the template needs and deploys to the
//! stack's region. cfn-lint and the emulator cannot see any of this: a 63,904-byte template passes
//! both, and real CloudFormation refuses it inline. Static only.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use stackproof_harness::Error;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::source::docs::{DocCommand, documented_commands};
use stackproof_harness::source::template::Template;

use super::{Change, Mutation, TemplateFacts};
use crate::hipaa::CONTRACT;

/// CloudFormation's limits on a template body: inline (`--template-body`, or `deploy` without
/// `--s3-bucket`) and uploaded to S3 (`--template-url`, `deploy --s3-bucket`).
const INLINE_LIMIT: usize = 51_200;
const S3_LIMIT: usize = 1_048_576;

/// The documentation of the shipped stack, relative to the repository root.
const READMES: &[&str] = &["README.md", "stacks/hipaa/v1/README.md"];
const WORKFLOWS: &str = "examples/ci";

/// Every documented command that deploys the HIPAA template. A variant given with `--template`
/// is judged against the same commands: that is how it would be deployed.
pub fn documented_deploys(root: &Path) -> Result<Vec<DocCommand>, Error> {
    Ok(documented_commands(root, READMES, WORKFLOWS)?.into_iter().filter(deploys_this_stack).collect())
}

const DEPLOYS: &[&[&str]] = &[
    &["aws", "cloudformation", "deploy"],
    &["aws", "cloudformation", "create-stack"],
    &["aws", "cloudformation", "update-stack"],
    &["aws", "cloudformation", "create-change-set"],
];

fn deploys_this_stack(c: &DocCommand) -> bool {
    DEPLOYS.iter().any(|p| c.runs(p)) && c.words.iter().any(|w| w.ends_with("stacks/hipaa/v1/template.yml"))
}

pub const DEPLOYED_INLINE: Mutation = Mutation {
    name: "deployed-inline",
    resource: "template.yml",
    property: "TemplateBody",
    change: Change::Custom(|t: &mut Template| {
        for c in &mut t.deployed_by {
            remove_option(c, "--s3-bucket");
            remove_option(c, "--s3-prefix");
        }
    }),
};

pub const CONTAINER_IMAGE_NOT_PASSED: Mutation = Mutation {
    name: "container-image-not-passed",
    resource: "ContainerImage",
    property: "ParameterOverrides",
    change: Change::Custom(|t: &mut Template| {
        for c in &mut t.deployed_by {
            c.words.retain(|w| !w.starts_with("ContainerImage="));
        }
    }),
};

pub const STACK_NAME_WITHOUT_SUFFIX: Mutation = Mutation {
    name: "stack-name-without-suffix",
    resource: "EnvironmentSuffix",
    property: "StackName",
    change: Change::Custom(|t: &mut Template| {
        for c in &mut t.deployed_by {
            remove_option(c, "--stack-name");
            c.words.extend(["--stack-name".to_owned(), "TapStack".to_owned()]);
        }
    }),
};

pub const CAPABILITIES_NOT_ACKNOWLEDGED: Mutation = Mutation {
    name: "capabilities-not-acknowledged",
    resource: "(template)",
    property: "Capabilities",
    change: Change::Custom(|t: &mut Template| {
        for c in &mut t.deployed_by {
            remove_option(c, "--capabilities");
        }
    }),
};

pub const DEPLOYED_TO_ANOTHER_REGION: Mutation = Mutation {
    name: "deployed-to-another-region",
    resource: "(template)",
    property: "Region",
    change: Change::Custom(|t: &mut Template| {
        for c in &mut t.deployed_by {
            remove_option(c, "--region");
            c.words.extend(["--region".to_owned(), "us-east-1".to_owned()]);
        }
    }),
};

const TITLE: &str = "The documented deploy commands can deploy the template: size within their method's limit, every required parameter passed, the stack named after its suffix, capabilities acknowledged, the stack's region";

pub const TEMPLATE_DEPLOYABLE_AS_DOCUMENTED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "template_deployable_as_documented",
        service: "deploy",
        title: TITLE,
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(7)(ii)(D)"],
        severity: Severity::High,
        risk: "A stack that cannot be deployed by its own runbook cannot be restored from it: CloudFormation refuses a template over 51,200 bytes inline, a missing parameter or capability, and a stack deployed under another name or region is one the live suite never finds.",
        remediation: "README.md, stacks/hipaa/v1/README.md, examples/ci/*.yml: deploy with `aws cloudformation deploy --s3-bucket <bucket>` (the template is over 51,200 bytes), `--region eu-central-1`, `--stack-name TapStack<suffix>`, `--capabilities CAPABILITY_NAMED_IAM`, and `--parameter-overrides` naming EnvironmentSuffix and every parameter of template.yml without a Default.",
    },
    claims: &[
        Claim {
            property: "TemplateBody",
            about: "the template fits the size limit of each documented deploy method (51,200 bytes inline, 1 MB through S3)",
            mutants: &[&DEPLOYED_INLINE],
            not_emulated: None,
        },
        Claim {
            property: "ParameterOverrides",
            about: "each documented deploy passes every parameter without a Default",
            mutants: &[&CONTAINER_IMAGE_NOT_PASSED],
            not_emulated: None,
        },
        Claim {
            property: "StackName",
            about: "each documented deploy passes EnvironmentSuffix and names the stack after it (TapStack<suffix>)",
            mutants: &[&STACK_NAME_WITHOUT_SUFFIX],
            not_emulated: None,
        },
        Claim {
            property: "Capabilities",
            about: "each documented deploy acknowledges the IAM (and macro) capabilities the template needs",
            mutants: &[&CAPABILITIES_NOT_ACKNOWLEDGED],
            not_emulated: None,
        },
        Claim {
            property: "Region",
            about: "each documented deploy targets the stack's region",
            mutants: &[&DEPLOYED_TO_ANOTHER_REGION],
            not_emulated: None,
        },
    ],
    run: template_deployable_as_documented,
};

fn template_deployable_as_documented(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    if t.deployed_by.is_empty() {
        return vec![Finding::judge(
            file_name(t),
            "TemplateBody",
            false,
            format!("a documented deploy command ({}, {WORKFLOWS}/*.yml)", READMES.join(", ")),
            "none",
            &(),
        )];
    }
    t.deployed_by
        .iter()
        .flat_map(|c| {
            let mut findings = vec![fits_method(t, c)];
            findings.extend(required_parameters_passed(t, c));
            findings.push(named_after_suffix(c));
            findings.push(capabilities_acknowledged(t, c));
            findings.push(in_stack_region(c));
            findings
        })
        .collect()
}

fn fits_method(t: &Template, c: &DocCommand) -> Finding {
    let (limit, method) = if c.runs(DEPLOYS[0]) {
        match c.has("--s3-bucket") {
            true => (S3_LIMIT, "aws cloudformation deploy --s3-bucket"),
            false => (INLINE_LIMIT, "aws cloudformation deploy without --s3-bucket"),
        }
    } else if c.has("--template-url") {
        (S3_LIMIT, "--template-url")
    } else {
        (INLINE_LIMIT, "--template-body")
    };
    Finding::judge(
        file_name(t),
        "TemplateBody",
        t.bytes <= limit,
        format!("at most {limit} bytes: {} deploys it with {method}", c.origin),
        format!("{} bytes", t.bytes),
        &evidence(c),
    )
}

fn required_parameters_passed(t: &Template, c: &DocCommand) -> Vec<Finding> {
    let passed = parameters(c);
    let required = t
        .body
        .get("Parameters")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, p)| p.get("Default").is_none())
        .map(|(name, _)| name);
    required
        .map(|name| {
            Finding::judge(
                name.as_str(),
                "ParameterOverrides",
                passed.contains_key(name),
                format!("passed by {} (the parameter has no Default)", c.origin),
                passed.get(name).map_or_else(|| "not passed".to_owned(), |v| format!("{name}={v}")),
                &evidence(c),
            )
        })
        .collect()
}

fn named_after_suffix(c: &DocCommand) -> Finding {
    let suffix = parameters(c).get("EnvironmentSuffix").map(|v| resolve(c, v));
    let expected = match &suffix {
        Some(s) => CONTRACT.stack_name.replace("{suffix}", s),
        None => "EnvironmentSuffix passed (the default `dev` is no deployment's suffix)".to_owned(),
    };
    let named = c.option("--stack-name").map(|n| resolve(c, n));
    Finding::judge(
        "EnvironmentSuffix",
        "StackName",
        suffix.is_some() && named.as_deref() == Some(expected.as_str()),
        format!("--stack-name {expected} in {}", c.origin),
        named.unwrap_or_else(|| "no --stack-name".into()),
        &evidence(c),
    )
}

fn capabilities_acknowledged(t: &Template, c: &DocCommand) -> Finding {
    let needed = needed_capabilities(t);
    let given: Vec<String> = c.values("--capabilities").iter().map(|v| resolve(c, v)).collect();
    let missing: Vec<&str> = needed.iter().copied().filter(|n| !given.iter().any(|g| g == n)).collect();
    Finding::judge(
        "(template)",
        "Capabilities",
        missing.is_empty(),
        format!(
            "{} acknowledged by {}",
            if needed.is_empty() { "none needed".into() } else { needed.join(" ") },
            c.origin
        ),
        if given.is_empty() { "none".to_owned() } else { given.join(" ") },
        &evidence(c),
    )
}

/// CAPABILITY_NAMED_IAM when an IAM resource has a custom name (it also covers unnamed ones),
/// else CAPABILITY_IAM for any IAM resource; CAPABILITY_AUTO_EXPAND for a Transform.
fn needed_capabilities(t: &Template) -> Vec<&'static str> {
    const IAM: &[(&str, &str)] = &[
        ("AWS::IAM::Role", "RoleName"),
        ("AWS::IAM::User", "UserName"),
        ("AWS::IAM::Group", "GroupName"),
        ("AWS::IAM::ManagedPolicy", "ManagedPolicyName"),
        ("AWS::IAM::InstanceProfile", "InstanceProfileName"),
        ("AWS::IAM::Policy", ""),
        ("AWS::IAM::AccessKey", ""),
        ("AWS::IAM::UserToGroupAddition", ""),
    ];
    let mut needed = Vec::new();
    let iam: Vec<_> =
        t.resources().filter_map(|r| IAM.iter().find(|(k, _)| *k == r.kind).map(|(_, n)| (r, *n))).collect();
    if iam.iter().any(|(r, name)| !name.is_empty() && r.prop(name).is_some()) {
        needed.push("CAPABILITY_NAMED_IAM");
    } else if !iam.is_empty() {
        needed.push("CAPABILITY_IAM");
    }
    if t.body.get("Transform").is_some() {
        needed.push("CAPABILITY_AUTO_EXPAND");
    }
    needed
}

fn in_stack_region(c: &DocCommand) -> Finding {
    let region = c
        .option("--region")
        .map(|r| resolve(c, r))
        .or_else(|| ["AWS_REGION", "AWS_DEFAULT_REGION"].iter().find_map(|k| c.env.get(*k).cloned()));
    let home = CONTRACT.home_region().unwrap_or_default();
    Finding::judge(
        "(template)",
        "Region",
        region.as_deref() == Some(home),
        format!("{home} named by {} (--region or AWS_REGION)", c.origin),
        region.unwrap_or_else(|| "no region named (it would depend on the caller's profile)".into()),
        &evidence(c),
    )
}

/// The parameters a command passes: `--parameter-overrides K=V ...` (deploy) or `--parameters
/// ParameterKey=K,ParameterValue=V ...` (create-stack, update-stack, create-change-set).
fn parameters(c: &DocCommand) -> BTreeMap<String, String> {
    let overrides = c.values("--parameter-overrides").into_iter().filter_map(|w| w.split_once('='));
    let long = c.values("--parameters").into_iter().filter_map(|w| {
        let mut key = None;
        let mut value = None;
        for part in w.split(',') {
            match part.split_once('=') {
                Some(("ParameterKey", k)) => key = Some(k),
                Some(("ParameterValue", v)) => value = Some(v),
                Some(("UsePreviousValue", "true")) => value = Some("(previous value)"),
                _ => {}
            }
        }
        key.zip(value)
    });
    overrides.chain(long).map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

/// A word with `$NAME` and `${NAME}` replaced from the command's own environment where it sets
/// them, and written `$NAME` where it does not, so equal references compare equal.
fn resolve(c: &DocCommand, word: &str) -> String {
    let mut out = String::new();
    let mut rest = word;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, tail) = match after.strip_prefix('{') {
            Some(braced) => match braced.find('}') {
                Some(end) => (&braced[..end], &braced[end + 1..]),
                None => ("", after),
            },
            None => {
                let end = after.find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_')).unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        match c.env.get(name) {
            Some(value) if !name.is_empty() => out.push_str(value),
            _ if !name.is_empty() => {
                out.push('$');
                out.push_str(name);
            }
            _ => out.push('$'),
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

fn remove_option(c: &mut DocCommand, name: &str) {
    if let Some(i) = c.words.iter().position(|w| w == name) {
        let end = c.words[i + 1..].iter().position(|w| w.starts_with("--")).map_or(c.words.len(), |n| i + 1 + n);
        c.words.drain(i..end);
    }
    c.words.retain(|w| !w.starts_with(&format!("{name}=")));
}

fn file_name(t: &Template) -> String {
    t.path.file_name().map_or_else(|| t.path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The command as evidence: where it is written and its words.
fn evidence(c: &DocCommand) -> Value {
    serde_json::json!({ "origin": c.origin, "command": c.words.join(" ") })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use stackproof_harness::check::Status;
    use stackproof_harness::source::docs::script_commands;

    use super::*;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    fn with_commands(script: &str) -> TemplateFacts {
        let mut template = Template::load(&root().join("stacks/hipaa/v1/template.yml")).unwrap();
        template.deployed_by = script_commands(script, "doc", 1, &BTreeMap::new()).unwrap();
        super::super::tests::without_lint(template)
    }

    fn failing(f: &TemplateFacts) -> Vec<(String, String)> {
        TEMPLATE_DEPLOYABLE_AS_DOCUMENTED
            .evaluate(f)
            .findings
            .into_iter()
            .filter(|x| x.status == Status::Fail)
            .map(|x| (x.resource, x.property))
            .collect()
    }

    #[test]
    fn the_readmes_and_the_workflow_example_each_deploy_the_template() {
        let origins: Vec<String> = documented_deploys(&root()).unwrap().into_iter().map(|c| c.origin).collect();
        for doc in ["README.md:", "stacks/hipaa/v1/README.md:", "examples/ci/post-deploy-verification.yml:"] {
            assert!(origins.iter().any(|o| o.starts_with(doc)), "no deploy command found in {doc}: {origins:?}");
        }
    }

    #[test]
    fn create_stack_with_a_template_body_is_held_to_the_inline_limit() {
        let f = with_commands(
            "aws cloudformation create-stack --region eu-central-1 --stack-name TapStackx \\\n  --template-body file://stacks/hipaa/v1/template.yml --capabilities CAPABILITY_NAMED_IAM \\\n  --parameters ParameterKey=EnvironmentSuffix,ParameterValue=x ParameterKey=ContainerImage,ParameterValue=i",
        );
        let fails = failing(&f);
        assert!(fails.contains(&("template.yml".into(), "TemplateBody".into())), "{fails:?}");
        assert!(!fails.contains(&("ContainerImage".into(), "ParameterOverrides".into())), "{fails:?}");
        assert!(!fails.iter().any(|(_, p)| p == "StackName" || p == "Region" || p == "Capabilities"), "{fails:?}");
    }

    #[test]
    fn a_suffix_from_the_environment_matches_the_same_reference_in_the_stack_name() {
        let c = script_commands(
            "S=pr1 aws x --stack-name \"TapStack${S}\" --parameter-overrides EnvironmentSuffix=$S",
            "d",
            1,
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(resolve(&c[0], "TapStack${S}"), "TapStackpr1");
        assert_eq!(resolve(&c[0], "${OTHER}x$S"), "$OTHERxpr1");
        assert_eq!(named_after_suffix(&c[0]).status, Status::Pass);
    }
}
