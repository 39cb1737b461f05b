//! Names carry the deployment's suffix: the same judgement for every stack's named resources.

use stackproof_harness::check::Finding;
use stackproof_harness::facts::Named;
use stackproof_harness::kit::fact::judge_named;

/// One finding per name: it carries `suffix`.
pub fn names_carry_suffix<'a>(names: impl IntoIterator<Item = &'a Named<String>>, suffix: &str) -> Vec<Finding> {
    names
        .into_iter()
        .flat_map(|n| {
            judge_named(n, "Name", |name| {
                vec![Finding::judge(
                    name,
                    "Name",
                    name.contains(suffix),
                    format!("a name containing {suffix:?}"),
                    name,
                    &serde_json::json!({ n.output: name }),
                )]
            })
        })
        .collect()
}
