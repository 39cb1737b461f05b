//! Breakages of the security_groups checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const DB_INGRESS_FROM_LOAD_BALANCER: Mutant = Mutant {
    name: "db-ingress-from-load-balancer",
    about: "the database group also admits the load balancer's group on 3306",
    output: o::DATABASE_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions.Sources",
};

pub const DB_INGRESS_ALL_TRAFFIC_FROM_APP: Mutant = Mutant {
    name: "db-ingress-all-traffic-from-app",
    about: "the database group also admits all traffic (IpProtocol -1) from the app tier's group",
    output: o::DATABASE_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions.Ports",
};

pub const CACHE_INGRESS_EXTRA_PORT: Mutant = Mutant {
    name: "cache-ingress-extra-port",
    about: "the cache group also admits the app tier on port 22",
    output: o::CACHE_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions.Ports",
};

pub const CACHE_INGRESS_FROM_PREFIX_LIST: Mutant = Mutant {
    name: "cache-ingress-from-prefix-list",
    about: "the cache group also admits tcp 6379 from a managed prefix list holding the VPC's range (not the app tier, though nothing in it is open to the world)",
    output: o::CACHE_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions.Sources",
};

pub const EFS_INGRESS_FROM_VPC_CIDR: Mutant = Mutant {
    name: "efs-ingress-from-vpc-cidr",
    about: "the EFS group also admits the whole VPC CIDR on 2049",
    output: o::EFS_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions.Sources",
};

pub const EFS_INGRESS_UDP_FROM_APP: Mutant = Mutant {
    name: "efs-ingress-udp-from-app",
    about: "the EFS group also admits udp 2049 from the app tier's group",
    output: o::EFS_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions.Ports",
};

pub const APP_OPEN_TO_WORLD: Mutant = Mutant {
    name: "app-open-to-world",
    about: "the app tier's group admits 0.0.0.0/0 on 8080",
    output: o::APP_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions",
};

pub const LOAD_BALANCER_OPEN_TO_WORLD_IPV6: Mutant = Mutant {
    name: "load-balancer-open-to-world-ipv6",
    about: "the load balancer's group admits ::/0 on 8080",
    output: o::LOAD_BALANCER_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions",
};

pub const EXTRA_GROUP_OPEN_TO_WORLD: Mutant = Mutant {
    name: "extra-group-open-to-world",
    about: "a security group the outputs do not name, made in the stack's VPC, admits 0.0.0.0/0 on 22",
    output: o::VPC_ID,
    nth: 0,
    property: "IpPermissions",
};

pub const UNLISTED_GROUP_OPEN_TO_WORLD: Mutant = Mutant {
    name: "unlisted-group-open-to-world",
    about: "a security group added to the stack without an output and without VpcId (so in the region's default VPC, out of the stack's VPC; logical id UnlistedSecurityGroup, tagged as CloudFormation tags it), admitting 0.0.0.0/0 on 3306",
    output: "logical-id:UnlistedSecurityGroup",
    nth: 0,
    property: "IpPermissions",
};

pub const LOAD_BALANCER_OPEN_VIA_PREFIX_LIST: Mutant = Mutant {
    name: "load-balancer-open-via-prefix-list",
    about: "the load balancer's group admits tcp 8080 from a managed prefix list holding 0.0.0.0/0",
    output: o::LOAD_BALANCER_SECURITY_GROUP_ID,
    nth: 0,
    property: "IpPermissions.PrefixListIds",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &DB_INGRESS_FROM_LOAD_BALANCER,
    &DB_INGRESS_ALL_TRAFFIC_FROM_APP,
    &CACHE_INGRESS_EXTRA_PORT,
    &CACHE_INGRESS_FROM_PREFIX_LIST,
    &EFS_INGRESS_FROM_VPC_CIDR,
    &EFS_INGRESS_UDP_FROM_APP,
    &APP_OPEN_TO_WORLD,
    &LOAD_BALANCER_OPEN_TO_WORLD_IPV6,
    &EXTRA_GROUP_OPEN_TO_WORLD,
    &UNLISTED_GROUP_OPEN_TO_WORLD,
    &LOAD_BALANCER_OPEN_VIA_PREFIX_LIST,
];
