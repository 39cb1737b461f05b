//! The outputs contract a stack version ships (`stacks/<stack>/<version>/outputs.yml`): its name
//! pattern, its region or regions, and the output keys every deployment of it exposes.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Suffix;
use crate::Error;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    pub stack: String,
    pub version: String,
    /// Stack name pattern, e.g. `TapStack{suffix}`; CDKTF stacks have a fixed name.
    pub stack_name: String,
    /// The region of a single-region stack.
    #[serde(default)]
    pub region: Option<String>,
    /// The regions of a multi-region layout, by role: `{primary: eu-west-2, dr: eu-west-1}`.
    #[serde(default)]
    pub regions: BTreeMap<String, String>,
    pub outputs: BTreeMap<String, OutputSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    pub kind: OutputKind,
    /// In a multi-region layout, the role of the region the resource lives in.
    #[serde(default)]
    pub region: Option<String>,
    pub about: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputKind {
    Id,
    Ids,
    Arn,
    Name,
    /// The stack version a deployment states (`StackVersion`: `v2`).
    Version,
}

/// The output a deployment states its stack version in (`v2`). Versions shipped before the
/// stacks stated theirs (v1) lack it: a deployment without it is of the oldest version.
pub const STACK_VERSION_OUTPUT: &str = "StackVersion";

/// The contract of the version a deployment states in its outputs, among `versions` (oldest
/// first): the one its `StackVersion` names, or the oldest when it states none. A version the
/// suite does not know, or an empty value, is an error: judging it by another version's contract
/// would be judging something else.
pub fn judged<'c>(versions: &[&'c Contract], values: &BTreeMap<String, String>) -> Result<&'c Contract, Error> {
    let Some(oldest) = versions.first() else {
        return Err(Error::Contract { name: "(none)".into(), detail: "the suite knows no version".into() });
    };
    let Some(stated) = values.get(STACK_VERSION_OUTPUT) else {
        return Ok(oldest);
    };
    let stated = stated.trim();
    versions.iter().find(|c| c.version == stated).copied().ok_or_else(|| {
        let known: Vec<&str> = versions.iter().map(|c| c.version.as_str()).collect();
        Error::Contract {
            name: format!("stacks/{}", oldest.stack),
            detail: format!(
                "the deployment states {STACK_VERSION_OUTPUT} = {stated:?}, a version this suite does not know (it knows {})",
                known.join(", ")
            ),
        }
    })
}

impl Contract {
    pub fn parse(name: &str, yaml: &str) -> Result<Self, Error> {
        let contract: Contract = serde_norway::from_str(yaml)
            .map_err(|e| Error::Contract { name: name.to_owned(), detail: e.to_string() })?;
        let bad = |detail: String| Err(Error::Contract { name: name.to_owned(), detail });
        match (&contract.region, contract.regions.is_empty()) {
            (Some(_), true) | (None, false) => {}
            _ => return bad("it must give either `region` or `regions`".into()),
        }
        for (key, spec) in &contract.outputs {
            match &spec.region {
                Some(role) if !contract.regions.contains_key(role) => {
                    return bad(format!("output {key} names region {role:?}, which `regions` lacks"));
                }
                None if !contract.regions.is_empty() => return bad(format!("output {key} has no region")),
                _ => {}
            }
        }
        Ok(contract)
    }

    pub fn stack_name(&self, suffix: &Suffix) -> String {
        self.stack_name.replace("{suffix}", suffix.as_str())
    }

    /// The stack's home region: its only one, or the `primary` of a multi-region layout.
    pub fn home_region(&self) -> Option<&str> {
        self.region.as_deref().or_else(|| self.regions.get("primary").map(String::as_str))
    }

    pub fn declares(&self, key: &str) -> bool {
        self.outputs.contains_key(key)
    }

    /// Whether `values` (an outputs file) are this deployment's: at least one output the contract
    /// declares as a name carries the suffix as a whole token (`aurora-cluster-pr1` for `pr1`;
    /// `aurora-cluster-pr12` is another deployment's). `Err` gives an example of what it names.
    pub fn names_carry(&self, values: &BTreeMap<String, String>, suffix: &Suffix) -> Result<(), String> {
        let names: Vec<(&String, &String)> = self
            .outputs
            .iter()
            .filter(|(_, spec)| spec.kind == OutputKind::Name)
            .filter_map(|(key, _)| values.get_key_value(key))
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        let carries = |v: &str| carries_token(v, suffix.as_str());
        match names.iter().find(|(_, v)| carries(v)) {
            Some(_) => Ok(()),
            // A file naming nothing cannot be judged here; the checks then report what is missing.
            None if names.is_empty() => Ok(()),
            None => {
                let shown: Vec<String> = names.iter().take(2).map(|(k, v)| format!("{k} = {v}")).collect();
                Err(shown.join(", "))
            }
        }
    }
}

