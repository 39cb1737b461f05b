//! Breakages of the naming checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const DR_BUCKET_UNSUFFIXED: Mutant = Mutant {
    name: "dr-bucket-unsuffixed",
    about: "the DR bucket named healthcare-data-dr-replica (no suffix; one per emulator)",
    output: o::DR_BUCKET_NAME,
    nth: 0,
    property: "Name",
};

pub const APP_LOG_GROUP_SUFFIX_GLUED: Mutant = Mutant {
    name: "app-log-group-suffix-glued",
    about: "the app log group named /healthcare-dr/<suffix>app: the suffix inside the name, glued to a word, not a token",
    output: o::APP_LOG_GROUP_NAME,
    nth: 0,
    property: "Name",
};

pub const DR_SUBNET_NAME_UNSUFFIXED: Mutant = Mutant {
    name: "dr-subnet-name-unsuffixed",
    about: "the first DR private subnet tagged Name healthcare-dr-private-1, without the suffix",
    output: o::DR_PRIVATE_SUBNET_IDS,
    nth: 0,
    property: "Tags.Name",
};

pub const PRIMARY_DB_SG_NAME_UNSUFFIXED: Mutant = Mutant {
    name: "primary-db-sg-name-unsuffixed",
    about: "the primary database security group created as GroupName healthcare-primary-db-sg (its Name tag keeps the suffix)",
    output: o::PRIMARY_DB_SECURITY_GROUP_ID,
    nth: 0,
    property: "GroupName",
};

pub const DR_INSTANCE_UNSUFFIXED: Mutant = Mutant {
    name: "dr-instance-unsuffixed",
    about: "a second instance added to the DR cluster as healthcare-db-dr-reader, without the suffix",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "DBInstanceIdentifier",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &DR_BUCKET_UNSUFFIXED,
    &APP_LOG_GROUP_SUFFIX_GLUED,
    &DR_SUBNET_NAME_UNSUFFIXED,
    &PRIMARY_DB_SG_NAME_UNSUFFIXED,
    &DR_INSTANCE_UNSUFFIXED,
];
