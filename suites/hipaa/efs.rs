//! EFS: encryption with the stack key, backups, private mount targets across AZs, TLS and IAM on mount.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::facts::efs::MountTarget;

use super::HipaaFacts;
use super::mutants;
use super::outputs::{DATA_KEY_ARN, EFS_SECURITY_GROUP_ID, PRIVATE_SUBNET_IDS};
use stackproof_harness::facts::kms::same_key;

/// Runs `judge` on the file system's mount targets, or reports why it could not.
fn with_mount_targets(
    f: &HipaaFacts,
    property: &str,
    judge: impl FnOnce(&str, &[MountTarget]) -> Vec<Finding>,
) -> Vec<Finding> {
    let m = &f.data.efs_mount_targets;
    match &m.fact {
        Ok(targets) if targets.is_empty() => {
            vec![Finding::judge(&m.resource, property, false, "mount targets", "none", &json!([]))]
        }
        Ok(targets) => judge(&m.resource, targets),
        Err(e) => vec![Finding::unavailable(&m.resource, property, e)],
    }
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
    mutant: &mutants::EFS_UNENCRYPTED,
    run: efs_encrypted_with_stack_key,
};

fn efs_encrypted_with_stack_key(f: &HipaaFacts) -> Vec<Finding> {
    let fs = &f.data.file_system;
    let file_system = match &fs.fact {
        Ok(file_system) => file_system,
        Err(e) => return vec![Finding::unavailable(&fs.resource, "Encrypted", e)],
    };
    let evidence = json!({"Encrypted": file_system.encrypted, "KmsKeyId": file_system.kms_key_id});
    let mut findings =
        vec![Finding::judge(&fs.resource, "Encrypted", file_system.encrypted, true, file_system.encrypted, &evidence)];
    findings.push(match f.outputs.get(DATA_KEY_ARN) {
        Ok(stack_key) => {
            let ok = file_system.encrypted && file_system.kms_key_id.as_deref().is_some_and(|k| same_key(k, stack_key));
            Finding::judge(
                &fs.resource,
                "KmsKeyId",
                ok,
                stack_key,
                file_system.kms_key_id.as_deref().unwrap_or("none"),
                &evidence,
            )
        }
        Err(e) => Finding::error(&fs.resource, "KmsKeyId", e),
    });
    findings
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
    mutant: &mutants::EFS_BACKUP_OFF,
    run: efs_backup_policy_enabled,
};

fn efs_backup_policy_enabled(f: &HipaaFacts) -> Vec<Finding> {
    let b = &f.data.efs_backup_policy;
    vec![match &b.fact {
        Ok(policy) => Finding::judge(
            &b.resource,
            "BackupPolicy.Status",
            policy.status.as_deref() == Some("ENABLED"),
            "ENABLED",
            policy.status.as_deref().unwrap_or("no backup policy"),
            policy,
        ),
        Err(e) => Finding::unavailable(&b.resource, "BackupPolicy.Status", e),
    }]
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
    mutant: &mutants::EFS_MOUNT_TARGET_PUBLIC_SUBNET,
    run: efs_mount_targets_in_private_subnets,
};

fn efs_mount_targets_in_private_subnets(f: &HipaaFacts) -> Vec<Finding> {
    with_mount_targets(f, "SubnetId", |fs, targets| {
        let private = match f.outputs.list(PRIVATE_SUBNET_IDS) {
            Ok(private) => private,
            Err(e) => return vec![Finding::error(fs, "SubnetId", e)],
        };
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
    mutant: &mutants::EFS_MOUNT_TARGET_ONE_AZ,
    run: efs_mount_targets_in_every_private_az,
};

/// Whether the private subnets span two zones is the network suite's check; this one asks that
/// every zone they do span has its own mount target.
fn efs_mount_targets_in_every_private_az(f: &HipaaFacts) -> Vec<Finding> {
    const PROPERTY: &str = "AvailabilityZoneName (coverage)";
    with_mount_targets(f, PROPERTY, |fs, targets| {
        let net = match &f.network {
            Ok(net) => net,
            Err(e) => return vec![Finding::error(fs, PROPERTY, e)],
        };
        let private = match f.outputs.list(PRIVATE_SUBNET_IDS) {
            Ok(private) => private,
            Err(e) => return vec![Finding::error(fs, PROPERTY, e)],
        };
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
            PROPERTY,
            !needed.is_empty() && missing.is_empty(),
            format!("a mount target in each of {}", join(&needed)),
            actual,
            &evidence,
        )]
    })
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
    mutant: &mutants::EFS_MOUNT_TARGET_FOREIGN_SG,
    run: efs_mount_targets_use_stack_security_group,
};

