//! A spec is untrusted input. Names, enum values, descriptions, defaults and
//! URLs written to break out of the Rust they end up in stay inside string
//! literals and comments; YAML alias bombs, deep nesting and `$ref` cycles end
//! with a clear error (or bounded success) in bounded time, never a panic or
//! a crash; big specs generate in bounded time.
//!
//! `syn` is not a dependency of this crate, so the generated code is checked
//! with a small Rust lexer ([`lex`]) that separates code from string literals
//! and comments: injected text must never show up as code. (The generator
//! itself parses what it emits with `syn` before formatting it.)
//!
//! The big inputs (the alias bomb, 10,000-level nesting, 5,000 schemas) are
//! built here rather than committed; the small ones are in `tests/bad-specs/`.
//! Time bounds are on the CPU time of the generating thread where the OS gives
//! it, so a busy machine does not fail them.
//!
//! Generator findings are tests marked `#[ignore = "generator bug: ..."]`,
//! asserting the right behaviour. A stack overflow aborts the whole process, so
//! the test that provokes one runs it in a child process.

use std::path::Path;
use std::time::{Duration, Instant};

use codegen::Diagnostics;

fn bad_spec(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("bad-specs").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

const COMMAND: &str = "cargo test -p client-tests --test hostile";

fn single_file(file: &str, text: &str) -> Result<String, Diagnostics> {
    codegen::generate_single_file(file, text, COMMAND)
}

/// The problems of a spec that must be refused.
#[track_caller]
fn refused<T>(result: Result<T, Diagnostics>, what: &str) -> Vec<codegen::Diagnostic> {
    match result {
        Ok(_) => panic!("{what} generated, but it should have been refused"),
        Err(d) => d.0,
    }
}

/// CPU time the calling thread has used, where the OS tells (Linux; it lags by
/// at most a scheduler tick). The generator is single-threaded, so this bounds
/// its work whatever the load of the machine (other tests, other builds), which
/// wall-clock time does not.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok().map(Duration::from_nanos)
}

/// Runs `f`, failing if it took `limit` or longer: CPU time of this thread where
/// available, wall-clock time otherwise.
#[track_caller]
fn within<T>(limit: Duration, what: &str, f: impl FnOnce() -> T) -> T {
    let (cpu_start, wall_start) = (thread_cpu_time(), Instant::now());
    let value = f();
    let wall = wall_start.elapsed();
    let (took, clock) = match (cpu_start, thread_cpu_time()) {
        (Some(start), Some(end)) => (end.saturating_sub(start), "CPU time"),
        _ => (wall, "wall-clock time"),
    };
    assert!(
        took < limit,
        "{what} took {took:?} of {clock} (wall clock {wall:?}), more than {limit:?}"
    );
    value
}

// ---- a small Rust lexer ----------------------------------------------------------

/// Rust source split into code, string literals (decoded) and comments.
#[derive(Debug, Default)]
struct Lexed {
    /// The source with every literal replaced by `""` and every comment by a space.
    code: String,
    /// The decoded value of every string literal (plain, raw or byte string).
    strings: Vec<String>,
    /// The text of every comment, doc comments included (without `//`, `///`, `//!`).
    comments: Vec<String>,
}

