//! EFS: encryption with the stack key, backups, private mount targets across AZs behind the EFS
//! group only, a file-system policy that refuses plain NFS and grants no one at large, and access
//! points that impose a user and a directory.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::ec2::Network;
use stackproof_harness::facts::efs::{AccessPoint, MountTarget};
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::kit::fact::{judge_both, judge_fact, judge_named};
use stackproof_harness::kit::policy::{Condition, Covered, Policy, Principal, Statement, text};

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
    EFS_ACCESS_POINTS_PIN_USER_AND_DIRECTORY,
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
    claims: &[
        Claim {
            property: "Encrypted",
            about: "The file system is encrypted at rest",
            mutants: &[&mutants::EFS_UNENCRYPTED],
            not_emulated: None,
        },
        Claim {
            property: "KmsKeyId",
            about: "The key it is encrypted with is the stack's data key (DataKeyArn), not another key of the stack or an AWS managed key",
            mutants: &[&mutants::EFS_ENCRYPTED_WITH_LOGS_KEY],
            not_emulated: None,
        },
    ],
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
        about: "The file system's backup policy is ENABLED (no policy, DISABLED, ENABLING or DISABLING fail)",
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
        about: "Every mount target of the file system (as DescribeMountTargets lists them; none fails) sits in one of the stack's private subnets",
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
        about: "Every zone of the stack's private subnets holds an available mount target of the file system (one being created or deleted does not count)",
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
    // A mount target that is being created, deleted or has failed serves no client in its zone.
    let covered: BTreeSet<&str> = targets
        .iter()
        .filter(|t| t.life_cycle_state == "available")
        .filter_map(|t| t.availability_zone_name.as_deref())
        .collect();
    let missing: Vec<&str> = needed.difference(&covered).copied().collect();
    let evidence = json!({
        "PrivateSubnetZones": needed,
        "MountTargets": targets
            .iter()
            .map(|t| json!({"MountTargetId": t.mount_target_id, "AvailabilityZoneName": t.availability_zone_name,
                            "LifeCycleState": t.life_cycle_state}))
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
        about: "Every mount target's attached groups (DescribeMountTargetSecurityGroups, not the outputs) are exactly the stack's EFS group: another group instead of it, or beside it, fails",
        mutants: &[&mutants::EFS_MOUNT_TARGET_FOREIGN_SG, &mutants::EFS_MOUNT_TARGET_EXTRA_SG],
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
        title: "The EFS file-system policy denies every request made without TLS, and grants no one at large",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.312(e)(2)(ii)", "45 CFR 164.312(a)(1)"],
        severity: Severity::High,
        risk: "Clients may mount without TLS and carry PHI over NFS in clear text; an Allow for everyone lets any client that reaches a mount target mount, write or act as root on the shared PHI store.",
        remediation: "template.yml: EfsFileSystem (AWS::EFS::FileSystem) FileSystemPolicy needs a statement Effect: Deny, Principal: {AWS: '*'}, Action: '*', no Resource (or the file system), Condition: {Bool: {aws:SecureTransport: 'false'}} and nothing else; Allow statements name the task role, never '*'.",
    },
    claims: &[
        Claim {
            property: POLICY.policy,
            about: "The file system has a policy, and it holds a Deny statement (the policy is judged over every statement)",
            mutants: &[&mutants::EFS_POLICY_ALLOWS_PLAIN_NFS],
            not_emulated: None,
        },
        Claim {
            property: POLICY.principal,
            about: "The Deny applies to everyone: Principal '*' or {AWS: '*'}, no NotPrincipal",
            mutants: &[&mutants::EFS_POLICY_DENY_ONE_ROLE],
            not_emulated: None,
        },
        Claim {
            property: POLICY.action,
            about: "The Deny covers every EFS action ('*' or elasticfilesystem:*), no NotAction",
            mutants: &[&mutants::EFS_POLICY_DENY_WRITES_ONLY],
            not_emulated: None,
        },
        Claim {
            property: POLICY.resource,
            about: "The Deny covers this file system (no Resource, '*', or a pattern matching its ARN)",
            mutants: &[&mutants::EFS_POLICY_DENY_OTHER_FILE_SYSTEM],
            not_emulated: None,
        },
        Claim {
            property: POLICY.condition,
            about: "The Deny applies whenever, and only when, aws:SecureTransport is false: any other operator or key exempts someone",
            mutants: &[&mutants::EFS_POLICY_DENY_EXEMPTS_ROLE],
            not_emulated: None,
        },
        Claim {
            property: POLICY.allow,
            about: "No Allow statement grants ClientMount, ClientWrite or ClientRootAccess on the file system to everyone (Principal '*', {AWS: '*'} or NotPrincipal) unless a condition names the principals",
            mutants: &[&mutants::EFS_POLICY_ALLOWS_EVERYONE],
            not_emulated: None,
        },
    ],
    run: efs_policy_denies_insecure_transport,
};

