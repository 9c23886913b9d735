//! The lesson's `compile_fail,E…` doc tests, checked for their error code
//! (rustdoc checks it on nightly only; see `shared::testing::compile_fail`),
//! each beside its twin, which differs only in the fix and compiles. The
//! blocks use tokio, taken from the build of this test.

use std::path::Path;

#[test]
fn each_compile_fail_block_fails_with_its_error_code_and_its_twin_compiles() {
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = shared::testing::compile_fail::check_lesson(
        &sources,
        Path::new(env!("CARGO_TARGET_TMPDIR")),
        &["tokio"],
    );
    checked.sort();
    let not_send = "error: future cannot be sent between threads safely";
    let unused = "error: unused implementer of `Future` that must be used";
    let expected =
        [("read_file", unused), ("runtime", not_send), ("runtime", "error[E0373]"), ("select", not_send)];
    let expected: Vec<(String, String)> =
        expected.iter().map(|(module, code)| (module.to_string(), code.to_string())).collect();
    assert_eq!(checked, expected);
}
