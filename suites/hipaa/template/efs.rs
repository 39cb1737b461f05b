//! EFS: encrypted with the stack's data key, backed up, mounted only in private subnets, in every
//! private zone, behind the EFS group only, a file-system policy that refuses every request
//! without TLS and grants no one at large, and access points that impose a user and a directory.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::policy::{Covered, text};
use stackproof_harness::kit::source::{judge, judge_value, per_resource};
use stackproof_harness::source::json::is_true;
use stackproof_harness::source::template::{Resource, Template, reference};

use super::{Change, Mutation, Own, TemplateFacts, items, number, only_private_subnets, private_subnets, zone_of};
use crate::hipaa::efs::{PolicyProperties, efs_policy_findings};
use crate::hipaa::outputs::{DATA_KEY_ARN, EFS_SECURITY_GROUP_ID};

pub const EFS_UNENCRYPTED: Mutation = Mutation {
    name: "efs-unencrypted",
    resource: "EfsFileSystem",
    property: "Encrypted",
    change: Change::Set("false"),
};

pub const EFS_ENCRYPTED_WITH_LOGS_KEY: Mutation = Mutation {
    name: "efs-encrypted-with-logs-key",
    resource: "EfsFileSystem",
    property: "KmsKeyId",
    change: Change::Set(r#"{"Fn::GetAtt": ["LogsKey", "Arn"]}"#),
};

pub const EFS_BACKUP_DISABLED: Mutation = Mutation {
    name: "efs-backup-disabled",
    resource: "EfsFileSystem",
    property: "BackupPolicy.Status",
    change: Change::Set(r#""DISABLED""#),
};

pub const EFS_MOUNT_TARGET_PUBLIC_SUBNET: Mutation = Mutation {
    name: "efs-mount-target-public-subnet",
    resource: "EfsMountTarget1",
    property: "SubnetId",
    change: Change::Set(r#"{"Ref": "PublicSubnet1"}"#),
};

pub const EFS_MOUNT_TARGET_SAME_ZONE: Mutation = Mutation {
    name: "efs-mount-target-same-zone",
    resource: "EfsFileSystem",
    property: "AvailabilityZone (coverage)",
    change: Change::Custom(second_mount_target_in_first_subnet),
};

/// Both mount targets in PrivateSubnet1: the second zone has none.
fn second_mount_target_in_first_subnet(t: &mut Template) {
    if let Some(subnet) = t.resource_mut("EfsMountTarget2").and_then(|r| r.pointer_mut("/Properties/SubnetId")) {
        *subnet = json!({"Ref": "PrivateSubnet1"});
    }
}

pub const EFS_MOUNT_TARGET_EXTRA_SG: Mutation = Mutation {
    name: "efs-mount-target-extra-sg",
    resource: "EfsMountTarget2",
    property: "SecurityGroups",
    change: Change::Set(
        r#"[{"Fn::GetAtt": ["EfsSecurityGroup", "GroupId"]}, {"Fn::GetAtt": ["AppSecurityGroup", "GroupId"]}]"#,
    ),
};

pub const EFS_POLICY_REMOVED: Mutation = Mutation {
    name: "efs-policy-removed",
    resource: "EfsFileSystem",
    property: "FileSystemPolicy",
    change: Change::Remove,
};

pub const EFS_POLICY_DENY_ONE_ROLE: Mutation = Mutation {
    name: "efs-policy-deny-one-role",
    resource: "EfsFileSystem",
    property: "FileSystemPolicy.Statement.Principal",
    change: Change::Custom(|t| edit_deny(t, |s| s["Principal"] = json!({"AWS": {"Fn::GetAtt": ["TaskRole", "Arn"]}}))),
};

pub const EFS_POLICY_DENY_WRITES_ONLY: Mutation = Mutation {
    name: "efs-policy-deny-writes-only",
    resource: "EfsFileSystem",
    property: "FileSystemPolicy.Statement.Action",
    change: Change::Custom(|t| edit_deny(t, |s| s["Action"] = json!("elasticfilesystem:ClientWrite"))),
};

pub const EFS_POLICY_DENY_ACCESS_POINT_ONLY: Mutation = Mutation {
    name: "efs-policy-deny-access-point-only",
    resource: "EfsFileSystem",
    property: "FileSystemPolicy.Statement.Resource",
    change: Change::Custom(|t| edit_deny(t, |s| s["Resource"] = json!({"Fn::GetAtt": ["EfsAccessPoint", "Arn"]}))),
};

pub const EFS_POLICY_DENY_EXEMPTS_ROLE: Mutation = Mutation {
    name: "efs-policy-deny-exempts-role",
    resource: "EfsFileSystem",
    property: "FileSystemPolicy.Statement.Condition",
    change: Change::Custom(|t| {
        edit_deny(t, |s| {
            s["Condition"]["StringNotEquals"] = json!({"aws:PrincipalArn": {"Fn::GetAtt": ["TaskRole", "Arn"]}});
        });
    }),
};

pub const EFS_POLICY_ALLOWS_EVERYONE: Mutation = Mutation {
    name: "efs-policy-allows-everyone",
    resource: "EfsFileSystem",
    property: "FileSystemPolicy.Statement (Allow to everyone)",
    change: Change::Custom(allow_everyone),
};

/// The shipped policy's statements.
fn statements(t: &mut Template) -> Option<&mut Vec<Value>> {
    t.resource_mut("EfsFileSystem")?.pointer_mut("/Properties/FileSystemPolicy/Statement")?.as_array_mut()
}

/// Edits the shipped policy's Deny (its first statement).
fn edit_deny(t: &mut Template, edit: impl FnOnce(&mut Value)) {
    if let Some(deny) = statements(t).and_then(|s| s.first_mut()) {
        edit(deny);
    }
}

/// Adds an Allow of the client actions to everyone through the mount targets.
fn allow_everyone(t: &mut Template) {
    if let Some(statements) = statements(t) {
        statements.push(json!({"Sid": "AllowClientsThroughMountTargets", "Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"],
            "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}}));
    }
}

pub const EFS_ACCESS_POINT_REMOVED: Mutation = Mutation {
    name: "efs-access-point-removed",
    resource: "EfsFileSystem",
    property: "AccessPoints",
    change: Change::Custom(remove_access_point),
};

fn remove_access_point(t: &mut Template) {
    if let Some(resources) = t.body.get_mut("Resources").and_then(Value::as_object_mut) {
        resources.remove("EfsAccessPoint");
    }
}

pub const EFS_ACCESS_POINT_ROOT_USER: Mutation = Mutation {
    name: "efs-access-point-root-user",
    resource: "EfsAccessPoint",
    property: "PosixUser",
    change: Change::Set(r#"{"Uid": "0", "Gid": "0"}"#),
};

pub const EFS_ACCESS_POINT_AT_ROOT: Mutation = Mutation {
    name: "efs-access-point-at-root",
    resource: "EfsAccessPoint",
    property: "RootDirectory.Path",
    change: Change::Set(r#""/""#),
};

const FILE_SYSTEM: &str = "AWS::EFS::FileSystem";
const MOUNT_TARGET: &str = "AWS::EFS::MountTarget";
const ACCESS_POINT: &str = "AWS::EFS::AccessPoint";

/// True if `r` (a mount target or an access point) belongs to the file system `fs`.
fn of_file_system(r: &Resource, fs: &str) -> bool {
    r.prop("FileSystemId").and_then(reference) == Some(fs)
}

pub const EFS_ENCRYPTED_WITH_STACK_KEY: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "EFS file systems are encrypted at rest with the stack's data key",
        remediation: "template.yml: EfsFileSystem (AWS::EFS::FileSystem) needs Encrypted: true and KmsKeyId: !GetAtt DataKey.Arn (the key output DataKeyArn names).",
        ..crate::hipaa::efs::EFS_ENCRYPTED_WITH_STACK_KEY.info
    },
    claims: &[
        Claim {
            property: "Encrypted",
            about: "Every file system is encrypted at rest",
            mutants: &[&EFS_UNENCRYPTED],
            not_emulated: None,
        },
        Claim {
            property: "KmsKeyId",
            about: "Its key is the stack's data key (the output DataKeyArn names), not another key of the stack",
            mutants: &[&EFS_ENCRYPTED_WITH_LOGS_KEY],
            not_emulated: None,
        },
    ],
    run: efs_encrypted_with_stack_key,
};

fn efs_encrypted_with_stack_key(f: &TemplateFacts) -> Vec<Finding> {
    let data_key = Own::of(&f.template, DATA_KEY_ARN);
    per_resource(&f.template, FILE_SYSTEM, "Encrypted", |r| {
        vec![
            judge(r, "Encrypted", is_true(r.prop("Encrypted")), true),
            judge(r, "KmsKeyId", data_key.named_by(r.prop("KmsKeyId")), data_key.expected()),
        ]
    })
}

pub const EFS_BACKUP_POLICY_ENABLED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "EFS file systems are backed up automatically (backup policy ENABLED)",
        remediation: "template.yml: EfsFileSystem (AWS::EFS::FileSystem) BackupPolicy: {Status: ENABLED}.",
        ..crate::hipaa::efs::EFS_BACKUP_POLICY_ENABLED.info
    },
    claims: &[Claim {
        property: "BackupPolicy.Status",
        about: "EFS file systems are backed up automatically (backup policy ENABLED)",
        mutants: &[&EFS_BACKUP_DISABLED],
        not_emulated: None,
    }],
    run: efs_backup_policy_enabled,
};

fn efs_backup_policy_enabled(f: &TemplateFacts) -> Vec<Finding> {
    per_resource(&f.template, FILE_SYSTEM, "BackupPolicy.Status", |r| {
        let status = r.prop("BackupPolicy.Status").and_then(Value::as_str);
        vec![judge(r, "BackupPolicy.Status", status == Some("ENABLED"), "ENABLED")]
    })
}

pub const EFS_MOUNT_TARGETS_IN_PRIVATE_SUBNETS: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "EFS mount targets sit only in the template's private subnets",
        remediation: "template.yml: EfsMountTarget1 and EfsMountTarget2 (AWS::EFS::MountTarget) SubnetId: !Ref PrivateSubnet1 / !Ref PrivateSubnet2.",
        ..crate::hipaa::efs::EFS_MOUNT_TARGETS_IN_PRIVATE_SUBNETS.info
    },
    claims: &[Claim {
        property: "SubnetId",
        about: "EFS mount targets sit only in the template's private subnets",
        mutants: &[&EFS_MOUNT_TARGET_PUBLIC_SUBNET],
        not_emulated: None,
    }],
    run: efs_mount_targets_in_private_subnets,
};

fn efs_mount_targets_in_private_subnets(f: &TemplateFacts) -> Vec<Finding> {
    let private = private_subnets(&f.template);
    per_resource(&f.template, MOUNT_TARGET, "SubnetId", |r| {
        let ok = only_private_subnets(&private, r.prop("SubnetId"));
        vec![judge(r, "SubnetId", ok, "a private subnet of this stack")]
    })
}

pub const EFS_MOUNT_TARGETS_IN_EVERY_PRIVATE_AZ: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every EFS file system has a mount target in every zone of the template's private subnets",
        remediation: "template.yml: one AWS::EFS::MountTarget per private subnet (EfsMountTarget1 in PrivateSubnet1, EfsMountTarget2 in PrivateSubnet2).",
        ..crate::hipaa::efs::EFS_MOUNT_TARGETS_IN_EVERY_PRIVATE_AZ.info
    },
    claims: &[Claim {
        property: "AvailabilityZone (coverage)",
        about: "Every zone a private subnet of the template is pinned to holds a mount target of the file system",
        mutants: &[&EFS_MOUNT_TARGET_SAME_ZONE],
        not_emulated: None,
    }],
    run: efs_mount_targets_in_every_private_az,
};

