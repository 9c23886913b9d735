//! The lesson's `compile_fail,E…` doc tests, checked for their error code.
//!
//! rustdoc checks the code after `compile_fail,` on nightly only: on stable,
//! a `compile_fail` block passes when it fails for *any* reason, a typo
//! included. So this test compiles each such block from the sources with
//! `rustc` and checks that the error is the one the block names, and that
//! the block after it (its twin, which differs only in the fix) compiles.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A Rust block from a module's `//!` docs: its fence attributes and code.
struct Block {
    attributes: String,
    code: String,
}

/// Every fenced block in the `//!` comments of `source`, with the files
/// that `#![doc = include_str!("..")]` lines bring in (paths relative to `dir`).
fn doc_blocks(source: &str, dir: &Path) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for line in source.lines() {
        let included = line
            .trim_start()
            .strip_prefix("#![doc = include_str!(\"")
            .and_then(|rest| rest.strip_suffix("\")]"));
        if let (Some(path), Some(block)) = (included, &mut open) {
            block.code.push_str(&std::fs::read_to_string(dir.join(path)).unwrap());
            continue;
        }
        let Some(doc) = line.trim_start().strip_prefix("//!") else { continue };
        let doc = doc.strip_prefix(' ').unwrap_or(doc);
        match (&mut open, doc.strip_prefix("```")) {
            (None, Some(attributes)) => {
                open = Some(Block { attributes: attributes.to_string(), code: String::new() })
            }
            (Some(_), Some(_)) => blocks.extend(open.take()),
            (Some(block), None) => {
                // rustdoc compiles `# ` lines too; it only hides them.
                let code = doc.strip_prefix("# ").unwrap_or(doc);
                block.code.push_str(code);
                block.code.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

/// Compiles `code` as rustdoc would (inside `fn main` when it has none);
/// returns the compiler's success and its messages.
fn compile(name: &str, code: &str) -> (bool, String) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("compile_fail");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.rs"));
    let program =
        if code.contains("fn main") { code.to_string() } else { format!("fn main() {{\n{code}}}\n") };
    std::fs::write(&file, program).unwrap();
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc)
        .args(["--edition", "2024", "--emit=metadata", "--crate-name", name, "--out-dir"])
        .arg(&dir)
        .arg(&file)
        .output()
        .expect("rustc runs");
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn each_compile_fail_block_fails_with_its_error_code_and_its_twin_compiles() {
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    for entry in std::fs::read_dir(sources).unwrap() {
        let path = entry.unwrap().path();
        let module = path.file_stem().unwrap().to_string_lossy().into_owned();
        let blocks = doc_blocks(&std::fs::read_to_string(&path).unwrap(), path.parent().unwrap());
        for (index, block) in blocks.iter().enumerate() {
            let Some(code) = block.attributes.strip_prefix("compile_fail,") else { continue };
            assert!(code.starts_with('E'), "{module}: name the error code: compile_fail,E0…");
            let (compiled, messages) = compile(&format!("{module}_{index}_fails"), &block.code);
            assert!(!compiled, "{module}: the compile_fail block compiles");
            assert!(
                messages.contains(&format!("error[{code}]")),
                "{module}: expected {code}, got:\n{messages}"
            );
            let twin =
                blocks.get(index + 1).unwrap_or_else(|| panic!("{module}: no twin after the {code} block"));
            assert!(twin.attributes.is_empty(), "{module}: the twin after {code} must be a plain block");
            let (compiled, messages) = compile(&format!("{module}_{index}_twin"), &twin.code);
            assert!(compiled, "{module}: the twin of the {code} block does not compile:\n{messages}");
            checked += 1;
        }
    }
    assert_eq!(checked, 3, "race (E0499), thread_info (E0373) and send_sync (E0277)");
}