fn lex(src: &str) -> Lexed {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Lexed::default();
    let mut i = 0;
    let ident_char = |c: char| c.is_alphanumeric() || c == '_';
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let prev_is_ident = i > 0 && ident_char(chars[i - 1]);
        if c == '/' && next == Some('/') {
            let end = chars[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |p| i + p);
            let text: String = chars[i + 2..end].iter().collect();
            let text = text.strip_prefix(['/', '!']).unwrap_or(&text);
            out.comments.push(text.to_owned());
            out.code.push(' ');
            i = end;
        } else if c == '/' && next == Some('*') {
            let (mut depth, start) = (1, i + 2);
            i += 2;
            while depth > 0 {
                assert!(i < chars.len(), "unterminated block comment");
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                } else {
                    i += 1;
                }
            }
            out.comments.push(chars[start..i - 2].iter().collect());
            out.code.push(' ');
        } else if c == '"' {
            let (value, end) = string_literal(&chars, i + 1);
            out.strings.push(value);
            out.code.push_str("\"\"");
            i = end;
        } else if (c == 'r' || (c == 'b' && next == Some('r')))
            && !prev_is_ident
            && raw_string_start(&chars, i).is_some()
        {
            let (hashes, quote) = raw_string_start(&chars, i).expect("checked");
            let closing: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let body_start = quote + 1;
            let end = (body_start..chars.len())
                .find(|&j| chars[j..].starts_with(&closing))
                .expect("unterminated raw string");
            out.strings.push(chars[body_start..end].iter().collect());
            out.code.push_str("\"\"");
            i = end + closing.len();
        } else if c == '\'' {
            // A char literal (`'x'`, `'\n'`, `'\''`) or a lifetime (`'a`, `'static`).
            if next == Some('\\') {
                let end = (i + 2..chars.len())
                    .find(|&j| chars[j] == '\'' && j > i + 2)
                    .expect("unterminated char");
                out.code.push_str("' '");
                i = end + 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                out.code.push_str("' '");
                i += 3;
            } else {
                out.code.push(c);
                i += 1;
            }
        } else {
            out.code.push(c);
            i += 1;
        }
    }
    out
}

/// For `r"`, `r#"`, `br##"` … at `i`: the number of `#` and the index of the opening quote.
fn raw_string_start(chars: &[char], i: usize) -> Option<(usize, usize)> {
    let mut j = i + if chars[i] == 'b' { 2 } else { 1 };
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    (chars.get(j) == Some(&'"')).then_some((hashes, j))
}

/// Decodes a string literal's body from `start` (after the opening quote);
/// returns the value and the index after the closing quote.
fn string_literal(chars: &[char], start: usize) -> (String, usize) {
    let mut value = String::new();
    let mut i = start;
    loop {
        let c = *chars.get(i).expect("unterminated string literal");
        match c {
            '"' => return (value, i + 1),
            '\\' => {
                let e = chars[i + 1];
                i += 2;
                match e {
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    '0' => value.push('\0'),
                    '\\' | '"' | '\'' => value.push(e),
                    'x' => {
                        let hex: String = chars[i..i + 2].iter().collect();
                        value.push(char::from(u8::from_str_radix(&hex, 16).expect("\\x escape")));
                        i += 2;
                    }
                    'u' => {
                        let close = (i..chars.len()).find(|&j| chars[j] == '}').expect("\\u escape");
                        let hex: String = chars[i + 1..close].iter().collect();
                        value.push(char::from_u32(u32::from_str_radix(&hex, 16).expect("\\u escape")).expect("a char"));
                        i = close + 1;
                    }
                    '\n' => {
                        while chars.get(i).is_some_and(|c| c.is_whitespace()) {
                            i += 1;
                        }
                    }
                    other => panic!("unknown escape \\{other}"),
                }
            }
            c => {
                value.push(c);
                i += 1;
            }
        }
    }
}