fn efs_mount_targets_use_stack_security_group(f: &HipaaFacts) -> Vec<Finding> {
    with_mount_targets(f, "SecurityGroups", |fs, targets| {
        let sg = match f.outputs.get(EFS_SECURITY_GROUP_ID) {
            Ok(sg) => sg,
            Err(e) => return vec![Finding::error(fs, "SecurityGroups", e)],
        };
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
    mutant: &mutants::EFS_POLICY_ALLOWS_PLAIN_NFS,
    run: efs_policy_denies_insecure_transport,
};

/// A value or list of values, as IAM policies write them.
fn values(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

/// True if the statement denies everyone every action when aws:SecureTransport is false.
fn denies_insecure_transport(statement: &Value) -> bool {
    let is = |v: &Value, s: &str| v.as_str().is_some_and(|x| x.eq_ignore_ascii_case(s));
    let everyone = match statement.get("Principal") {
        Some(p) if is(p, "*") => true,
        Some(p) => p.get("AWS").is_some_and(|aws| values(aws).iter().any(|v| is(v, "*"))),
        None => false,
    };
    let all_actions =
        statement.get("Action").is_some_and(|a| values(a).iter().any(|v| is(v, "*") || is(v, "elasticfilesystem:*")));
    let condition = statement.get("Condition").and_then(|c| c.as_object()).and_then(|c| {
        c.iter().find(|(op, _)| op.eq_ignore_ascii_case("Bool")).and_then(|(_, keys)| {
            keys.as_object()?
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("aws:SecureTransport"))
                .map(|(_, v)| v.clone())
        })
    });
    let insecure = condition.is_some_and(|v| values(&v).iter().any(|x| is(x, "false") || x.as_bool() == Some(false)));
    statement.get("Effect").is_some_and(|e| is(e, "Deny")) && everyone && all_actions && insecure
}

fn efs_policy_denies_insecure_transport(f: &HipaaFacts) -> Vec<Finding> {
    let p = &f.data.efs_policy;
    vec![match &p.fact {
        Ok(policy) => match &policy.policy {
            Some(doc) => {
                let statements = doc.get("Statement").map(values).unwrap_or_default();
                let ok = statements.iter().any(|s| denies_insecure_transport(s));
                let actual =
                    if ok { "a Deny on aws:SecureTransport=false" } else { "no statement denies requests without TLS" };
                Finding::judge(&p.resource, "Policy", ok, "Deny * to * when aws:SecureTransport is false", actual, doc)
            }
            None => Finding::judge(
                &p.resource,
                "Policy",
                false,
                "Deny * to * when aws:SecureTransport is false",
                "no file-system policy",
                policy,
            ),
        },
        Err(e) => Finding::unavailable(&p.resource, "Policy", e),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_statement_denies_and_look_alikes_do_not() {
        let deny = json!({"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}});
        assert!(denies_insecure_transport(&deny));
        let mut allow = deny.clone();
        allow["Effect"] = json!("Allow");
        assert!(!denies_insecure_transport(&allow));
        let mut one_role = deny.clone();
        one_role["Principal"] = json!({"AWS": "arn:aws:iam::123456789012:role/x"});
        assert!(!denies_insecure_transport(&one_role));
        let mut secure = deny.clone();
        secure["Condition"] = json!({"Bool": {"aws:SecureTransport": "true"}});
        assert!(!denies_insecure_transport(&secure));
    }
}