/// The names a file-system policy's findings give each claim: the live suite reads the policy as
/// DescribeFileSystemPolicy's `Policy`, the template as the `FileSystemPolicy` property.
pub(crate) struct PolicyProperties {
    pub policy: &'static str,
    pub principal: &'static str,
    pub action: &'static str,
    pub resource: &'static str,
    pub condition: &'static str,
    pub allow: &'static str,
}

/// The live suite's names.
pub(crate) const POLICY: PolicyProperties = PolicyProperties {
    policy: "Policy",
    principal: "Policy.Statement.Principal",
    action: "Policy.Statement.Action",
    resource: "Policy.Statement.Resource",
    condition: "Policy.Statement.Condition",
    allow: "Policy.Statement (Allow to everyone)",
};

/// The IAM service prefix of EFS actions.
const EFS_SERVICE: &str = "elasticfilesystem";

/// What the policy must do, in the findings' words.
const DENY_PLAIN_NFS: &str = "a Deny of every elasticfilesystem action to everyone when aws:SecureTransport is false";

/// The actions that let a client use the file system's data.
const CLIENT_ACTIONS: [&str; 3] =
    ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"];

/// Condition keys that name who a statement applies to, and the operators that restrict a
/// statement to the values listed (IfExists and negated forms would admit anonymous clients).
const PRINCIPAL_KEYS: [&str; 4] = ["aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:userid"];
const RESTRICTING: [&str; 4] = ["StringEquals", "StringLike", "ArnEquals", "ArnLike"];

/// What keeps one Deny statement from refusing plain NFS to everyone on the file system, by the
/// part of the statement each claim judges; `None`/empty where that part holds.
struct DenyGaps {
    principal: Option<String>,
    action: Option<String>,
    resource: Option<String>,
    condition: Vec<String>,
}

impl DenyGaps {
    fn of(s: &Statement, fs: &Covered) -> Self {
        let principal = if s.not_principal.is_some() {
            Some("NotPrincipal exempts principals".to_owned())
        } else {
            (!s.applies_to_everyone()).then(|| "Principal is not everyone (*)".to_owned())
        };
        let action = (!s.covers_all_actions_of(EFS_SERVICE)).then(|| match &s.not_action {
            Some(_) => format!("NotAction exempts {EFS_SERVICE} actions"),
            None => format!("Action {} is not every {EFS_SERVICE} action", s.actions().join(",")),
        });
        let resource = (!s.covers_resource_by(&fs.matches)).then(|| format!("Resource does not cover {}", fs.name));
        let mut condition = Vec::new();
        if !s.conditions.iter().any(Condition::is_insecure_transport) {
            condition.push("no Condition Bool aws:SecureTransport=false".to_owned());
        }
        for extra in s.conditions_except(Condition::is_insecure_transport) {
            condition.push(format!("Condition also {} (exempts requests)", extra.describe()));
        }
        Self { principal, action, resource, condition }
    }

