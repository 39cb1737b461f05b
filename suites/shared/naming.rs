//! Names follow the stack's naming pattern: the deployment's suffix as a whole token, where the
//! stack puts it, never merely somewhere inside the name (a legal one-character suffix is inside
//! almost every name). The same judgement for every stack's named resources.

use serde::Serialize;
use stackproof_harness::check::Finding;
use stackproof_harness::facts::Named;
use stackproof_harness::kit::fact::judge_named;

/// Where a stack puts its suffix: right after one of `lead`, and right before the end of the name
/// or one of `trail`.
#[derive(Debug, Clone, Copy)]
pub struct Pattern {
    pub lead: &'static [char],
    pub trail: &'static [char],
    /// The pattern in words, with `{suffix}` where the suffix goes.
    pub about: &'static str,
}

impl Pattern {
    /// True if `name` carries `suffix` as this pattern places it.
    pub fn follows(&self, name: &str, suffix: &str) -> bool {
        !suffix.is_empty()
            && name.match_indices(suffix).any(|(at, _)| {
                let before = name[..at].chars().next_back();
                let after = name[at + suffix.len()..].chars().next();
                before.is_some_and(|c| self.lead.contains(&c)) && after.is_none_or(|c| self.trail.contains(&c))
            })
    }

    /// What a finding expects, in words.
    pub fn expected(&self, suffix: &str) -> String {
        format!("a name with {}", self.about.replace("{suffix}", suffix))
    }

    /// One finding on `property` of `resource`: `name` follows the pattern.
    pub fn judge(
        &self,
        resource: &str,
        property: &str,
        name: Option<&str>,
        suffix: &str,
        evidence: &impl Serialize,
    ) -> Finding {
        let ok = name.is_some_and(|n| self.follows(n, suffix));
        Finding::judge(resource, property, ok, self.expected(suffix), name.unwrap_or("none"), evidence)
    }
}

/// One finding per output name: it follows `pattern`.
pub fn names_follow<'a>(
    names: impl IntoIterator<Item = &'a Named<String>>,
    suffix: &str,
    pattern: &Pattern,
) -> Vec<Finding> {
    names
        .into_iter()
        .flat_map(|n| {
            judge_named(n, "Name", |name| {
                vec![pattern.judge(name, "Name", Some(name), suffix, &serde_json::json!({ n.output: name }))]
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT_END: Pattern = Pattern { lead: &['-'], trail: &['/'], about: "-{suffix} at the end" };
    const TOKEN: Pattern = Pattern { lead: &['-', '/'], trail: &['-', '/'], about: "{suffix} as a token" };

    #[test]
    fn a_one_character_suffix_is_a_token_not_a_letter() {
        assert!(AT_END.follows("nat-gateway-1-a", "a"));
        assert!(!AT_END.follows("nat-gateway", "a"), "a letter inside a word is no suffix");
        assert!(!AT_END.follows("nat-gateway-1-ab", "a"));
        assert!(!AT_END.follows("a", "a"), "the suffix alone is not the pattern");
    }

    #[test]
    fn the_suffix_sits_where_the_stack_puts_it() {
        assert!(AT_END.follows("/aws/rds/cluster/aurora-cluster-pr7/audit", "pr7"));
        assert!(!AT_END.follows("vpc-pr7-old", "pr7"), "at the end, not before another word");
        assert!(!AT_END.follows("vpcpr7", "pr7"), "glued to the word before");
        assert!(TOKEN.follows("healthcare-data-pr7-primary", "pr7"));
        assert!(TOKEN.follows("/healthcare-dr/pr7/app", "pr7"));
        assert!(!TOKEN.follows("healthcare-dr-trailpr7", "pr7"));
        assert!(!TOKEN.follows("healthcare-data-dr-replica", "d"));
    }

    #[test]
    fn a_suffix_with_dashes_and_a_later_match_are_found() {
        assert!(AT_END.follows("vpc-m-x", "m-x"));
        assert!(AT_END.follows("m-xx-m-x", "m-x"), "the second occurrence is the token");
        assert!(!AT_END.follows("", "m-x"));
        assert!(!AT_END.follows("vpc-", ""), "no suffix matches nothing");
    }
}
