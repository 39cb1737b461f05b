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

pub const EFS_POLICY_ALLOWS_PLAIN_NFS: Mutant = Mutant {
    name: "efs-policy-allows-plain-nfs",
    about: "the file-system policy without its Deny on aws:SecureTransport=false",
    output: o::EFS_FILE_SYSTEM_ID,
    nth: 0,
    property: "Policy",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &EFS_UNENCRYPTED,
    &EFS_BACKUP_OFF,
    &EFS_MOUNT_TARGET_PUBLIC_SUBNET,
    &EFS_MOUNT_TARGET_ONE_AZ,
    &EFS_MOUNT_TARGET_FOREIGN_SG,
    &EFS_POLICY_ALLOWS_PLAIN_NFS,
];