    /// How many parts fall short: the Deny closest to the requirement has fewest.
    fn count(&self) -> usize {
        [self.principal.is_some(), self.action.is_some(), self.resource.is_some(), !self.condition.is_empty()]
            .iter()
            .filter(|g| **g)
            .count()
    }
}

/// The file-system policy judgement, live and static alike, over every statement of `policy`
/// (none when the file system has none): a Deny that refuses every EFS action on `fs` to
/// everyone whenever, and only when, a request is made without TLS, judged part by part on the
/// Deny closest to it; and no Allow that grants client access to everyone.
pub(crate) fn efs_policy_findings(
    resource: &str,
    p: &PolicyProperties,
    policy: Option<&Value>,
    fs: &Covered,
) -> Vec<Finding> {
    let Some(doc) = policy else {
        return vec![Finding::judge(resource, p.policy, false, DENY_PLAIN_NFS, "no file-system policy", &policy)];
    };
    let parsed = Policy::parse(doc);
    let mut findings = deny_findings(resource, p, &parsed, fs, doc);
    findings.push(allow_finding(resource, p, &parsed, fs, doc));
    findings
}

fn deny_findings(resource: &str, p: &PolicyProperties, policy: &Policy, fs: &Covered, doc: &Value) -> Vec<Finding> {
    let denies: Vec<(&Statement, DenyGaps)> = policy.denies().map(|s| (s, DenyGaps::of(s, fs))).collect();
    // The first of the closest: a complete Deny if there is one.
    let Some((s, gaps)) = denies.iter().min_by_key(|(_, g)| g.count()) else {
        let actual = if policy.statements.is_empty() { "the policy has no statements" } else { "no Deny statement" };
        return vec![Finding::judge(resource, p.policy, false, DENY_PLAIN_NFS, actual, doc)];
    };
    let label = s.label();
    let part = |property: &str, gap: Option<String>, expected: &str, holds: &str| {
        let actual = format!("{label}: {}", gap.as_deref().unwrap_or(holds));
        Finding::judge(resource, property, gap.is_none(), expected, actual, doc)
    };
    let closest = if gaps.count() == 0 { "denies requests without TLS" } else { "is the closest Deny" };
    vec![
        Finding::judge(resource, p.policy, true, DENY_PLAIN_NFS, format!("{label} {closest}"), doc),
        part(p.principal, gaps.principal.clone(), "everyone (*), no NotPrincipal", "everyone"),
        part(p.action, gaps.action.clone(), "every elasticfilesystem action, no NotAction", "every action"),
        part(p.resource, gaps.resource.clone(), &format!("covers {}", fs.name), "covers the file system"),
        part(
            p.condition,
            (!gaps.condition.is_empty()).then(|| gaps.condition.join("; ")),
            "Bool aws:SecureTransport=false and nothing else",
            "only when aws:SecureTransport is false",
        ),
    ]
}

/// True if a condition of `s` restricts it to principals it names.
fn names_principals(s: &Statement) -> bool {
    s.conditions.iter().any(|c| {
        RESTRICTING.iter().any(|o| c.operator.eq_ignore_ascii_case(o))
            && PRINCIPAL_KEYS.iter().any(|k| c.key.eq_ignore_ascii_case(k))
            && !c.values.is_empty()
            && c.values.iter().all(|v| text(v) != "*")
    })
}

/// The client actions `s` grants to everyone on `fs`, if any.
fn granted_to_everyone(s: &Statement, fs: &Covered) -> Vec<&'static str> {
    let everyone = s.not_principal.is_some() || s.principal.as_ref().is_some_and(Principal::is_everyone);
    if !s.allows() || !everyone || names_principals(s) || !s.covers_resource_by(&fs.matches) {
        return Vec::new();
    }
    CLIENT_ACTIONS.into_iter().filter(|a| s.covers_action(a)).collect()
}

