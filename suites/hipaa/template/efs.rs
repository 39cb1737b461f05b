//! EFS: encrypted with the stack's data key, backed up, mounted only in private subnets, and a
//! file-system policy that refuses every request without TLS.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::policy::{Covered, Policy, denies_insecure_transport, text};
use stackproof_harness::kit::source::{judge, per_resource};
use stackproof_harness::source::json::is_true;
use stackproof_harness::source::template::reference;

use super::{Change, Mutation, Own, TemplateFacts, only_private_subnets, private_subnets};
use crate::hipaa::outputs::DATA_KEY_ARN;

pub const EFS_UNENCRYPTED: Mutation = Mutation {
    name: "efs-unencrypted",
    resource: "EfsFileSystem",
    property: "Encrypted",
    change: Change::Set("false"),
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

pub const EFS_POLICY_REMOVED: Mutation = Mutation {
    name: "efs-policy-removed",
    resource: "EfsFileSystem",
    property: "FileSystemPolicy",
    change: Change::Remove,
};

const FILE_SYSTEM: &str = "AWS::EFS::FileSystem";

pub const EFS_ENCRYPTED_WITH_STACK_KEY: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "EFS file systems are encrypted at rest with the stack's data key",
        remediation: "template.yml: EfsFileSystem (AWS::EFS::FileSystem) needs Encrypted: true and KmsKeyId: !GetAtt DataKey.Arn (the key output DataKeyArn names).",
        ..crate::hipaa::efs::EFS_ENCRYPTED_WITH_STACK_KEY.info
    },
    claims: &[Claim {
        property: "Encrypted",
        about: "EFS file systems are encrypted at rest with the stack's data key",
        mutants: &[&EFS_UNENCRYPTED],
        not_emulated: None,
    }],
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
    per_resource(&f.template, "AWS::EFS::MountTarget", "SubnetId", |r| {
        let ok = only_private_subnets(&private, r.prop("SubnetId"));
        vec![judge(r, "SubnetId", ok, "a private subnet of this stack")]
    })
}

pub const EFS_POLICY_DENIES_INSECURE_TRANSPORT: Check<TemplateFacts> = Check {
    info: CheckInfo {
        remediation: "template.yml: EfsFileSystem (AWS::EFS::FileSystem) FileSystemPolicy needs a statement Effect: Deny, Principal: {AWS: '*'}, Action: '*' (or elasticfilesystem:*), no NotPrincipal/NotAction, Resource absent, '*' or the file system, and Condition: {Bool: {aws:SecureTransport: 'false'}} and nothing else.",
        ..crate::hipaa::efs::EFS_POLICY_DENIES_INSECURE_TRANSPORT.info
    },
    claims: &[Claim {
        property: "FileSystemPolicy",
        about: "The EFS file-system policy denies every request made without TLS",
        mutants: &[&EFS_POLICY_REMOVED],
        not_emulated: None,
    }],
    run: efs_policy_denies_insecure_transport,
};

/// The IAM service prefix of EFS actions.
const EFS_SERVICE: &str = "elasticfilesystem";

const DENIES_INSECURE: &str =
    "a Deny of every elasticfilesystem action to everyone whenever, and only when, aws:SecureTransport is false";

fn efs_policy_denies_insecure_transport(f: &TemplateFacts) -> Vec<Finding> {
    per_resource(&f.template, FILE_SYSTEM, "FileSystemPolicy", |r| {
        vec![efs_policy_finding(r.id, r.prop("FileSystemPolicy"))]
    })
}

/// The judgement of one file system's policy as the template declares it, with the shared policy
/// model (`kit::policy`): every statement, Principal/NotPrincipal, Action/NotAction, Resource and
/// every Condition operator and key. The file system `file_system` (a logical id) counts as
/// covered by Resource `*`, `!GetAtt <id>.Arn`, `!Ref <id>`, or an absent Resource.
pub(crate) fn efs_policy_finding(file_system: &str, policy: Option<&Value>) -> Finding {
    let Some(document) = policy else {
        return Finding::judge(
            file_system,
            "FileSystemPolicy",
            false,
            DENIES_INSECURE,
            "no file-system policy",
            &policy,
        );
    };
    let target = Covered::by(file_system, |v: &Value| text(v) == "*" || reference(v) == Some(file_system));
    let (ok, actual) = match denies_insecure_transport(&Policy::parse(document), EFS_SERVICE, &[target]) {
        Ok(statements) => (true, format!("denied by {}", statements.join(", "))),
        Err(shortfall) => (false, shortfall),
    };
    Finding::judge(file_system, "FileSystemPolicy", ok, DENIES_INSECURE, actual, document)
}
