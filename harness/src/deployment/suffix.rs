//! The deployment suffix (`EnvironmentSuffix`) that names one deployment of a stack.

use crate::Error;

/// A validated deployment suffix: it becomes part of a stack name, so only letters, digits and
/// hyphens, and short enough for the 128-character stack-name limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suffix(String);

impl Suffix {
    pub const MAX_LEN: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, Error> {
        let bad = |why: String| Error::BadSuffix { suffix: raw.to_owned(), why };
        if raw.is_empty() {
            return Err(bad("it is empty".into()));
        }
        if raw.len() > Self::MAX_LEN {
            return Err(bad(format!("it is longer than {} characters", Self::MAX_LEN)));
        }
        if let Some(c) = raw.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
            return Err(bad(format!("{c:?} is not allowed; use letters, digits and hyphens")));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Suffix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_rejects_what_a_stack_name_cannot_hold() {
        for bad in ["", "pr_4365", "a b", "pr4365/", "é", &"x".repeat(65)] {
            let err = Suffix::parse(bad).unwrap_err();
            assert!(matches!(err, Error::BadSuffix { .. }), "{bad:?} accepted");
        }
        for good in ["pr4365", "dev", "PR-12", "a"] {
            assert!(Suffix::parse(good).is_ok(), "{good:?} rejected");
        }
        let msg = Suffix::parse("pr_1").unwrap_err().to_string();
        assert!(msg.contains("'_'") && msg.contains("pr_1"), "{msg}");
    }
}