fn allow_finding(resource: &str, p: &PolicyProperties, policy: &Policy, fs: &Covered, doc: &Value) -> Finding {
    let open: Vec<String> = policy
        .allows()
        .filter_map(|s| {
            let granted = granted_to_everyone(s, fs);
            (!granted.is_empty()).then(|| format!("{} allows {} to everyone", s.label(), granted.join(", ")))
        })
        .collect();
    let actual = if open.is_empty() { "no Allow grants client access to everyone".to_owned() } else { open.join("; ") };
    Finding::judge(resource, p.allow, open.is_empty(), "no Allow of client access to everyone", actual, doc)
}

fn efs_policy_denies_insecure_transport(f: &HipaaFacts) -> Vec<Finding> {
    let p = &f.data.efs_policy;
    judge_both((p, &f.data.file_system), POLICY.policy, |policy, fs| {
        efs_policy_findings(&p.resource, &POLICY, policy.policy.as_ref(), &Covered::arn(&fs.file_system_arn))
    })
}

pub const EFS_ACCESS_POINTS_PIN_USER_AND_DIRECTORY: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "efs_access_points_pin_user_and_directory",
        service: "efs",
        title: "The EFS file system has its access point, and every access point imposes a non-root POSIX user and a root directory below /",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(4)(ii)(B)"],
        severity: Severity::High,
        risk: "Through an access point without a POSIX user, clients act as whatever user they claim, root included; one rooted at / opens every directory of the shared PHI store, not just the application's.",
        remediation: "template.yml: EfsAccessPoint (AWS::EFS::AccessPoint) PosixUser: {Uid: '1000', Gid: '1000'} and RootDirectory: {Path: /patient-data, CreationInfo: ...}; access points are replaced, not modified.",
    },
    claims: &[
        Claim {
            property: "AccessPoints",
            about: "The file system has at least one access point (the stack declares one); an empty list fails",
            mutants: &[&mutants::EFS_ACCESS_POINT_MISSING],
            not_emulated: None,
        },
        Claim {
            property: "PosixUser",
            about: "Every access point imposes a POSIX user whose uid, gid and secondary gids are not 0 (root)",
            mutants: &[&mutants::EFS_ACCESS_POINT_ROOT_USER],
            not_emulated: None,
        },
        Claim {
            property: "RootDirectory.Path",
            about: "Every access point roots its clients in a directory below / (absent means /)",
            mutants: &[&mutants::EFS_ACCESS_POINT_AT_ROOT],
            not_emulated: None,
        },
    ],
    run: efs_access_points_pin_user_and_directory,
};

fn efs_access_points_pin_user_and_directory(f: &HipaaFacts) -> Vec<Finding> {
    let a = &f.data.efs_access_points;
    judge_named(a, "AccessPoints", |points| {
        let ids: Vec<&str> = points.iter().map(|p| p.access_point_id.as_str()).collect();
        let listed = if ids.is_empty() { "none".to_owned() } else { ids.join(", ") };
        let mut findings = vec![Finding::judge(
            &a.resource,
            "AccessPoints",
            !ids.is_empty(),
            "at least one access point",
            listed,
            &ids,
        )];
        for p in points {
            findings.extend(access_point_findings(&format!("{}/{}", a.resource, p.access_point_id), p));
        }
        findings
    })
}

/// The user and directory one access point imposes.
fn access_point_findings(resource: &str, p: &AccessPoint) -> [Finding; 2] {
    let (user_ok, user) = match &p.posix_user {
        Some(u) => {
            let root = u.uid == 0 || u.gid == 0 || u.secondary_gids.contains(&0);
            (!root, format!("uid {}, gid {}, secondary gids {:?}", u.uid, u.gid, u.secondary_gids))
        }
        None => (false, "none (clients keep the user they claim)".to_owned()),
    };
    let path = p.root_directory.as_deref().unwrap_or("/");
    // `/`, `//` or empty all mean the file system's root.
    let below_root = path.starts_with('/') && !path.trim_matches('/').is_empty();
    [
        Finding::judge(resource, "PosixUser", user_ok, "a uid and gids other than 0", user, p),
        Finding::judge(resource, "RootDirectory.Path", below_root, "a directory below /", path, p),
    ]
}

