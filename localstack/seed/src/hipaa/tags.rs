//! The tags the template gives its resources, in each SDK's own tag type: a Name and the
//! EnvironmentSuffix everywhere; EC2 resources also carry the StackName.

use std::collections::HashMap;

use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
use stackproof_harness::deployment::Suffix;

use super::names;
use crate::{SeedError, step};

pub const NAME: &str = "Name";
pub const SUFFIX: &str = "EnvironmentSuffix";
pub const STACK_NAME: &str = "StackName";

/// The tags CloudFormation puts on every resource it creates, which discovery finds a stack's
/// resources by: the stack's name and the resource's logical id. moto 5.2.5 accepts the reserved
/// `aws:` prefix on log groups, keys and EC2 resources (AWS refuses it from a caller; on AWS only
/// CloudFormation sets these).
pub fn cloudformation<'a>(logical_id: &'a str, stack: &'a str) -> [(&'static str, &'a str); 2] {
    [
        (stackproof_harness::facts::discovery::STACK_NAME_TAG, stack),
        (stackproof_harness::facts::discovery::LOGICAL_ID_TAG, logical_id),
    ]
}

/// Name and EnvironmentSuffix, as key-value pairs.
fn pairs<'a>(name: &'a str, suffix: &'a Suffix) -> [(&'static str, &'a str); 2] {
    [(NAME, name), (SUFFIX, suffix.as_str())]
}

/// Tags every seeded EC2 resource carries, as the template's do.
pub(crate) fn ec2(name: &str, suffix: &Suffix) -> Vec<Tag> {
    let stack = names::stack(suffix);
    pairs(name, suffix)
        .into_iter()
        .chain([(STACK_NAME, stack.as_str())])
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// The EC2 tags of a resource of `kind`, for its Create call.
pub(crate) fn tagged(kind: ResourceType, name: &str, suffix: &Suffix) -> TagSpecification {
    TagSpecification::builder().resource_type(kind).set_tags(Some(ec2(name, suffix))).build()
}

/// Name and EnvironmentSuffix as a map (API Gateway, CloudWatch Logs).
pub fn map(name: &str, suffix: &Suffix) -> HashMap<String, String> {
    pairs(name, suffix).into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

pub fn kms(name: &str, suffix: &Suffix) -> Result<Vec<aws_sdk_kms::types::Tag>, SeedError> {
    let tag = |(k, v)| aws_sdk_kms::types::Tag::builder().tag_key(k).tag_value(v).build().map_err(step("Tag"));
    pairs(name, suffix).into_iter().map(tag).collect()
}

pub fn rds(name: &str, suffix: &Suffix) -> Vec<aws_sdk_rds::types::Tag> {
    pairs(name, suffix).into_iter().map(|(k, v)| aws_sdk_rds::types::Tag::builder().key(k).value(v).build()).collect()
}

pub fn efs(name: &str, suffix: &Suffix) -> Result<Vec<aws_sdk_efs::types::Tag>, SeedError> {
    let tag = |(k, v)| aws_sdk_efs::types::Tag::builder().key(k).value(v).build().map_err(step("Tag"));
    pairs(name, suffix).into_iter().map(tag).collect()
}

pub fn elasticache(name: &str, suffix: &Suffix) -> Vec<aws_sdk_elasticache::types::Tag> {
    let tag = |(k, v)| aws_sdk_elasticache::types::Tag::builder().key(k).value(v).build();
    pairs(name, suffix).into_iter().map(tag).collect()
}

pub fn iam(name: &str, suffix: &Suffix) -> Result<Vec<aws_sdk_iam::types::Tag>, SeedError> {
    let tag = |(k, v)| aws_sdk_iam::types::Tag::builder().key(k).value(v).build().map_err(step("Tag"));
    pairs(name, suffix).into_iter().map(tag).collect()
}

pub fn ecs(name: &str, suffix: &Suffix) -> Vec<aws_sdk_ecs::types::Tag> {
    pairs(name, suffix).into_iter().map(|(k, v)| aws_sdk_ecs::types::Tag::builder().key(k).value(v).build()).collect()
}

pub fn wafv2(name: &str, suffix: &Suffix) -> Result<Vec<aws_sdk_wafv2::types::Tag>, SeedError> {
    let tag = |(k, v)| aws_sdk_wafv2::types::Tag::builder().key(k).value(v).build().map_err(step("Tag"));
    pairs(name, suffix).into_iter().map(tag).collect()
}
