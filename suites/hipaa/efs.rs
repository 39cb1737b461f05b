//! EFS: encryption with the stack key, backups, private mount targets across AZs, TLS and IAM on mount.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::ec2::Network;
use stackproof_harness::facts::efs::MountTarget;
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::kit::fact::{judge_both, judge_fact, judge_named};
use stackproof_harness::kit::policy::{Covered, Policy, denies_insecure_transport};

use super::HipaaFacts;
use super::mutants;

/// Runs `judge` on the file system's mount targets, or reports why it could not; a file system
/// without mount targets fails.
fn with_mount_targets(
    f: &HipaaFacts,
    property: &str,
    judge: impl FnOnce(&str, &[MountTarget]) -> Vec<Finding>,
) -> Vec<Finding> {
    let m = &f.data.efs_mount_targets;
    judge_named(m, property, |targets| {
        if targets.is_empty() {
            return vec![Finding::judge(&m.resource, property, false, "mount targets", "none", &json!([]))];
        }
        judge(&m.resource, targets)
    })
}

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[
    EFS_ENCRYPTED_WITH_STACK_KEY,
    EFS_BACKUP_POLICY_ENABLED,
    EFS_MOUNT_TARGETS_IN_PRIVATE_SUBNETS,
    EFS_MOUNT_TARGETS_IN_EVERY_PRIVATE_AZ,
    EFS_MOUNT_TARGETS_USE_STACK_SECURITY_GROUP,
    EFS_POLICY_DENIES_INSECURE_TRANSPORT,
];

pub const EFS_ENCRYPTED_WITH_STACK_KEY: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "efs_encrypted_with_stack_key",
        service: "efs",
        title: "The EFS file system is encrypted at rest with the stack's data key",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(c)(1)"],
        severity: Severity::Critical,
        risk: "Shared patient documents readable from the underlying storage, or governed by a key the stack does not control.",
        remediation: "template.yml: EfsFileSystem (AWS::EFS::FileSystem) needs Encrypted: true and KmsKeyId: !GetAtt DataKey.Arn; encryption is fixed at creation: copy the data into a new encrypted file system.",
    },
    claims: &[Claim {
        property: "Encrypted",
        about: "The EFS file system is encrypted at rest with the stack's data key",
        mutants: &[&mutants::EFS_UNENCRYPTED],
        not_emulated: None,
    }],
    run: efs_encrypted_with_stack_key,
};

fn efs_encrypted_with_stack_key(f: &HipaaFacts) -> Vec<Finding> {
    let fs = &f.data.file_system;
    judge_named(fs, "Encrypted", |file_system| {
        let evidence = json!({"Encrypted": file_system.encrypted, "KmsKeyId": file_system.kms_key_id});
        let mut findings = vec![Finding::judge(
            &fs.resource,
            "Encrypted",
            file_system.encrypted,
            true,
            file_system.encrypted,
            &evidence,
        )];
        findings.extend(judge_fact(&fs.resource, &f.keys.data_key.fact, "KmsKeyId", |stack_key| {
            let ok = file_system.encrypted && file_system.kms_key_id.as_deref().is_some_and(|k| same_key(k, stack_key));
            vec![Finding::judge(
                &fs.resource,
                "KmsKeyId",
                ok,
                stack_key,
                file_system.kms_key_id.as_deref().unwrap_or("none"),
                &evidence,
            )]
        }));
        findings
    })
}

pub const EFS_BACKUP_POLICY_ENABLED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "efs_backup_policy_enabled",
        service: "efs",
        title: "The EFS file system is backed up automatically (backup policy ENABLED)",
        citations: &["45 CFR 164.308(a)(7)(ii)(A)", "45 CFR 164.310(d)(2)(iv)"],
        severity: Severity::High,
        risk: "Shared PHI deleted or corrupted on the file system cannot be recovered (data backup plan).",
        remediation: "template.yml: EfsFileSystem (AWS::EFS::FileSystem) BackupPolicy: {Status: ENABLED}.",
    },
    claims: &[Claim {
        property: "BackupPolicy.Status",
        about: "The EFS file system is backed up automatically (backup policy ENABLED)",
        mutants: &[&mutants::EFS_BACKUP_OFF],
        not_emulated: None,
    }],
    run: efs_backup_policy_enabled,
};

fn efs_backup_policy_enabled(f: &HipaaFacts) -> Vec<Finding> {
    let b = &f.data.efs_backup_policy;
    judge_named(b, "BackupPolicy.Status", |policy| {
        vec![Finding::judge(
            &b.resource,
            "BackupPolicy.Status",
            policy.status.as_deref() == Some("ENABLED"),
            "ENABLED",
            policy.status.as_deref().unwrap_or("no backup policy"),
            policy,
        )]
    })
}

