//! Questions about IAM wildcard patterns that `kit::policy` does not answer yet: whether a
//! pattern matches everything after a prefix (every key of a bucket, every action of a service),
//! and whether it matches anything after it. Candidates to hoist into the kit, beside its private
//! `matches_every_suffix`.

use stackproof_harness::kit::policy::wildcard;

/// True if `pattern` matches `prefix` followed by any non-empty text: `arn:aws:s3:::b/*` or `*`
/// for the keys of bucket `b`, `rds:*` for the actions of `rds`. Probed with a character no
/// pattern holds, once one long and once longer than the pattern: only wildcards can match such
/// a tail, and wildcards that match both match any tail.
pub fn matches_every_suffix(pattern: &str, prefix: &str) -> bool {
    const PROBE: char = '\u{1}';
    let short = format!("{prefix}{PROBE}");
    let long = format!("{prefix}{}", PROBE.to_string().repeat(pattern.chars().count() + 2));
    !pattern.contains(PROBE) && wildcard(pattern, &short) && wildcard(pattern, &long)
}

/// True if `pattern` matches `prefix` followed by some non-empty text: `arn:aws:s3:::b/tmp/*`
/// matches some key of bucket `b`, `arn:aws:s3:::bb/*` none. The pattern is read as the set of
/// its positions reachable after the prefix; any position with pattern left can match more.
pub fn matches_some_suffix(pattern: &str, prefix: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    // A `*` may match nothing: its next position is reachable too.
    let close = |mut at: Vec<usize>| {
        let mut i = 0;
        while i < at.len() {
            if p.get(at[i]) == Some(&'*') && !at.contains(&(at[i] + 1)) {
                at.push(at[i] + 1);
            }
            i += 1;
        }
        at
    };
    let mut at = close(vec![0]);
    for c in prefix.chars() {
        let mut next = Vec::new();
        for &i in &at {
            match p.get(i) {
                Some('*') => next.push(i),
                Some(x) if *x == '?' || *x == c => next.push(i + 1),
                _ => {}
            }
        }
        next.sort_unstable();
        next.dedup();
        at = close(next);
    }
    at.iter().any(|&i| i < p.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_suffix_needs_wildcards_that_match_any_tail() {
        let keys = "arn:aws:s3:::b/";
        for every in ["arn:aws:s3:::b/*", "arn:aws:s3:::b*", "*", "arn:aws:s3:::?/*", "arn:aws:s3:::b/?*"] {
            assert!(matches_every_suffix(every, keys), "{every}");
        }
        for some in ["arn:aws:s3:::b/public/*", "arn:aws:s3:::b/??", "arn:aws:s3:::b/k", "arn:aws:s3:::b"] {
            assert!(!matches_every_suffix(some, keys), "{some}");
        }
        assert!(matches_every_suffix("rds:*", "rds:") && matches_every_suffix("r*", "rds:"));
        assert!(!matches_every_suffix("rds:Describe*", "rds:"));
    }

    #[test]
    fn some_suffix_is_any_overlap_with_the_prefix() {
        let keys = "arn:aws:s3:::b/";
        for overlaps in ["arn:aws:s3:::b/secret/*", "arn:aws:s3:::b/k", "arn:aws:s3:::*", "*", "arn:aws:s3:::b?k"] {
            assert!(matches_some_suffix(overlaps, keys), "{overlaps}");
        }
        for apart in ["arn:aws:s3:::b", "arn:aws:s3:::bb/*", "arn:aws:s3:::c/*", "arn:aws:s3:::b/"] {
            assert!(!matches_some_suffix(apart, keys), "{apart}");
        }
    }
}
