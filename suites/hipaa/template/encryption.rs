//! Data stores encrypted at rest with the stack's own key, and in transit with TLS.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::source::json::is_true;
use stackproof_harness::source::template::{reference, show};

use super::{Change, Mutation, TemplateFacts, is_stack_key, judge, per_resource};

pub const AURORA_KEY_REMOVED: Mutation =
    Mutation { name: "aurora-key-removed", resource: "AuroraCluster", property: "KmsKeyId", change: Change::Remove };

pub const EFS_UNENCRYPTED: Mutation = Mutation {
    name: "efs-unencrypted",
    resource: "EfsFileSystem",
    property: "Encrypted",
    change: Change::Set("false"),
};

pub const REDIS_TRANSIT_PLAINTEXT: Mutation = Mutation {
    name: "redis-transit-plaintext",
    resource: "RedisReplicationGroup",
    property: "TransitEncryptionEnabled",
    change: Change::Set("false"),
};

pub const AURORA_TLS_OPTIONAL: Mutation = Mutation {
    name: "aurora-tls-optional",
    resource: "DbClusterParameterGroup",
    property: "Parameters.require_secure_transport",
    change: Change::Set("\"OFF\""),
};

pub const EFS_POLICY_REMOVED: Mutation = Mutation {
    name: "efs-policy-removed",
    resource: "EfsFileSystem",
    property: "FileSystemPolicy",
    change: Change::Remove,
};

pub const AURORA_ENCRYPTED_WITH_STACK_KEY: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "aurora_encrypted_with_stack_key",
        service: "rds",
        title: "Aurora storage is encrypted with a KMS key the stack creates",
        citations: &["45 CFR 164.312(a)(2)(iv)"],
        severity: Severity::Critical,
        risk: "Patient records at rest readable from disks, snapshots or backups without the stack's key policy.",
        remediation: "template.yml: AuroraCluster (AWS::RDS::DBCluster) needs StorageEncrypted: true and KmsKeyId: !GetAtt DataKey.Arn.",
    },
    mutant: &AURORA_KEY_REMOVED,
    run: aurora_encrypted_with_stack_key,
};

fn aurora_encrypted_with_stack_key(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    per_resource(t, "AWS::RDS::DBCluster", "StorageEncrypted", |r| {
        vec![
            judge(r, "StorageEncrypted", is_true(r.prop("StorageEncrypted")), true),
            judge(r, "KmsKeyId", is_stack_key(t, r.prop("KmsKeyId")), "a KMS key of this stack"),
        ]
    })
}

pub const EFS_ENCRYPTED_WITH_STACK_KEY: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "efs_encrypted_with_stack_key",
        service: "efs",
        title: "EFS file systems are encrypted with a KMS key the stack creates",
        citations: &["45 CFR 164.312(a)(2)(iv)"],
        severity: Severity::Critical,
        risk: "Shared patient files stored unencrypted, or under a key outside the stack's control.",
        remediation: "template.yml: EfsFileSystem (AWS::EFS::FileSystem) needs Encrypted: true and KmsKeyId: !GetAtt DataKey.Arn.",
    },
    mutant: &EFS_UNENCRYPTED,
    run: efs_encrypted_with_stack_key,
};

fn efs_encrypted_with_stack_key(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    per_resource(t, "AWS::EFS::FileSystem", "Encrypted", |r| {
        vec![
            judge(r, "Encrypted", is_true(r.prop("Encrypted")), true),
            judge(r, "KmsKeyId", is_stack_key(t, r.prop("KmsKeyId")), "a KMS key of this stack"),
        ]
    })
}

pub const REDIS_ENCRYPTED_AT_REST_AND_IN_TRANSIT: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "redis_encrypted_at_rest_and_in_transit",
        service: "elasticache",
        title: "Redis is encrypted at rest with the stack's key and in transit with TLS",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(e)(2)(ii)"],
        severity: Severity::Critical,
        risk: "Session data, which can carry PHI, readable on the wire or from cache snapshots.",
        remediation: "template.yml: RedisReplicationGroup (AWS::ElastiCache::ReplicationGroup) needs AtRestEncryptionEnabled: true, KmsKeyId: !GetAtt DataKey.Arn and TransitEncryptionEnabled: true.",
    },
    mutant: &REDIS_TRANSIT_PLAINTEXT,
    run: redis_encrypted_at_rest_and_in_transit,
};