pub const EFS_MOUNT_TARGETS_IN_PRIVATE_SUBNETS: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "efs_mount_targets_in_private_subnets",
        service: "efs",
        title: "EFS mount targets sit only in the stack's private subnets",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::High,
        risk: "A mount target in a public subnet exposes the NFS endpoint of the shared PHI store on a subnet routed to the internet.",
        remediation: "template.yml: EfsMountTarget1 and EfsMountTarget2 (AWS::EFS::MountTarget) SubnetId: !Ref PrivateSubnet1 / !Ref PrivateSubnet2.",
    },
    claims: &[Claim {
        property: "SubnetId",
        about: "EFS mount targets sit only in the stack's private subnets",
        mutants: &[&mutants::EFS_MOUNT_TARGET_PUBLIC_SUBNET],
        not_emulated: None,
    }],
    run: efs_mount_targets_in_private_subnets,
};

fn efs_mount_targets_in_private_subnets(f: &HipaaFacts) -> Vec<Finding> {
    with_mount_targets(f, "SubnetId", |fs, targets| {
        judge_fact(fs, &f.network.private_subnet_ids.fact, "SubnetId", |private| {
            targets
                .iter()
                .map(|t| {
                    let ok = private.contains(&t.subnet_id);
                    Finding::judge(
                        format!("{fs}/{}", t.mount_target_id),
                        "SubnetId",
                        ok,
                        format!("one of {}", private.join(", ")),
                        &t.subnet_id,
                        t,
                    )
                })
                .collect()
        })
    })
}

pub const EFS_MOUNT_TARGETS_IN_EVERY_PRIVATE_AZ: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "efs_mount_targets_in_every_private_az",
        service: "efs",
        title: "The EFS file system has a mount target in every Availability Zone of the private subnets",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.308(a)(7)(ii)(C)"],
        severity: Severity::Medium,
        risk: "Tasks in a zone without a mount target mount across zones, and lose the shared PHI store when the other zone fails.",
        remediation: "template.yml: keep EfsMountTarget1 and EfsMountTarget2 (AWS::EFS::MountTarget), one per private subnet (PrivateSubnet1, PrivateSubnet2).",
    },
    claims: &[Claim {
        property: "AvailabilityZoneName (coverage)",
        about: "The EFS file system has a mount target in every Availability Zone of the private subnets",
        mutants: &[&mutants::EFS_MOUNT_TARGET_ONE_AZ],
        not_emulated: None,
    }],
    run: efs_mount_targets_in_every_private_az,
};

const ZONE_COVERAGE: &str = "AvailabilityZoneName (coverage)";

/// Whether the private subnets span two zones is the network suite's check; this one asks that
/// every zone they do span has its own mount target.
fn efs_mount_targets_in_every_private_az(f: &HipaaFacts) -> Vec<Finding> {
    let n = &f.network;
    with_mount_targets(f, ZONE_COVERAGE, |fs, targets| {
        // Both are what the targets are compared with: either missing is reported on the file system.
        judge_fact(fs, &n.vpc.fact, ZONE_COVERAGE, |net| {
            judge_fact(fs, &n.private_subnet_ids.fact, ZONE_COVERAGE, |private| {
                zones_covered(fs, targets, net, private)
            })
        })
    })
}

/// One finding: every zone of the `private` subnets holds one of the `targets`.
fn zones_covered(fs: &str, targets: &[MountTarget], net: &Network, private: &[String]) -> Vec<Finding> {
    let needed: BTreeSet<&str> =
        private.iter().filter_map(|id| net.subnet(id)).map(|s| s.availability_zone.as_str()).collect();
    let covered: BTreeSet<&str> = targets.iter().filter_map(|t| t.availability_zone_name.as_deref()).collect();
    let missing: Vec<&str> = needed.difference(&covered).copied().collect();
    let evidence = json!({
        "PrivateSubnetZones": needed,
        "MountTargets": targets
            .iter()
            .map(|t| json!({"MountTargetId": t.mount_target_id, "AvailabilityZoneName": t.availability_zone_name}))
            .collect::<Vec<_>>(),
    });
    let join = |zones: &BTreeSet<&str>| zones.iter().copied().collect::<Vec<_>>().join(", ");
    let actual = if missing.is_empty() {
        join(&covered)
    } else {
        format!("{} (none in {})", join(&covered), missing.join(", "))
    };
    vec![Finding::judge(
        fs,
        ZONE_COVERAGE,
        !needed.is_empty() && missing.is_empty(),
        format!("a mount target in each of {}", join(&needed)),
        actual,
        &evidence,
    )]
}

