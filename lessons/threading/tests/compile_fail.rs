//! The lesson's `compile_fail,E…` doc tests, checked for their error code
//! (rustdoc checks it on nightly only; see `shared::testing::compile_fail`),
//! each beside its twin, which differs only in the fix and compiles.

use std::path::Path;

#[test]
fn each_compile_fail_block_fails_with_its_error_code_and_its_twin_compiles() {
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked =
        shared::testing::compile_fail::check_lesson(&sources, Path::new(env!("CARGO_TARGET_TMPDIR")), &[]);
    checked.sort();
    let expected = [("race", "error[E0499]"), ("send_sync", "error[E0277]"), ("thread_info", "error[E0373]")];
    let expected: Vec<(String, String)> =
        expected.iter().map(|(module, code)| (module.to_string(), code.to_string())).collect();
    assert_eq!(checked, expected);
}