const ZONE_COVERAGE: &str = "AvailabilityZone (coverage)";

fn efs_mount_targets_in_every_private_az(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let zone = |subnet: &str| t.resource(subnet).and_then(|s| zone_of(s.prop("AvailabilityZone")));
    let needed: BTreeSet<String> =
        private_subnets(t).iter().filter_map(|s| zone_of(s.prop("AvailabilityZone"))).collect();
    per_resource(t, FILE_SYSTEM, ZONE_COVERAGE, |fs| {
        let covered: BTreeSet<String> = t
            .resources_of(MOUNT_TARGET)
            .filter(|m| of_file_system(m, fs.id))
            .filter_map(|m| m.prop("SubnetId").and_then(reference).and_then(zone))
            .collect();
        let missing: Vec<&str> = needed.difference(&covered).map(String::as_str).collect();
        let show = |zones: &BTreeSet<String>| zones.iter().map(String::as_str).collect::<Vec<_>>().join(", ");
        let actual = if missing.is_empty() {
            show(&covered)
        } else {
            format!("{} (none in {})", show(&covered), missing.join(", "))
        };
        vec![Finding::judge(
            fs.id,
            ZONE_COVERAGE,
            !needed.is_empty() && missing.is_empty(),
            format!("a mount target in each of {}", show(&needed)),
            actual,
            &json!({"PrivateSubnetZones": needed, "MountTargetZones": covered}),
        )]
    })
}