/// `(`, `[`, `{` closed in order in `code`.
fn assert_balanced(code: &str) {
    let mut stack = Vec::new();
    for (n, c) in code.chars().enumerate() {
        match c {
            '(' | '[' | '{' => stack.push(c),
            ')' | ']' | '}' => {
                let open = stack.pop().unwrap_or_else(|| panic!("unopened {c:?} at char {n}"));
                let expected = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                assert_eq!(open, expected, "{open:?} closed by {c:?} at char {n}");
            }
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
}

#[test]
fn the_lexer_tells_code_from_literals_and_comments() {
    let src = "/// doc \"#] */\nfn a<'a>(x: &'a str) -> char { let _ = r#\"raw \" fn evil\"#; /* c /* nested */ */ let s = \"q\\\"\\u{202e}\"; '\\'' }\n// fn evil2\n";
    let lexed = lex(src);
    assert_eq!(lexed.strings, ["raw \" fn evil", "q\"\u{202e}"]);
    assert_eq!(lexed.comments, [" doc \"#] */", " c /* nested */ ", " fn evil2"]);
    assert!(
        !lexed.code.contains("evil") && lexed.code.contains("fn a<'a>(x: &'a str)"),
        "{}",
        lexed.code
    );
    assert_balanced(&lexed.code);
    // A literal that ends early lets what follows become code, and the checks see it.
    let broken = lex("#[serde(rename = \"x\")] fn evil() {} \"\"");
    assert!(broken.code.contains("fn evil"), "{}", broken.code);
}

// ---- names, values and prose that try to become code ----------------------------

/// Everything `hostile_names.yaml` injects, as the spec has it (the wire values).
const INJECTED_NAMES: &[&str] = &[
    "self",
    "Self",
    "crate",
    "super",
    "r#type",
    "__proto__",
    "1st",
    "",
    "🦀",
    "a\"b",
    "x}; fn evil() {",
    "w\u{202e}x",
];
const INJECTED_ENUM_VALUES: &[&str] = &[
    "Unknown",
    "unknown",
    "\"); std::process::exit(1); (\"",
    "*/",
    "\"#]",
    "a\u{202e}b",
    "",
    "x}; fn evil_variant() {",
];

/// The fenced code blocks (info string, body) of Markdown `lines`; fails on an unclosed one.
fn fenced_blocks<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in lines {
        match (line.trim().strip_prefix("```"), &mut open) {
            (Some(info), None) => open = Some((info.trim().to_owned(), String::new())),
            (Some(_), Some(_)) => blocks.extend(open.take()),
            (None, Some((_, body))) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "an unclosed code block: {open:?}");
    blocks
}

/// Rustdoc compiles a fenced block unless its info string says it is not Rust.
fn is_compiled(info: &str) -> bool {
    !matches!(info, "text" | "json" | "yaml" | "sh" | "console" | "ignore")
}

/// Bidirectional overrides and isolates: rustc refuses them raw in literals and comments.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[test]
fn hostile_names_values_and_prose_stay_inside_literals_and_comments() {
    let text = bad_spec("hostile_names.yaml");
    let out = single_file("tests/bad-specs/hostile_names.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
    let lexed = lex(&out);
    let code = &lexed.code;

    // Nothing injected runs: no injected item, statement or string end in the code.
    // (Identifiers made from injected names, like `x_fn_evil`, are fine: every
    // injected item is `fn evil...` with a space, and the statement `std::process::exit`.)
    for injected in ["fn evil", "process", "exit("] {
        assert!(!code.contains(injected), "{injected:?} is code in the output:\n{out}");
    }
    assert_balanced(code);
    assert!(
        !out.chars().any(is_bidi),
        "a raw bidirectional control character is in the output"
    );

    // Each name and value is still there, as a literal, exactly (escaped in the source).
    for value in INJECTED_NAMES.iter().chain(INJECTED_ENUM_VALUES) {
        assert!(
            lexed.strings.iter().any(|s| s == value),
            "no string literal holds {value:?}"
        );
    }
    for value in [
        "https://api.example.com/\"); fn evil_server() { (\"",
        "q\"); fn evil_param() { (\"",
        "X-Evil'Header",
    ] {
        assert!(
            lexed.strings.iter().any(|s| s == value),
            "no string literal holds {value:?}"
        );
    }
    assert!(
        out.contains(r#""a\"b""#) && out.contains(r#""w\u{202e}x""#),
        "escapes as expected:\n{out}"
    );

    // `Unknown` in the spec is a variant of its own beside the catch-all.
    assert!(
        code.contains("Unknown(::std::string::String)"),
        "the catch-all variant:\n{out}"
    );
    let arm = out
        .lines()
        .find(|l| l.trim_start().starts_with("\"Unknown\" => Self::"))
        .expect("a `From<&str>` arm for \"Unknown\"");
    assert!(!arm.contains('('), "\"Unknown\" must not land in the catch-all: {arm}");

    // Prose stays prose: descriptions are comments, and their code blocks are
    // `text`, never Rust that rustdoc would compile as a doctest.
    let blocks = fenced_blocks(lexed.comments.iter().map(String::as_str));
    for injected in ["fn evil_doc", "fn evil_type_doc"] {
        let (info, _) = blocks
            .iter()
            .find(|(_, body)| body.contains(injected))
            .unwrap_or_else(|| panic!("the block with {injected:?} was lost"));
        assert_eq!(
            info, "text",
            "the description's block with {injected:?} would be a doctest"
        );
    }
    for (info, body) in &blocks {
        assert!(
            !is_compiled(info) || !body.contains("evil"),
            "spec text in a `{info}` doc block:\n{body}"
        );
    }
    assert!(
        lexed.comments.iter().any(|c| c.contains("x}; fn evil_field_doc() {")),
        "the field's description was lost"
    );
}

#[test]
fn hostile_titles_stay_inside_the_manifest_string_and_the_readme_prose() {
    let mut text = bad_spec("hostile_names.yaml");
    text = text.replacen(
        "title: 'hostile \"names\" */ \"#]'",
        "title: \"hostile \\\"names\\\"\\n[dependencies]\\nevil = \\\"1\\\"\\n```rust\\nfn evil_readme() {}\\n```\"",
        1,
    );
    assert!(text.contains("evil_readme"), "the title replacement did not apply");
    let input = codegen::Input {
        file_name: "tests/bad-specs/hostile_names.yaml",
        text: &text,
        crate_name: "hostile-client",
        runtime_path: "../../runtime",
        command: COMMAND,
        package: codegen::PackageMeta::default(),
    };
    let files = codegen::generate(&input).unwrap_or_else(|d| panic!("{d}")).files;

    let manifest = &files["Cargo.toml"];
    assert_eq!(
        manifest.lines().filter(|l| l.starts_with('[')).collect::<Vec<_>>(),
        ["[package]", "[package.metadata.docs.rs]", "[features]", "[dependencies]"],
        "{manifest}"
    );
    assert!(
        !manifest.lines().any(|l| l.trim_start().starts_with("evil")),
        "{manifest}"
    );
    let description = manifest
        .lines()
        .find(|l| l.starts_with("description = "))
        .expect("a description");
    // One line, one string: the title's line breaks are escapes inside it.
    assert!(
        description.contains(" API, generated from its OpenAPI spec.") && description.ends_with('"') && description.contains("[dependencies]"),
        "{description}"
    );

    // README.md is the crate's docs: its only compiled blocks are the generator's own.
    let readme = &files["README.md"];
    for (info, body) in fenced_blocks(readme.lines()) {
        if is_compiled(&info) {
            let code = lex(&body).code;
            assert!(
                !code.contains("fn evil") && !code.contains("process"),
                "spec text in a `{info}` block of the README:\n{readme}"
            );
        }
    }
    for rust in ["src/lib.rs", "src/types.rs", "src/client.rs"] {
        let lexed = lex(&files[rust]);
        assert!(
            !lexed.code.contains("fn evil") && !lexed.code.contains("process"),
            "{rust}:\n{}",
            files[rust]
        );
        assert_balanced(&lexed.code);
    }
}

// ---- YAML alias bombs ----------------------------------------------------------

/// "Billion laughs": `levels` anchors, each a list of `fan` aliases of the one before.
fn alias_bomb(levels: usize, fan: usize) -> String {
    let mut s = String::from("openapi: 3.0.3\ninfo:\n  title: laughs\n  version: 1.0.0\npaths: {}\nx-laughs:\n");
    s.push_str(&format!("  l0: &l0 [{}]\n", vec!["\"lol\""; fan].join(", ")));
    for i in 1..levels {
        s.push_str(&format!(
            "  l{i}: &l{i} [{}]\n",
            vec![format!("*l{}", i - 1); fan].join(", ")
        ));
    }
    s
}

#[test]
fn a_yaml_alias_bomb_is_refused_quickly() {
    // 9 levels of 9: 9^9 (387 million) strings if expanded.
    let bomb = alias_bomb(9, 9);
    assert!(bomb.len() < 1000);
    let result = within(Duration::from_secs(10), "the alias bomb", || {
        single_file("laughs.yaml", &bomb)
    });
    let d = refused(result, "the alias bomb");
    assert_eq!(d.len(), 1, "{}", Diagnostics(d.clone()));
    assert_eq!(d[0].file, "laughs.yaml");
    assert!(d[0].message.contains("not valid YAML"), "{}", d[0]);
    assert!(
        d[0].message.contains("repetition limit") || d[0].message.contains("alias"),
        "{}",
        d[0]
    );
}

#[test]
fn a_parse_error_without_a_line_does_not_refer_to_one() {
    let d = refused(single_file("laughs.yaml", &alias_bomb(9, 9)), "the alias bomb");
    assert_eq!(d[0].line, None);
    assert!(!d[0].help.contains("line shown"), "{}", d[0]);
}

// ---- deep nesting ----------------------------------------------------------------

/// A component schema with `levels` object schemas nested through `properties`, as
/// YAML: flow mappings, one level per line (block style would need quadratic indentation).
fn nested_properties_yaml(levels: usize) -> String {
    let mut s = String::from(
        "openapi: 3.0.3\ninfo:\n  title: deep\n  version: 1.0.0\npaths: {}\ncomponents:\n  schemas:\n    Deep:\n",
    );
    s.push_str(&"      {type: object, properties: {p:\n".repeat(levels));
    s.push_str("      {type: string}\n      ");
    s.push_str(&"}}".repeat(levels));
    s.push('\n');
    s
}

/// The same as JSON (on one line).
fn nested_properties_json(levels: usize) -> String {
    let mut s = String::from(
        r#"{"openapi":"3.0.3","info":{"title":"deep","version":"1"},"paths":{},"components":{"schemas":{"Deep":"#,
    );
    s.push_str(&r#"{"type":"object","properties":{"p":"#.repeat(levels));
    s.push_str(r#"{"type":"string"}"#);
    s.push_str(&"}}".repeat(levels));
    s.push_str("}}}");
    s
}

/// A schema of `levels` arrays nested through `items` (one YAML level per schema level).
fn nested_arrays_yaml(levels: usize) -> String {
    let mut s = String::from(
        "openapi: 3.0.3\ninfo:\n  title: deep\n  version: 1.0.0\npaths: {}\ncomponents:\n  schemas:\n    Deep:\n",
    );
    for level in 0..levels {
        let indent = 6 + 2 * level;
        s.push_str(&format!("{:indent$}type: array\n{:indent$}items:\n", "", ""));
    }
    s.push_str(&format!("{:w$}type: string\n", "", w = 6 + 2 * levels));
    s
}

/// A parse error for too deep a document: one diagnostic, at the parser's limit.
#[track_caller]
fn assert_recursion_limit(file: &str, result: Result<String, Diagnostics>, line: impl Fn(usize) -> bool) {
    let d = refused(result, file);
    assert_eq!(d.len(), 1, "{}", Diagnostics(d.clone()));
    assert_eq!(d[0].file, file);
    // Our own pre-check ("nests more than 128 levels"), or the parser's ("recursion limit").
    assert!(d[0].message.contains("more than 128 levels") || d[0].message.contains("recursion limit"), "{}", d[0]);
    let at = d[0].line.unwrap_or_else(|| panic!("{file}: no line in {}", d[0]));
    assert!(line(at), "{}", d[0]);
}

#[test]
fn ten_thousand_levels_of_json_are_refused_quickly() {
    let text = nested_properties_json(10_000);
    let result = within(Duration::from_secs(2), "10,000 levels of JSON", || {
        single_file("deep.json", &text)
    });
    assert_recursion_limit("deep.json", result, |line| line == 1);
}

#[test]
fn a_thousand_levels_of_yaml_are_refused_quickly() {
    let text = nested_properties_yaml(1_000);
    let result = within(Duration::from_secs(5), "1,000 levels of YAML", || {
        single_file("deep.yaml", &text)
    });
    // Line 9 holds the first level, one level per line: the parser stops at 128.
    assert_recursion_limit("deep.yaml", result, |line| (40..140).contains(&line));
}

#[test]
fn ten_thousand_levels_of_yaml_are_refused_quickly() {
    let text = nested_properties_yaml(10_000);
    let result = within(Duration::from_secs(2), "10,000 levels of YAML", || {
        single_file("deep.yaml", &text)
    });
    assert_recursion_limit("deep.yaml", result, |line| (40..140).contains(&line));
}

#[test]
fn a_hundred_levels_of_objects_hit_the_parsers_recursion_limit() {
    // 100 schemas nested through `properties` are 200 levels of YAML/JSON: more
    // than the parsers' 128, so the parser refuses them, before our own limit.
    for (file, text) in [
        ("deep.yaml", nested_properties_yaml(100)),
        ("deep.json", nested_properties_json(100)),
    ] {
        let d = refused(single_file(file, &text), file);
        assert!(
            (d[0].message.contains("more than 128 levels") || d[0].message.contains("recursion limit")) && d[0].line.is_some(),
            "{}",
            d[0]
        );
    }
}

#[test]
fn a_hundred_levels_of_arrays_generate_on_the_gen_commands_stack() {
    // 100 arrays nested through `items` are within the parser's limit. On an
    // 8 MiB stack (the main thread of `cargo xtask gen`) they generate.
    let out = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(|| single_file("deep.yaml", &nested_arrays_yaml(100)))
        .expect("spawning a thread")
        .join()
        .expect("the generator panicked");
    let out = out.unwrap_or_else(|d| panic!("{d}"));
    let vecs = "::std::vec::Vec<".repeat(100);
    assert!(
        out.replace(char::is_whitespace, "")
            .contains(&format!("pubtypeDeep={vecs}::std::string::String")),
        "{out}"
    );
}

/// Set in the child process of [`deep_but_parseable_specs_do_not_overflow_a_default_thread_stack`].
const CHILD_ENV: &str = "CLIENT_TESTS_HOSTILE_CHILD";

/// Run in a child process by the test below (a stack overflow aborts the whole
/// process, so it must not happen in this one); does nothing otherwise.
#[test]
#[ignore = "run in a child process by deep_but_parseable_specs_do_not_overflow_a_default_thread_stack"]
fn child_generates_deep_specs_on_a_2_mib_stack() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let cases = [
        ("58 levels of objects", "deep.json", nested_properties_json(58)),
        ("61 levels of objects", "deep.json", nested_properties_json(61)),
        ("60 levels of arrays", "deep.yaml", nested_arrays_yaml(60)),
        ("120 levels of arrays", "deep.yaml", nested_arrays_yaml(120)),
    ];
    for (what, file, text) in cases {
        println!("generating {what} ...");
        // 2 MiB: what `std::thread::spawn` and the test harness give a thread.
        let result = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || single_file(file, &text).map(|out| out.len()))
            .expect("spawning a thread")
            .join()
            .expect("the generator panicked");
        match result {
            Ok(len) => println!("{what}: generated {len} bytes"),
            Err(d) => {
                println!("{what}: {d}");
                assert!(
                    d.0[0].message.contains("nest") || d.0[0].message.contains("deep"),
                    "unclear: {d}"
                );
            }
        }
    }
}

#[test]
fn deep_but_parseable_specs_do_not_overflow_a_default_thread_stack() {
    client_tests::run_ignored_test_in_child("child_generates_deep_specs_on_a_2_mib_stack", CHILD_ENV);
}

// ---- `$ref` cycles ----------------------------------------------------------------

#[test]
fn schemas_that_only_refer_to_each_other_are_refused_by_name() {
    let d = refused(
        single_file("tests/bad-specs/ref_cycle.yaml", &bad_spec("ref_cycle.yaml")),
        "A -> B -> A",
    );
    assert_eq!(d.len(), 1, "{}", Diagnostics(d.clone()));
    assert_eq!(d[0].pointer, "/components/schemas/A");
    assert!(d[0].message.contains("`A`") && d[0].message.contains("`B`"), "{}", d[0]);
    assert!(d[0].help.contains("cycle"), "{}", d[0]);

    let d = refused(
        single_file(
            "tests/bad-specs/allof_self_cycle.yaml",
            &bad_spec("allof_self_cycle.yaml"),
        ),
        "A = allOf [A]",
    );
    assert_eq!(d.len(), 1, "{}", Diagnostics(d.clone()));
    assert_eq!(d[0].pointer, "/components/schemas/A");
    assert!(
        d[0].message.contains("`A`") && d[0].message.contains("itself"),
        "{}",
        d[0]
    );
}

#[test]
fn a_recursive_schema_through_objects_generates_with_boxes() {
    let out = single_file("tests/bad-specs/recursive_tree.yaml", &bad_spec("recursive_tree.yaml"))
        .unwrap_or_else(|d| panic!("{d}"));
    let flat = out.replace(char::is_whitespace, "");
    // Through a Vec: no box needed. Directly, or through another type: boxed.
    assert!(flat.contains("pubchildren:::std::vec::Vec<Node>,"), "{out}");
    assert!(
        flat.contains("pubparent:::std::option::Option<::std::boxed::Box<Node>>,"),
        "{out}"
    );
    assert!(
        flat.contains("pubsibling:::std::option::Option<::std::boxed::Box<Other>>,"),
        "{out}"
    );
    assert!(
        flat.contains("pubback:::std::option::Option<::std::boxed::Box<Node>>,"),
        "{out}"
    );
}

// ---- size ------------------------------------------------------------------------

/// Scaled down from 5,000 to keep this file fast: the time is linear in the number
/// of operations (in a debug build about 1.5 s per 1,000, so 5,000 take about 8 s).
#[test]
fn a_thousand_operations_generate_in_bounded_time() {
    let mut s = String::from("openapi: 3.0.3\ninfo:\n  title: many operations\n  version: 1.0.0\npaths:\n");
    for i in 0..1000 {
        s.push_str(&format!(
            "  /things{i}/{{id}}:\n    get:\n      operationId: getThing{i}\n      parameters:\n        \
             - {{name: id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200':\n          \
             description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Thing'}}\n"
        ));
    }
    s.push_str(
        "components:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        id: {type: string}\n",
    );
    let out = within(Duration::from_secs(10), "1,000 operations", || {
        single_file("many_operations.yaml", &s)
    })
    .unwrap_or_else(|d| panic!("{d}"));
    assert!(out.contains("pub fn get_thing999(") && out.contains("pub fn get_thing0("));
}

#[test]
fn five_thousand_schemas_generate_in_bounded_time() {
    let mut s = String::from(
        "openapi: 3.0.3\ninfo:\n  title: many schemas\n  version: 1.0.0\npaths:\n  /things:\n    get:\n      operationId: getThing\n      \
         responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              \
         schema: {$ref: '#/components/schemas/S0'}\ncomponents:\n  schemas:\n",
    );
    for i in 0..5000 {
        // A ring: S0 -> S1 -> ... -> S4999 -> S0, one cycle through every schema.
        s.push_str(&format!(
            "    S{i}:\n      type: object\n      required: [id]\n      properties:\n        id: {{type: string}}\n        \
             next: {{$ref: '#/components/schemas/S{}'}}\n        kind: {{type: string, enum: [a, b]}}\n",
            (i + 1) % 5000
        ));
    }
    let out = within(Duration::from_secs(20), "5,000 schemas", || {
        single_file("many_schemas.yaml", &s)
    })
    .unwrap_or_else(|d| panic!("{d}"));
    assert!(out.contains("pub struct S4999 {"), "S4999 is missing");
    assert_eq!(
        out.matches("pub next: ::std::option::Option<::std::boxed::Box<S").count(),
        5000,
        "every link of the ring is boxed"
    );
}
