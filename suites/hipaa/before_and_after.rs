//! One judgement before and after deploy: a requirement both suites judge is judged by the same
//! kit, so a policy the live check rejects is rejected by the static check too (and the other way
//! round). Each loophole below once passed one of the two.

use serde_json::{Value, json};
use stackproof_harness::check::{Outcome, Status};
use stackproof_harness::kit::policy::Covered;

const FS_ID: &str = "EfsFileSystem";
const FS_ARN: &str = "arn:aws:elasticfilesystem:eu-central-1:123456789012:file-system/fs-0123456789abcdef0";

/// The shipped statement: Deny, to everyone, every action, on the file system, without TLS.
fn deny() -> Value {
    json!({"Sid": "DenyUnencryptedTransport", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
           "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
}

/// The two suites' verdicts on one policy: (live, static).
fn verdicts(statements: Value) -> (Status, Status) {
    let policy = json!({"Version": "2012-10-17", "Statement": statements});
    (live(Some(&policy)), before(Some(&policy)))
}

/// The live check's verdict on a policy of the file system FS_ARN.
fn live(policy: Option<&Value>) -> Status {
    Outcome::new(super::efs::efs_policy_findings(FS_ARN, &super::efs::POLICY, policy, &Covered::arn(FS_ARN))).status
}

/// The static check's verdict on the policy of the template's file system FS_ID.
fn before(policy: Option<&Value>) -> Status {
    Outcome::new(super::template::efs::efs_policy_findings_of(FS_ID, policy)).status
}

#[test]
fn the_shipped_policy_passes_before_and_after_deploy() {
    assert_eq!(verdicts(json!([deny()])), (Status::Pass, Status::Pass));
}

/// A named change to the shipped statement.
type Loophole = (&'static str, Box<dyn Fn(&mut Value)>);

#[test]
fn a_policy_the_live_efs_check_rejects_is_rejected_before_deploy_too() {
    let edits: Vec<Loophole> = vec![
        ("an Allow instead of the Deny", Box::new(|s| s["Effect"] = json!("Allow"))),
        (
            "one role instead of everyone",
            Box::new(|s| s["Principal"] = json!({"AWS": "arn:aws:iam::123456789012:role/ops"})),
        ),
        ("writes only", Box::new(|s| s["Action"] = json!("elasticfilesystem:ClientWrite"))),
        ("TLS requests denied instead", Box::new(|s| s["Condition"]["Bool"]["aws:SecureTransport"] = json!("true"))),
        (
            "a principal exempted by a second condition",
            Box::new(|s| {
                s["Condition"]["StringNotEquals"] = json!({"aws:PrincipalArn": "arn:aws:iam::123456789012:role/ops"})
            }),
        ),
        ("a second Bool key", Box::new(|s| s["Condition"]["Bool"]["aws:ViaAWSService"] = json!("false"))),
        (
            "a NotPrincipal carve-out",
            Box::new(|s| {
                s.as_object_mut().map(|o| o.remove("Principal"));
                s["NotPrincipal"] = json!({"AWS": "arn:aws:iam::123456789012:root"});
            }),
        ),
        (
            "every action but one",
            Box::new(|s| {
                s.as_object_mut().map(|o| o.remove("Action"));
                s["NotAction"] = json!("elasticfilesystem:ClientMount");
            }),
        ),
    ];
    for (loophole, edit) in edits {
        let mut statement = deny();
        edit(&mut statement);
        let (live, before) = verdicts(json!([statement]));
        assert_ne!(live, Status::Pass, "the live check passed {loophole}");
        assert_eq!(live, before, "{loophole}: live {live}, static {before}");
    }
}

#[test]
fn no_policy_fails_both() {
    assert_eq!((live(None), before(None)), (Status::Fail, Status::Fail));
}