pub const EFS_MOUNT_TARGETS_USE_STACK_SECURITY_GROUP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "efs_mount_targets_use_stack_security_group",
        service: "efs",
        title: "EFS mount targets are behind the stack's EFS security group and no other",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(4)(ii)(B)"],
        severity: Severity::High,
        risk: "Another group's rules decide who can mount the shared PHI store.",
        remediation: "template.yml: EfsMountTarget1 and EfsMountTarget2 (AWS::EFS::MountTarget) SecurityGroups: [!GetAtt EfsSecurityGroup.GroupId] only.",
    },
    claims: &[Claim {
        property: "SecurityGroups",
        about: "EFS mount targets are behind the stack's EFS security group and no other",
        mutants: &[&mutants::EFS_MOUNT_TARGET_FOREIGN_SG],
        not_emulated: None,
    }],
    run: efs_mount_targets_use_stack_security_group,
};

fn efs_mount_targets_use_stack_security_group(f: &HipaaFacts) -> Vec<Finding> {
    with_mount_targets(f, "SecurityGroups", |fs, targets| {
        judge_fact(fs, &f.security_groups.efs.fact, "SecurityGroups", |sg| {
            targets
                .iter()
                .map(|t| {
                    let ok = matches!(t.security_groups.as_slice(), [only] if only == sg);
                    Finding::judge(
                        format!("{fs}/{}", t.mount_target_id),
                        "SecurityGroups",
                        ok,
                        format!("[{sg}]"),
                        format!("[{}]", t.security_groups.join(", ")),
                        t,
                    )
                })
                .collect()
        })
    })
}

pub const EFS_POLICY_DENIES_INSECURE_TRANSPORT: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "efs_policy_denies_insecure_transport",
        service: "efs",
        title: "The EFS file-system policy denies every request made without TLS",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.312(e)(2)(ii)"],
        severity: Severity::High,
        risk: "Clients may mount without TLS and carry PHI over NFS in clear text.",
        remediation: "template.yml: EfsFileSystem (AWS::EFS::FileSystem) FileSystemPolicy needs a statement Effect: Deny, Principal: {AWS: '*'}, Action: '*', Condition: {Bool: {aws:SecureTransport: 'false'}}.",
    },
    claims: &[Claim {
        property: "Policy",
        about: "The EFS file-system policy denies every request made without TLS",
        mutants: &[&mutants::EFS_POLICY_ALLOWS_PLAIN_NFS],
        not_emulated: None,
    }],
    run: efs_policy_denies_insecure_transport,
};

/// What the policy must do, in the findings' words.
const DENY_PLAIN_NFS: &str = "Deny * to * when aws:SecureTransport is false";

/// The file-system policy judgement, live and static alike: `policy` (none when the file system
/// has none) must hold a Deny, for everyone, of every EFS action on `fs_arn` whenever a request
/// is made without TLS, narrowed by nothing else. A failure names the closest statement's gaps.
pub(crate) fn efs_policy_finding(resource: &str, fs_arn: &str, policy: Option<&Value>) -> Finding {
    let Some(doc) = policy else {
        return Finding::judge(resource, "Policy", false, DENY_PLAIN_NFS, "no file-system policy", &policy);
    };
    let (ok, actual) =
        match denies_insecure_transport(&Policy::parse(doc), "elasticfilesystem", &[Covered::arn(fs_arn)]) {
            Ok(statements) => (true, format!("{} denies requests without TLS", statements.join(", "))),
            Err(shortfall) => (false, shortfall),
        };
    Finding::judge(resource, "Policy", ok, DENY_PLAIN_NFS, actual, doc)
}