pub const EFS_MOUNT_TARGETS_USE_STACK_SECURITY_GROUP: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "EFS mount targets are behind the stack's EFS security group and no other",
        remediation: "template.yml: EfsMountTarget1 and EfsMountTarget2 (AWS::EFS::MountTarget) SecurityGroups: [!GetAtt EfsSecurityGroup.GroupId] only (the group output EfsSecurityGroupId names).",
        ..crate::hipaa::efs::EFS_MOUNT_TARGETS_USE_STACK_SECURITY_GROUP.info
    },
    claims: &[Claim {
        property: "SecurityGroups",
        about: "Every mount target lists exactly the stack's EFS group (the output EfsSecurityGroupId names)",
        mutants: &[&EFS_MOUNT_TARGET_EXTRA_SG],
        not_emulated: None,
    }],
    run: efs_mount_targets_use_stack_security_group,
};

fn efs_mount_targets_use_stack_security_group(f: &TemplateFacts) -> Vec<Finding> {
    let group = Own::of(&f.template, EFS_SECURITY_GROUP_ID);
    per_resource(&f.template, MOUNT_TARGET, "SecurityGroups", |r| {
        let listed = items(r.prop("SecurityGroups"));
        let ok = matches!(listed.as_slice(), [only] if group.named_by(Some(only)));
        vec![judge(r, "SecurityGroups", ok, format!("[{}] only", group.expected()))]
    })
}