/// True if `text` holds `token` with no letter or digit right before or after it: `pr1` is in
/// `cluster-pr1` and `pr1-db`, not in `cluster-pr12`; `fault-x` is in `db-fault-x`.
fn carries_token(text: &str, token: &str) -> bool {
    !token.is_empty()
        && text.match_indices(token).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + token.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric()) && !after.is_some_and(|c| c.is_ascii_alphanumeric())
        })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn contract_parses_and_names_the_stack() {
        let c = Contract::parse(
            "t",
            "stack: s\nversion: v1\nstack_name: 'TapStack{suffix}'\nregion: eu-central-1\noutputs:\n  VpcId: {kind: id, about: vpc}\n",
        )
        .unwrap();
        assert_eq!(c.stack_name(&Suffix::parse("pr1").unwrap()), "TapStackpr1");
        assert!(c.declares("VpcId") && !c.declares("Nope"));
        assert!(Contract::parse("t", "stack: s\n").is_err());
        assert_eq!(c.home_region(), Some("eu-central-1"));
    }

    #[test]
    fn an_outputs_file_of_another_deployment_is_told_apart_by_its_names() {
        let c = Contract::parse(
            "t",
            "stack: s\nversion: v1\nstack_name: 'TapStack{suffix}'\nregion: eu-central-1\noutputs:\n  VpcId: {kind: id, about: vpc}\n  Db: {kind: name, about: db}\n",
        )
        .unwrap();
        let values =
            |db: &str| BTreeMap::from([("VpcId".to_owned(), "vpc-1".to_owned()), ("Db".to_owned(), db.to_owned())]);
        let pr1 = Suffix::parse("pr1").unwrap();
        assert!(c.names_carry(&values("aurora-cluster-pr1"), &pr1).is_ok());
        let other = c.names_carry(&values("aurora-cluster-pr12"), &pr1).unwrap_err();
        assert_eq!(other, "Db = aurora-cluster-pr12");
        assert!(c.names_carry(&values("pr1"), &pr1).is_ok());
        let hyphenated = Suffix::parse("fault-x").unwrap();
        assert!(c.names_carry(&values("aurora-cluster-fault-x"), &hyphenated).is_ok());
        assert!(c.names_carry(&values("aurora-cluster-fault-xy"), &hyphenated).is_err());
        assert!(c.names_carry(&BTreeMap::new(), &pr1).is_ok(), "nothing named, nothing to tell");
    }

    #[test]
    fn multi_region_contracts_name_a_region_per_output() {
        let two = "stack: dr\nversion: v1\nstack_name: healthcare-dr\nregions: {primary: eu-west-2, dr: eu-west-1}\noutputs:\n";
        let c = Contract::parse("t", &format!("{two}  A: {{kind: id, region: dr, about: a}}\n")).unwrap();
        assert_eq!(c.home_region(), Some("eu-west-2"));
        assert!(Contract::parse("t", &format!("{two}  A: {{kind: id, about: a}}\n")).is_err());
        assert!(Contract::parse("t", &format!("{two}  A: {{kind: id, region: moon, about: a}}\n")).is_err());
    }

    #[test]
    fn the_version_judged_is_the_one_the_deployment_states_or_the_oldest() {
        let of = |v: &str| {
            Contract::parse("t", &format!("stack: dr\nversion: {v}\nstack_name: s\nregion: r\noutputs: {{}}\n"))
                .unwrap()
        };
        let (v1, v2) = (of("v1"), of("v2"));
        let versions = [&v1, &v2];
        let stating = |v: &str| BTreeMap::from([(STACK_VERSION_OUTPUT.to_owned(), v.to_owned())]);
        assert_eq!(judged(&versions, &BTreeMap::new()).unwrap().version, "v1", "no StackVersion: v1");
        assert_eq!(judged(&versions, &stating("v2")).unwrap().version, "v2");
        assert_eq!(judged(&versions, &stating("v1")).unwrap().version, "v1");
        let unknown = judged(&versions, &stating("v3")).unwrap_err().to_string();
        assert!(unknown.contains("\"v3\"") && unknown.contains("v1, v2"), "{unknown}");
        assert!(judged(&versions, &stating("")).is_err(), "an empty version is not the oldest");
        assert!(judged(&[], &BTreeMap::new()).is_err());
    }

    #[test]
    fn shipped_contracts_parse() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for stack in ["stacks/hipaa/v1/outputs.yml", "stacks/dr/v1/outputs.yml", "stacks/dr/v2/outputs.yml"] {
            let text = std::fs::read_to_string(root.join(stack)).unwrap_or_else(|e| panic!("{stack}: {e}"));
            Contract::parse(stack, &text).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}
