//! The seeder's own shape: small functions, mutants and output keys named only through the
//! suites' constants.

use stackproof::hipaa::outputs;

use super::MUTANTS;

/// Every source file of this module, by path.
const SOURCES: &[(&str, &str)] = &[
    ("hipaa/mod.rs", include_str!("mod.rs")),
    ("hipaa/names.rs", include_str!("names.rs")),
    ("hipaa/tags.rs", include_str!("tags.rs")),
    ("hipaa/network/mod.rs", include_str!("network/mod.rs")),
    ("hipaa/network/keys.rs", include_str!("network/keys.rs")),
    ("hipaa/network/logs.rs", include_str!("network/logs.rs")),
    ("hipaa/network/secrets.rs", include_str!("network/secrets.rs")),
    ("hipaa/network/security_groups.rs", include_str!("network/security_groups.rs")),
    ("hipaa/network/vpc.rs", include_str!("network/vpc.rs")),
    ("hipaa/data/mod.rs", include_str!("data/mod.rs")),
    ("hipaa/data/aurora.rs", include_str!("data/aurora.rs")),
    ("hipaa/data/cache.rs", include_str!("data/cache.rs")),
    ("hipaa/data/efs.rs", include_str!("data/efs.rs")),
    ("hipaa/app/mod.rs", include_str!("app/mod.rs")),
    ("hipaa/app/api.rs", include_str!("app/api.rs")),
    ("hipaa/app/ecs.rs", include_str!("app/ecs.rs")),
    ("hipaa/app/iam.rs", include_str!("app/iam.rs")),
    ("hipaa/app/waf.rs", include_str!("app/waf.rs")),
];

const MAX_FN_LINES: usize = 80;

/// The code of `source` with comments, string and char literals blanked (newlines kept), so
/// braces can be counted.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let after_word = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        let end = literal_or_comment_len(&chars[i..], after_word);
        if end == 0 {
            out.push(chars[i]);
            i += 1;
        } else {
            let end = end.min(chars.len() - i);
            out.extend(chars[i..i + end].iter().map(|&c| if c == '\n' { '\n' } else { ' ' }));
            i += end;
        }
    }
    out
}

/// The length of the comment, string or char literal `rest` starts with; 0 if none.
fn literal_or_comment_len(rest: &[char], after_word: bool) -> usize {
    let hashes = rest.iter().skip(1).take_while(|&&c| c == '#').count();
    match rest {
        ['/', '/', ..] => rest.iter().position(|&c| c == '\n').unwrap_or(rest.len()),
        ['r', ..] if !after_word && rest.get(1 + hashes) == Some(&'"') => {
            let close: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let body = 2 + hashes;
            let inside = rest[body..].windows(close.len()).position(|w| w == close.as_slice());
            body + inside.unwrap_or(rest.len()) + close.len()
        }
        ['"', ..] => {
            let mut j = 1;
            while j < rest.len() && rest[j] != '"' {
                j += if rest[j] == '\\' { 2 } else { 1 };
            }
            j + 1
        }
        ['\'', '\\', _, '\'', ..] => 4,
        ['\'', _, '\'', ..] => 3,
        _ => 0,
    }
}

/// The name and line count of every function with a body in `source`.
fn function_lengths(source: &str) -> Vec<(String, usize)> {
    let code = code_only(source);
    let mut found = Vec::new();
    let mut line_start = 0;
    for line in code.split_inclusive('\n') {
        let at = line.find("fn ").filter(|&at| at == 0 || !line.as_bytes()[at - 1].is_ascii_alphanumeric());
        if let Some(at) = at {
            let name: String = line[at + 3..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            found.extend(body_lines(&code[line_start + at..]).map(|n| (name, n)));
        }
        line_start += line.len();
    }
    found
}

/// The lines from a `fn` at the start of `code` to its body's closing brace; None without a body.
fn body_lines(code: &str) -> Option<usize> {
    let (mut depth, mut nesting) = (0, 0);
    for (i, c) in code.char_indices() {
        match c {
            '(' | '[' => nesting += 1,
            ')' | ']' => nesting -= 1,
            ';' if depth == 0 && nesting == 0 => return None,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(code[..i].matches('\n').count() + 1);
                }
            }
            _ => {}
        }
    }
    None
}

#[test]
fn no_function_is_longer_than_the_limit() {
    let mut long = Vec::new();
    for (path, source) in SOURCES {
        let lengths = function_lengths(source);
        assert!(!lengths.is_empty(), "{path}: no functions found; is the scanner broken?");
        long.extend(
            lengths.into_iter().filter(|(_, n)| *n > MAX_FN_LINES).map(|(f, n)| format!("{path}: {f} ({n} lines)")),
        );
    }
    assert!(long.is_empty(), "functions over {MAX_FN_LINES} lines:\n{}", long.join("\n"));
}

#[test]
fn the_scanner_measures_a_function_and_skips_braces_in_literals() {
    let source = "fn a() -> [(u8, u8); 1] {\n    let s = \"{{\";\n    let r = r#\"}\"#; // }\n    let c = '{';\n}\nfn b(x: [u8; 2]);\n";
    assert_eq!(function_lengths(source), [("a".to_owned(), 5)]);
}

#[test]
fn mutants_and_output_keys_are_named_only_through_their_constants() {
    for (path, source) in SOURCES {
        for mutant in MUTANTS.iter() {
            assert!(
                !source.contains(&format!("\"{}\"", mutant.name)),
                "{path} names mutant {} as a literal",
                mutant.name
            );
        }
        for key in outputs::USED {
            assert!(!source.contains(&format!("\"{key}\"")), "{path} names output {key} as a literal");
        }
    }
}