pub const EFS_POLICY_DENIES_INSECURE_TRANSPORT: Check<TemplateFacts> = Check {
    info: CheckInfo {
        remediation: "template.yml: EfsFileSystem (AWS::EFS::FileSystem) FileSystemPolicy needs a statement Effect: Deny, Principal: {AWS: '*'}, Action: '*' (or elasticfilesystem:*), no NotPrincipal/NotAction, Resource absent, '*' or the file system, and Condition: {Bool: {aws:SecureTransport: 'false'}} and nothing else; no Allow of client actions to '*'.",
        ..crate::hipaa::efs::EFS_POLICY_DENIES_INSECURE_TRANSPORT.info
    },
    claims: &[
        Claim {
            property: TEMPLATE_POLICY.policy,
            about: "Every file system declares a policy that holds a Deny statement",
            mutants: &[&EFS_POLICY_REMOVED],
            not_emulated: None,
        },
        Claim {
            property: TEMPLATE_POLICY.principal,
            about: "The Deny applies to everyone: Principal '*' or {AWS: '*'}, no NotPrincipal",
            mutants: &[&EFS_POLICY_DENY_ONE_ROLE],
            not_emulated: None,
        },
        Claim {
            property: TEMPLATE_POLICY.action,
            about: "The Deny covers every EFS action, no NotAction",
            mutants: &[&EFS_POLICY_DENY_WRITES_ONLY],
            not_emulated: None,
        },
        Claim {
            property: TEMPLATE_POLICY.resource,
            about: "The Deny covers the file system (no Resource, '*', !GetAtt or !Ref of it)",
            mutants: &[&EFS_POLICY_DENY_ACCESS_POINT_ONLY],
            not_emulated: None,
        },
        Claim {
            property: TEMPLATE_POLICY.condition,
            about: "The Deny applies whenever, and only when, aws:SecureTransport is false",
            mutants: &[&EFS_POLICY_DENY_EXEMPTS_ROLE],
            not_emulated: None,
        },
        Claim {
            property: TEMPLATE_POLICY.allow,
            about: "No Allow grants client actions on the file system to everyone",
            mutants: &[&EFS_POLICY_ALLOWS_EVERYONE],
            not_emulated: None,
        },
    ],
    run: efs_policy_denies_insecure_transport,
};