#[cfg(test)]
mod tests {
    use stackproof_harness::check::Status;

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

    fn findings_of(statements: Value) -> Vec<Finding> {
        let policy = json!({"Version": "2012-10-17", "Statement": statements});
        efs_policy_findings(FS_ID, &POLICY, Some(&policy), &Covered::arn(FS_ARN))
    }

    /// The findings on a policy whose Deny is `deny` edited by `edit`, beside the task's Allow.
    fn judged(edit: impl FnOnce(&mut Value)) -> Vec<Finding> {
        let mut statement = deny();
        edit(&mut statement);
        findings_of(json!([statement, allow_task()]))
    }

    /// The only failing findings are on `property`, and one says `gap`.
    fn fails_saying(findings: &[Finding], property: &str, gap: &str) {
        let failed: Vec<&Finding> = findings.iter().filter(|f| f.status == Status::Fail).collect();
        assert!(!failed.is_empty(), "nothing failed: {findings:?}");
        for f in &failed {
            assert_eq!((f.resource.as_str(), f.property.as_str()), (FS_ID, property), "{}", f.message());
        }
        assert!(failed.iter().any(|f| f.actual.contains(gap)), "no failure says {gap}: {failed:?}");
    }

    fn passes(findings: &[Finding]) {
        assert!(findings.iter().all(|f| f.status == Status::Pass), "{findings:?}");
    }

    #[test]
    fn the_template_policy_passes_every_claim_naming_the_deny() {
        let findings = judged(|_| {});
        passes(&findings);
        let properties: Vec<&str> = findings.iter().map(|f| f.property.as_str()).collect();
        assert_eq!(
            properties,
            [POLICY.policy, POLICY.principal, POLICY.action, POLICY.resource, POLICY.condition, POLICY.allow]
        );
        assert!(findings[0].actual.contains("DenyUnencryptedTransport"), "{}", findings[0].actual);
    }

    #[test]
    fn no_policy_no_statements_or_no_deny_fail_the_policy_claim() {
        let none = efs_policy_findings(FS_ID, &POLICY, None, &Covered::arn(FS_ARN));
        fails_saying(&none, POLICY.policy, "no file-system policy");
        fails_saying(&findings_of(json!([])), POLICY.policy, "the policy has no statements");
        fails_saying(&findings_of(json!([allow_task()])), POLICY.policy, "no Deny statement");
    }

    #[test]
    fn each_part_of_the_deny_is_its_own_claim() {
        fails_saying(
            &judged(|s| s["Principal"] = json!({"AWS": "arn:aws:iam::123456789012:role/x"})),
            POLICY.principal,
            "Principal is not everyone",
        );
        fails_saying(
            &judged(|s| {
                s.as_object_mut().map(|o| o.remove("Principal"));
                s["NotPrincipal"] = json!({"AWS": "arn:aws:iam::123456789012:root"});
            }),
            POLICY.principal,
            "NotPrincipal exempts",
        );
        fails_saying(
            &judged(|s| s["Action"] = json!(["elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"])),
            POLICY.action,
            "is not every elasticfilesystem action",
        );
        fails_saying(&judged(|s| s["Action"] = json!("elasticfilesystem:Client*")), POLICY.action, "is not every");
        let other = FS_ARN.replace("fs-0123456789abcdef0", "fs-0fedcba9876543210");
        fails_saying(&judged(|s| s["Resource"] = json!(other)), POLICY.resource, "Resource does not cover");
        fails_saying(
            &judged(|s| s["Condition"] = json!({"Bool": {"aws:SecureTransport": "true"}})),
            POLICY.condition,
            "no Condition Bool aws:SecureTransport=false",
        );
    }

    #[test]
    fn an_extra_condition_on_the_deny_fails() {
        // Another key under the same operator, and another operator: each exempts requests.
        fails_saying(
            &judged(|s| s["Condition"]["Bool"]["aws:ViaAWSService"] = json!("false")),
            POLICY.condition,
            "Condition also Bool aws:ViaAWSService",
        );
        fails_saying(
            &judged(|s| s["Condition"]["StringNotEquals"] = json!({"aws:PrincipalAccount": "123456789012"})),
            POLICY.condition,
            "Condition also StringNotEquals aws:PrincipalAccount",
        );
    }

