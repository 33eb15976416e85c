//! Every crash the fuzzers found (`cargo run --release -p fuzz`, see the
//! `fuzz` crate), as the input that caused it, minimised, in
//! `tests/fuzz-regressions/` (each file says what it was), or built here when
//! it is big. The generator must answer each in bounded time, with the
//! diagnostic a user can act on, and never panic, hang or overflow its stack.
//!
//! Time bounds are on the CPU time of the generating thread where the OS
//! gives it (as in `hostile.rs`), so a busy machine does not fail them. A
//! stack overflow aborts the process, so the inputs that once caused one run
//! in a child process.

use std::path::Path;
use std::time::{Duration, Instant};

use codegen::Diagnostics;

fn regression(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz-regressions").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn generate(file: &str, text: &str) -> Result<codegen::GeneratedCrate, Diagnostics> {
    codegen::generate(&codegen::Input {
        file_name: file,
        text,
        crate_name: "regression-client",
        runtime_path: "../../runtime",
        command: "cargo test -p client-tests --test fuzz_regressions",
        package: codegen::PackageMeta { license: None, repository: None },
    })
}

/// CPU time of this process (the generator runs on a thread of its own), where Linux tells.
fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Runs `f`, failing if it took `limit` or longer (CPU time where available, else wall-clock time).
#[track_caller]
fn within<T>(limit: Duration, what: &str, f: impl FnOnce() -> T) -> T {
    let (cpu_start, wall_start) = (process_cpu_time(), Instant::now());
    let value = f();
    let wall = wall_start.elapsed();
    let took = match (cpu_start, process_cpu_time()) {
        (Some(start), Some(end)) => end.saturating_sub(start),
        _ => wall,
    };
    assert!(took < limit, "{what} took {took:?} (wall clock {wall:?}), more than {limit:?}");
    value
}

#[test]
fn a_wrong_schema_deep_inside_is_refused_at_once_with_its_own_pointer() {
    let text = regression("wrong_schema_nested_deep.yaml");
    let d = within(Duration::from_secs(5), "30 levels over a wrong schema", || generate("deep.yaml", &text))
        .expect_err("a schema whose additionalProperties is a string is refused");
    // The schema whose `additionalProperties` is the string: 29 levels down.
    let pointer = format!(
        "/paths/~1maps/get/responses/200/content/application~1json/schema{}",
        "/additionalProperties".repeat(29)
    );
    assert_eq!(d.0.len(), 1, "{d}");
    assert_eq!(d.0[0].pointer, pointer, "{d}");
    assert!(d.0[0].message.contains("not what OpenAPI allows here"), "{d}");
}

#[test]
fn the_same_wrong_schema_in_components_and_parameters_is_found_there() {
    // The schema check walks every place a schema can be, not only responses.
    let wrong = "{type: object, properties: {a: {type: array, items: [1, 2]}}}";
    let cases = [
        ("/components/schemas/A/properties/a", format!("components: {{schemas: {{A: {wrong}}}}}\n")),
        (
            "/paths/~1x/get/parameters/0/schema/properties/a",
            format!("    parameters: [{{name: q, in: query, schema: {wrong}}}]\n"),
        ),
    ];
    for (pointer, extra) in cases {
        let text = if extra.starts_with("components") {
            format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n{extra}")
        } else {
            format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /x:\n   get:\n    responses: {{'204': {{description: none}}}}\n{extra}")
        };
        let d = generate("x.yaml", &text).err().unwrap_or_else(|| panic!("{pointer}: an `items` list is refused"));
        assert!(d.0[0].pointer.starts_with(pointer), "{pointer}: {d}");
    }
}

#[test]
fn allof_copies_that_copy_again_generate_in_bounded_time() {
    let text = regression("allof_copies_that_copy.yaml");
    let generated = within(Duration::from_secs(10), "eight allOf copies of their own schema", || generate("copies.yaml", &text))
        .unwrap_or_else(|d| panic!("a valid spec: {d}"));
    let types = &generated.files["src/types.rs"];
    // Every copy is still a type of its own name (an alias where its body is another's).
    for i in 0..8 {
        assert!(types.contains(&format!("pub struct NodeCopy{i}")) || types.contains(&format!("pub type NodeCopy{i} ")), "NodeCopy{i} missing");
    }
}

/// `Chain0: {$ref: Chain1}`, …, `ChainN-1: {$ref: ChainN}`, `ChainN: string`: aliases, one per schema.
fn alias_chain(n: usize) -> String {
    let mut text = String::from(
        "openapi: 3.0.3\ninfo: {title: a long alias chain, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Chain0'}\ncomponents:\n  schemas:\n",
    );
    for i in 0..n {
        text.push_str(&format!("    Chain{i}: {{$ref: '#/components/schemas/Chain{}'}}\n", i + 1));
    }
    text.push_str(&format!("    Chain{n}: {{type: string}}\n"));
    text
}

#[test]
fn a_long_chain_of_aliases_generates_in_bounded_time() {
    // Found as a hang (5,000 aliases): the check for `$ref`-only cycles walked
    // every chain from every start with a linear membership test, cubic time.
    let text = alias_chain(3000);
    let generated = within(Duration::from_secs(10), "3,000 aliases", || generate("chain.yaml", &text))
        .unwrap_or_else(|d| panic!("a valid spec: {d}"));
    assert!(generated.files["src/types.rs"].contains("pub type Chain0 = "), "Chain0 is an alias");
    // And a cycle at the end of a long chain is still found, once, named from its first member.
    let cyclic = alias_chain(3000).replace("    Chain3000: {type: string}\n", "    Chain3000: {$ref: '#/components/schemas/Chain2998'}\n");
    let d = within(Duration::from_secs(10), "3,000 aliases ending in a cycle", || generate("chain.yaml", &cyclic))
        .expect_err("a cycle of refs is refused");
    assert_eq!(d.0.len(), 1, "{d}");
    assert_eq!(d.0[0].pointer, "/components/schemas/Chain2998", "{d}");
    assert!(d.0[0].message.contains("`Chain2998` → `Chain2999` → `Chain3000` → `Chain2998`"), "{d}");
}

/// Set in the child process of [`refs_into_themselves_are_refused_without_overflowing`].
const CHILD_ENV: &str = "CLIENT_TESTS_FUZZ_REGRESSIONS_CHILD";

#[test]
#[ignore = "run in a child process by refs_into_themselves_are_refused_without_overflowing"]
fn child_generates_refs_into_themselves() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    for (file, pointer) in [
        ("ref_into_itself.yaml", "/components/schemas/Pet/properties/owner"),
        ("ref_into_itself_swagger2.yaml", "/definitions/Pet/properties/owner"),
    ] {
        let d = generate(file, &regression(file)).err().unwrap_or_else(|| panic!("{file} is refused"));
        assert_eq!(d.0.len(), 1, "{file}: {d}");
        assert_eq!(d.0[0].pointer, pointer, "{file}: {d}");
        assert!(d.0[0].message.contains("reaches the schema it is in with nothing in between"), "{file}: {d}");
        println!("{file}: refused");
    }
}

#[test]
fn refs_into_themselves_are_refused_without_overflowing() {
    client_tests::run_ignored_test_in_child("child_generates_refs_into_themselves", CHILD_ENV);
}