fn redis_encrypted_at_rest_and_in_transit(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    per_resource(t, "AWS::ElastiCache::ReplicationGroup", "TransitEncryptionEnabled", |r| {
        vec![
            judge(r, "AtRestEncryptionEnabled", is_true(r.prop("AtRestEncryptionEnabled")), true),
            judge(r, "KmsKeyId", is_stack_key(t, r.prop("KmsKeyId")), "a KMS key of this stack"),
            judge(r, "TransitEncryptionEnabled", is_true(r.prop("TransitEncryptionEnabled")), true),
        ]
    })
}

pub const AURORA_REQUIRES_TLS: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "aurora_requires_tls",
        service: "rds",
        title: "Aurora's cluster parameter group refuses connections without TLS",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.312(e)(2)(ii)"],
        severity: Severity::High,
        risk: "Database sessions, and the PHI in them, can cross the network in clear text.",
        remediation: "template.yml: DbClusterParameterGroup (AWS::RDS::DBClusterParameterGroup) Parameters.require_secure_transport: 'ON', referenced by AuroraCluster DBClusterParameterGroupName.",
    },
    mutant: &AURORA_TLS_OPTIONAL,
    run: aurora_requires_tls,
};

fn aurora_requires_tls(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    per_resource(t, "AWS::RDS::DBCluster", "DBClusterParameterGroupName", |cluster| {
        let Some(group) = cluster.prop("DBClusterParameterGroupName").and_then(reference).and_then(|id| t.resource(id))
        else {
            return vec![judge(cluster, "DBClusterParameterGroupName", false, "a parameter group of this stack")];
        };
        let value = group.prop("Parameters.require_secure_transport");
        let on = matches!(value, Some(Value::String(s)) if s.eq_ignore_ascii_case("on") || s == "1")
            || matches!(value, Some(Value::Number(n)) if n.as_u64() == Some(1));
        vec![judge(&group, "Parameters.require_secure_transport", on, "ON")]
    })
}

/// A Deny statement for requests whose `aws:SecureTransport` is false.
fn denies_plaintext(policy: Option<&Value>) -> bool {
    let statements = match policy.and_then(|p| p.get("Statement")) {
        Some(Value::Array(s)) => s.clone(),
        Some(one) => vec![one.clone()],
        None => return false,
    };
    statements.iter().any(|s| {
        s.get("Effect").and_then(Value::as_str) == Some("Deny")
            && s.pointer("/Condition/Bool/aws:SecureTransport").is_some_and(|v| !is_true(Some(v)))
    })
}

pub const EFS_REQUIRES_TLS: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "efs_requires_tls",
        service: "efs",
        title: "EFS refuses NFS without TLS, and the tasks mount it with transit encryption",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.312(e)(2)(ii)"],
        severity: Severity::High,
        risk: "Patient files can be read or written over unencrypted NFS.",
        remediation: "template.yml: EfsFileSystem FileSystemPolicy needs a Deny statement on aws:SecureTransport false; TaskDefinition Volumes[].EFSVolumeConfiguration.TransitEncryption: ENABLED.",
    },
    mutant: &EFS_POLICY_REMOVED,
    run: efs_requires_tls,
};

fn efs_requires_tls(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let mut findings = per_resource(t, "AWS::EFS::FileSystem", "FileSystemPolicy", |r| {
        vec![judge(
            r,
            "FileSystemPolicy",
            denies_plaintext(r.prop("FileSystemPolicy")),
            "a Deny on aws:SecureTransport false",
        )]
    });
    for task in t.resources_of("AWS::ECS::TaskDefinition") {
        let volumes = task.prop("Volumes").and_then(Value::as_array).cloned().unwrap_or_default();
        for (i, v) in volumes.iter().enumerate().filter(|(_, v)| v.get("EFSVolumeConfiguration").is_some()) {
            let mode = v.pointer("/EFSVolumeConfiguration/TransitEncryption");
            let property = format!("Volumes[{i}].EFSVolumeConfiguration.TransitEncryption");
            findings.push(Finding::judge(
                task.id,
                property,
                mode.and_then(Value::as_str) == Some("ENABLED"),
                "ENABLED",
                show(mode),
                &v,
            ));
        }
    }
    findings
}