fn efs_policy_denies_insecure_transport(f: &HipaaFacts) -> Vec<Finding> {
    let p = &f.data.efs_policy;
    judge_both((p, &f.data.file_system), "Policy", |policy, fs| {
        vec![efs_policy_finding(&p.resource, &fs.file_system_arn, policy.policy.as_ref())]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FS_ID: &str = "fs-0123456789abcdef0";
    const FS_ARN: &str = "arn:aws:elasticfilesystem:eu-central-1:123456789012:file-system/fs-0123456789abcdef0";

    /// The template's statement: Deny, everyone, every action, without TLS.
    fn deny() -> Value {
        json!({"Sid": "DenyUnencryptedTransport", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
               "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    }

    /// The template's other statement, which must not count as the Deny.
    fn allow_task() -> Value {
        json!({"Sid": "AllowAppTaskMountThroughMountTargets", "Effect": "Allow",
               "Principal": {"AWS": "arn:aws:iam::123456789012:role/ecs-task-role-x"},
               "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
               "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}})
    }

    /// The finding on a policy whose Deny is `deny` edited by `edit`.
    fn judged(edit: impl FnOnce(&mut Value)) -> Finding {
        let mut statement = deny();
        edit(&mut statement);
        let policy = json!({"Version": "2012-10-17", "Statement": [statement, allow_task()]});
        efs_policy_finding(FS_ID, FS_ARN, Some(&policy))
    }

    fn fails_saying(f: &Finding, gap: &str) {
        assert_eq!(f.status, stackproof_harness::check::Status::Fail, "{}", f.message());
        assert_eq!((f.resource.as_str(), f.property.as_str()), (FS_ID, "Policy"));
        assert!(f.actual.contains(gap), "{} does not say {gap}", f.actual);
    }

    #[test]
    fn the_template_statement_denies_and_look_alikes_do_not() {
        let pass = judged(|_| {});
        assert_eq!(pass.status, stackproof_harness::check::Status::Pass, "{}", pass.message());
        assert!(pass.actual.contains("DenyUnencryptedTransport"), "{}", pass.actual);
        fails_saying(&judged(|s| s["Effect"] = json!("Allow")), "no Deny statement");
        fails_saying(
            &judged(|s| s["Principal"] = json!({"AWS": "arn:aws:iam::123456789012:role/x"})),
            "Principal is not everyone",
        );
        fails_saying(
            &judged(|s| s["Condition"] = json!({"Bool": {"aws:SecureTransport": "true"}})),
            "no Condition Bool aws:SecureTransport=false",
        );
    }

    #[test]
    fn no_policy_or_no_deny_fails() {
        let none = efs_policy_finding(FS_ID, FS_ARN, None);
        fails_saying(&none, "no file-system policy");
        let allow_only = json!({"Version": "2012-10-17", "Statement": [allow_task()]});
        fails_saying(&efs_policy_finding(FS_ID, FS_ARN, Some(&allow_only)), "no Deny statement");
    }

    #[test]
    fn an_extra_condition_on_the_deny_fails() {
        // Another key under the same operator, and another operator: each exempts requests.
        fails_saying(
            &judged(|s| s["Condition"]["Bool"]["aws:ViaAWSService"] = json!("false")),
            "Condition also Bool aws:ViaAWSService",
        );
        fails_saying(
            &judged(|s| s["Condition"]["StringNotEquals"] = json!({"aws:PrincipalAccount": "123456789012"})),
            "Condition also StringNotEquals aws:PrincipalAccount",
        );
    }

    #[test]
    fn a_deny_for_fewer_than_everyone_fails() {
        fails_saying(&judged(|s| s["Principal"] = json!({"Service": "ecs-tasks.amazonaws.com"})), "Principal is not");
        fails_saying(
            &judged(|s| {
                s.as_object_mut().map(|o| o.remove("Principal"));
                s["NotPrincipal"] = json!({"AWS": "arn:aws:iam::123456789012:root"});
            }),
            "NotPrincipal exempts",
        );
    }

    #[test]
    fn a_deny_of_fewer_than_every_efs_action_fails() {
        fails_saying(
            &judged(|s| s["Action"] = json!(["elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"])),
            "is not every elasticfilesystem action",
        );
        fails_saying(&judged(|s| s["Action"] = json!("elasticfilesystem:Client*")), "is not every");
    }

    #[test]
    fn a_deny_on_another_resource_fails_and_on_this_one_holds() {
        let other = FS_ARN.replace("fs-0123456789abcdef0", "fs-0fedcba9876543210");
        fails_saying(&judged(|s| s["Resource"] = json!(other)), "Resource does not cover");
        let mine = judged(|s| s["Resource"] = json!(FS_ARN));
        assert_eq!(mine.status, stackproof_harness::check::Status::Pass, "{}", mine.message());
        let every_efs = judged(|s| {
            s["Resource"] = json!("arn:aws:elasticfilesystem:*:*:file-system/*");
            s["Action"] = json!("elasticfilesystem:*");
        });
        assert_eq!(every_efs.status, stackproof_harness::check::Status::Pass, "{}", every_efs.message());
    }
}