/// The template's names for the policy's claims: the `FileSystemPolicy` property.
pub(crate) const TEMPLATE_POLICY: PolicyProperties = PolicyProperties {
    policy: "FileSystemPolicy",
    principal: "FileSystemPolicy.Statement.Principal",
    action: "FileSystemPolicy.Statement.Action",
    resource: "FileSystemPolicy.Statement.Resource",
    condition: "FileSystemPolicy.Statement.Condition",
    allow: "FileSystemPolicy.Statement (Allow to everyone)",
};

fn efs_policy_denies_insecure_transport(f: &TemplateFacts) -> Vec<Finding> {
    per_resource(&f.template, FILE_SYSTEM, TEMPLATE_POLICY.policy, |r| {
        efs_policy_findings_of(r.id, r.prop("FileSystemPolicy"))
    })
}

/// The judgement of one file system's policy as the template declares it, with the live suite's
/// judgement (`kit::policy` underneath): the file system `file_system` (a logical id) counts as
/// covered by Resource `*`, `!GetAtt <id>.Arn`, `!Ref <id>`, or an absent Resource.
pub(crate) fn efs_policy_findings_of(file_system: &str, policy: Option<&Value>) -> Vec<Finding> {
    let target = Covered::by(file_system, |v: &Value| text(v) == "*" || reference(v) == Some(file_system));
    efs_policy_findings(file_system, &TEMPLATE_POLICY, policy, &target)
}

pub const EFS_ACCESS_POINTS_PIN_USER_AND_DIRECTORY: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every EFS file system has an access point, and every access point imposes a non-root POSIX user and a root directory below /",
        ..crate::hipaa::efs::EFS_ACCESS_POINTS_PIN_USER_AND_DIRECTORY.info
    },
    claims: &[
        Claim {
            property: "AccessPoints",
            about: "Every file system has an access point of the template",
            mutants: &[&EFS_ACCESS_POINT_REMOVED],
            not_emulated: None,
        },
        Claim {
            property: "PosixUser",
            about: "Every access point declares a POSIX user whose Uid, Gid and SecondaryGids are not 0",
            mutants: &[&EFS_ACCESS_POINT_ROOT_USER],
            not_emulated: None,
        },
        Claim {
            property: "RootDirectory.Path",
            about: "Every access point declares a root directory below / (absent means /)",
            mutants: &[&EFS_ACCESS_POINT_AT_ROOT],
            not_emulated: None,
        },
    ],
    run: efs_access_points_pin_user_and_directory,
};

fn efs_access_points_pin_user_and_directory(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let mut findings = per_resource(t, FILE_SYSTEM, "AccessPoints", |fs| {
        let points: Vec<&str> =
            t.resources_of(ACCESS_POINT).filter(|p| of_file_system(p, fs.id)).map(|p| p.id).collect();
        let actual = if points.is_empty() { "none".to_owned() } else { points.join(", ") };
        vec![Finding::judge(
            fs.id,
            "AccessPoints",
            !points.is_empty(),
            "an AWS::EFS::AccessPoint of it",
            actual,
            &points,
        )]
    });
    for p in t.resources_of(ACCESS_POINT) {
        let user = p.prop("PosixUser");
        let ids = ["Uid", "Gid"].map(|k| user.and_then(|u| number(u.get(k))));
        let secondary = items(user.and_then(|u| u.get("SecondaryGids")));
        let not_root = ids.iter().all(|id| id.is_some_and(|n| n != 0.0))
            && secondary.iter().all(|g| number(Some(g)).is_some_and(|n| n != 0.0));
        findings.push(judge_value(&p, "PosixUser", user, not_root, "a Uid and Gids other than 0"));
        let path = p.prop("RootDirectory.Path").and_then(Value::as_str).unwrap_or("/");
        let below_root = path.starts_with('/') && !path.trim_matches('/').is_empty();
        findings.push(judge(&p, "RootDirectory.Path", below_root, "a directory below /"));
    }
    findings
}
