//! Breakages of the security_groups checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const DB_INGRESS_FROM_LOAD_BALANCER: Mutant = Mutant {
    name: "db-ingress-from-load-balancer",
    about: "the database group also admits the load balancer's group on 3306",
    output: o::DATABASE_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions",
};

pub const CACHE_INGRESS_EXTRA_PORT: Mutant = Mutant {
    name: "cache-ingress-extra-port",
    about: "the cache group also admits the app tier on port 22",
    output: o::CACHE_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions",
};

pub const EFS_INGRESS_FROM_VPC_CIDR: Mutant = Mutant {
    name: "efs-ingress-from-vpc-cidr",
    about: "the EFS group also admits the whole VPC CIDR on 2049",
    output: o::EFS_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions",
};

pub const APP_OPEN_TO_WORLD: Mutant = Mutant {
    name: "app-open-to-world",
    about: "the app tier's group admits 0.0.0.0/0 on 8080",
    output: o::APP_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] =
    &[&DB_INGRESS_FROM_LOAD_BALANCER, &CACHE_INGRESS_EXTRA_PORT, &EFS_INGRESS_FROM_VPC_CIDR, &APP_OPEN_TO_WORLD];