    #[test]
    fn a_deny_on_this_file_system_holds_and_the_closest_deny_is_judged() {
        passes(&judged(|s| s["Resource"] = json!(FS_ARN)));
        passes(&judged(|s| {
            s["Resource"] = json!("arn:aws:elasticfilesystem:*:*:file-system/*");
            s["Action"] = json!("elasticfilesystem:*");
        }));
        // A narrow Deny first and a complete one after: the complete one decides.
        let mut narrow = deny();
        narrow["Action"] = json!("elasticfilesystem:ClientWrite");
        passes(&findings_of(json!([narrow, deny(), allow_task()])));
    }

    #[test]
    fn an_allow_to_everyone_fails_unless_a_condition_names_the_principals() {
        let open = |edit: &dyn Fn(&mut Value)| {
            let mut allow = allow_task();
            allow["Principal"] = json!({"AWS": "*"});
            edit(&mut allow);
            findings_of(json!([deny(), allow]))
        };
        // The mount target condition does not say who: still everyone.
        fails_saying(
            &open(&|_| {}),
            POLICY.allow,
            "allows elasticfilesystem:ClientMount, elasticfilesystem:ClientWrite",
        );
        fails_saying(&open(&|a| a["Principal"] = json!("*")), POLICY.allow, "to everyone");
        fails_saying(
            &open(&|a| {
                a.as_object_mut().map(|o| o.remove("Principal"));
                a["NotPrincipal"] = json!({"AWS": "arn:aws:iam::123456789012:role/x"});
                a["Action"] = json!("elasticfilesystem:*");
            }),
            POLICY.allow,
            "ClientRootAccess",
        );
        let account = |op: &str| open(&|a| a["Condition"][op] = json!({"aws:PrincipalAccount": "123456789012"}));
        passes(&account("StringEquals"));
        fails_saying(&account("StringEqualsIfExists"), POLICY.allow, "to everyone");
        fails_saying(&account("StringNotEquals"), POLICY.allow, "to everyone");
        passes(&open(&|a| a["Action"] = json!("elasticfilesystem:DescribeMountTargets")));
        passes(&open(&|a| a["Resource"] = json!(FS_ARN.replace("fs-0123456789abcdef0", "fs-0fedcba9876543210"))));
    }

    fn point(uid: i64, path: Option<&str>) -> AccessPoint {
        AccessPoint {
            access_point_id: "fsap-1".into(),
            access_point_arn: None,
            name: None,
            life_cycle_state: Some("available".into()),
            posix_user: Some(stackproof_harness::facts::efs::PosixUser { uid, gid: 1000, secondary_gids: vec![] }),
            root_directory: path.map(str::to_owned),
        }
    }

    #[test]
    fn access_points_need_a_non_root_user_and_a_directory_below_root() {
        let statuses = |p: &AccessPoint| access_point_findings("fs/fsap-1", p).map(|f| f.status);
        assert_eq!(statuses(&point(1000, Some("/patient-data"))), [Status::Pass, Status::Pass]);
        assert_eq!(statuses(&point(0, Some("/patient-data"))), [Status::Fail, Status::Pass]);
        for root in [None, Some("/"), Some("//"), Some("")] {
            assert_eq!(statuses(&point(1000, root)), [Status::Pass, Status::Fail], "{root:?}");
        }
        let mut no_user = point(1000, Some("/patient-data"));
        no_user.posix_user = None;
        assert_eq!(statuses(&no_user), [Status::Fail, Status::Pass]);
        let mut root_group = point(1000, Some("/d"));
        if let Some(u) = root_group.posix_user.as_mut() {
            u.secondary_gids = vec![0];
        }
        assert_eq!(statuses(&root_group), [Status::Fail, Status::Pass]);
    }
}
