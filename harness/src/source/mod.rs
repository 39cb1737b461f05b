//! A stack's source, read before anything is deployed: CloudFormation templates, synthesized
//! CDKTF layouts (Terraform JSON), and what cfn-lint says of a template. Static suites judge
//! these; mutation tests break them through [`Mutable`].

pub mod docs;
pub mod json;
pub mod lint;
pub mod template;
pub mod terraform;

use serde_json::Value;

/// A source a mutation can break.
pub trait Mutable: Clone {
    /// Where a resource's property paths start: a CloudFormation resource's `Properties`, a
    /// Terraform resource's body. `resource` is as findings name it.
    fn properties_mut(&mut self, resource: &str) -> Option<&mut Value>;
    /// The resource's own body, for attributes such as `DeletionPolicy`.
    fn attributes_mut(&mut self, resource: &str) -> Option<&mut Value>;
}

/// A resource as a source declares it, for the judgements static suites share.
pub trait Declared {
    /// How findings name it: a template's logical id, a synth's `type.id`.
    fn name(&self) -> String;
    /// A property by dotted path.
    fn prop(&self, path: &str) -> Option<&Value>;
    /// A compact rendering of one of its values for messages (`!Ref X`, `${aws_kms_key.k.arn}`).
    fn show(&self, v: Option<&Value>) -> String;
}

/// A source whose resources static suites walk by type.
pub trait Source {
    type Resource<'a>: Declared
    where
        Self: 'a;
    /// How a finding names the source as a whole: `(template)`, `(synth)`.
    const WHOLE: &'static str;
    fn resources_of<'a>(&'a self, kind: &'a str) -> Vec<Self::Resource<'a>>;
}

impl Declared for template::Resource<'_> {
    fn name(&self) -> String {
        self.id.to_owned()
    }
    fn prop(&self, path: &str) -> Option<&Value> {
        template::Resource::prop(self, path)
    }
    fn show(&self, v: Option<&Value>) -> String {
        template::show(v)
    }
}

impl Source for template::Template {
    type Resource<'a> = template::Resource<'a>;
    const WHOLE: &'static str = "(template)";
    fn resources_of<'a>(&'a self, kind: &'a str) -> Vec<template::Resource<'a>> {
        template::Template::resources_of(self, kind).collect()
    }
}

impl Declared for terraform::Resource<'_> {
    fn name(&self) -> String {
        self.address()
    }
    fn prop(&self, path: &str) -> Option<&Value> {
        terraform::Resource::prop(self, path)
    }
    fn show(&self, v: Option<&Value>) -> String {
        terraform::show(v)
    }
}

impl Source for terraform::Synth {
    type Resource<'a> = terraform::Resource<'a>;
    const WHOLE: &'static str = "(synth)";
    fn resources_of<'a>(&'a self, kind: &'a str) -> Vec<terraform::Resource<'a>> {
        terraform::Synth::resources_of(self, kind).collect()
    }
}
