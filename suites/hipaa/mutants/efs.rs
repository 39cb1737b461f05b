//! Breakages of the efs checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const EFS_UNENCRYPTED: Mutant = Mutant {
    name: "efs-unencrypted",
    about: "the file system created with Encrypted=false",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "Encrypted",
};

pub const EFS_ENCRYPTED_WITH_LOGS_KEY: Mutant = Mutant {
    name: "efs-encrypted-with-logs-key",
    about: "the file system created encrypted under the stack's logs key instead of its data key",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "KmsKeyId",
};

pub const EFS_BACKUP_OFF: Mutant = Mutant {
    name: "efs-backup-off",
    about: "the file system created with Backup=false (PutBackupPolicy is not emulated)",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "BackupPolicy.Status",
};

pub const EFS_MOUNT_TARGET_PUBLIC_SUBNET: Mutant = Mutant {
    name: "efs-mount-target-public-subnet",
    about: "the second mount target created in the second public subnet",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "SubnetId",
};

pub const EFS_MOUNT_TARGET_ONE_AZ: Mutant = Mutant {
    name: "efs-mount-target-one-az",
    about: "the second mount target never created",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "AvailabilityZoneName (coverage)",
};

pub const EFS_MOUNT_TARGET_FOREIGN_SG: Mutant = Mutant {
    name: "efs-mount-target-foreign-sg",
    about: "ModifyMountTargetSecurityGroups on the first mount target: the app tier's group",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "SecurityGroups",
};

pub const EFS_MOUNT_TARGET_EXTRA_SG: Mutant = Mutant {
    name: "efs-mount-target-extra-sg",
    about: "ModifyMountTargetSecurityGroups on the second mount target: the EFS group and the app tier's beside it",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "SecurityGroups",
};

pub const EFS_POLICY_ALLOWS_PLAIN_NFS: Mutant = Mutant {
    name: "efs-policy-allows-plain-nfs",
    about: "the file-system policy without its Deny on aws:SecureTransport=false",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "Policy",
};

pub const EFS_POLICY_DENY_ONE_ROLE: Mutant = Mutant {
    name: "efs-policy-deny-one-role",
    about: "the policy's Deny of plain NFS applies to the task role only (Principal: the role, not *)",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "Policy.Statement.Principal",
};

pub const EFS_POLICY_DENY_WRITES_ONLY: Mutant = Mutant {
    name: "efs-policy-deny-writes-only",
    about: "the policy's Deny of plain NFS covers elasticfilesystem:ClientWrite only: plain mounts and reads pass",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "Policy.Statement.Action",
};

pub const EFS_POLICY_DENY_OTHER_FILE_SYSTEM: Mutant = Mutant {
    name: "efs-policy-deny-other-file-system",
    about: "the policy's Deny of plain NFS scoped by Resource to another file system's ARN (a policy copied from another deployment)",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "Policy.Statement.Resource",
};

pub const EFS_POLICY_DENY_EXEMPTS_ROLE: Mutant = Mutant {
    name: "efs-policy-deny-exempts-role",
    about: "the policy's Deny of plain NFS gains Condition StringNotEquals aws:PrincipalArn (the task role): the role may mount without TLS",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "Policy.Statement.Condition",
};

pub const EFS_POLICY_ALLOWS_EVERYONE: Mutant = Mutant {
    name: "efs-policy-allows-everyone",
    about: "a third statement in the policy: Allow ClientMount, ClientWrite and ClientRootAccess to {AWS: *}",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "Policy.Statement (Allow to everyone)",
};

pub const EFS_ACCESS_POINT_MISSING: Mutant = Mutant {
    name: "efs-access-point-missing",
    about: "the patient data access point never created",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "AccessPoints",
};

pub const EFS_ACCESS_POINT_ROOT_USER: Mutant = Mutant {
    name: "efs-access-point-root-user",
    about: "a second access point, for administration, whose POSIX user is uid 0 / gid 0 (root)",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "PosixUser",
};

pub const EFS_ACCESS_POINT_AT_ROOT: Mutant = Mutant {
    name: "efs-access-point-at-root",
    about: "the patient data access point created with RootDirectory / (the whole file system)",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "RootDirectory.Path",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &EFS_UNENCRYPTED,
    &EFS_ENCRYPTED_WITH_LOGS_KEY,
    &EFS_BACKUP_OFF,
    &EFS_MOUNT_TARGET_PUBLIC_SUBNET,
    &EFS_MOUNT_TARGET_ONE_AZ,
    &EFS_MOUNT_TARGET_FOREIGN_SG,
    &EFS_MOUNT_TARGET_EXTRA_SG,
    &EFS_POLICY_ALLOWS_PLAIN_NFS,
    &EFS_POLICY_DENY_ONE_ROLE,
    &EFS_POLICY_DENY_WRITES_ONLY,
    &EFS_POLICY_DENY_OTHER_FILE_SYSTEM,
    &EFS_POLICY_DENY_EXEMPTS_ROLE,
    &EFS_POLICY_ALLOWS_EVERYONE,
    &EFS_ACCESS_POINT_MISSING,
    &EFS_ACCESS_POINT_ROOT_USER,
    &EFS_ACCESS_POINT_AT_ROOT,
];
