//! Checking a lesson's `compile_fail,E…` doc tests for their error code.
//!
//! rustdoc checks the code after `compile_fail,` on nightly only: on
//! stable, a `compile_fail` block passes when it fails for *any* reason, a
//! typo included. [`check_lesson`] compiles each such block from a lesson's
//! sources with `rustc` and checks that the error is the one the block
//! names, and that the block after it (its twin, which differs only in the
//! fix) compiles.
//!
//! Some errors have no code: a future that is not `Send` where one must be
//! is "error: future cannot be sent between threads safely", with no
//! number. Such a block is a plain ```` ```compile_fail ```` whose code
//! names the message in a comment, `// error: future cannot be sent …`
//! (on a line of its own or after the code it is about), and the check
//! looks for that message. Blocks that use a crate (`tokio`) get it from the
//! directory the test binary was built in, as rustdoc would.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A Rust block from a module's `//!` docs: its fence attributes and code.
#[derive(Debug)]
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

/// The compiler and the crates a block may use.
struct Compiler {
    scratch: PathBuf,
    /// `target/debug/deps`, where the test binary and its dependencies are.
    deps: PathBuf,
    /// `--extern name=path` for each crate, once found.
    externs: Vec<(String, PathBuf)>,
}

impl Compiler {
    /// Compiles `code` as rustdoc would (inside `fn main` when it has none);
    /// returns the compiler's success and its messages.
    fn compile(&self, name: &str, code: &str, externs: &[(String, PathBuf)]) -> (bool, String) {
        let file = self.scratch.join(format!("{name}.rs"));
        let program =
            if code.contains("fn main") { code.to_string() } else { format!("fn main() {{\n{code}}}\n") };
        std::fs::write(&file, program).unwrap();
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let mut command = Command::new(rustc);
        command
            .args(["--edition", "2024", "--emit=metadata", "--crate-name", name, "--out-dir"])
            .arg(&self.scratch)
            .arg("-L")
            .arg(format!("dependency={}", self.deps.display()));
        for (crate_name, path) in externs {
            command.arg("--extern").arg(format!("{crate_name}={}", path.display()));
        }
        let output = command.arg(&file).output().expect("rustc runs");
        (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
    }

    /// Finds each crate of `wanted` that `twin` needs: the directory may hold
    /// several builds of a crate (other feature sets), so the first whose
    /// build compiles `twin` is taken, and kept for the other blocks.
    fn find_externs(&mut self, name: &str, twin: &str, wanted: &[&str]) {
        for crate_name in wanted {
            if self.externs.iter().any(|(known, _)| known == crate_name) {
                continue;
            }
            let prefix = format!("lib{crate_name}-");
            let mut candidates: Vec<PathBuf> = std::fs::read_dir(&self.deps)
                .unwrap()
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| {
                    let file = path.file_name().unwrap_or_default().to_string_lossy();
                    file.starts_with(&prefix) && file.ends_with(".rlib")
                })
                .collect();
            candidates.sort();
            let found = candidates.into_iter().find(|path| {
                let mut externs = self.externs.clone();
                externs.push((crate_name.to_string(), path.clone()));
                self.compile(&format!("{name}_probe"), twin, &externs).0
            });
            let path = found.unwrap_or_else(|| panic!("no build of {crate_name} in {}", self.deps.display()));
            self.externs.push((crate_name.to_string(), path));
        }
    }
}

/// Checks every `compile_fail,E…` block in the `//!` docs of the `.rs` files
/// in `sources`: it fails with that error code (or, for a bare
/// `compile_fail`, the message its `// error: …` line names), and the plain
/// block after it compiles. Blocks may use the crates named in `crates`.
/// Returns the modules and errors checked, `("race", "error[E0499]")`;
/// panics on a failure.
pub fn check_lesson(sources: &Path, scratch: &Path, crates: &[&str]) -> Vec<(String, String)> {
    let scratch = scratch.join("compile_fail");
    std::fs::create_dir_all(&scratch).unwrap();
    let test = std::env::current_exe().expect("the test binary's path");
    let deps = test.parent().expect("target/debug/deps").to_path_buf();
    let mut compiler = Compiler { scratch, deps, externs: Vec::new() };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(sources)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "rs"))
        .collect();
    paths.sort();
    let mut checked = Vec::new();
    for path in paths {
        let module = path.file_stem().unwrap().to_string_lossy().into_owned();
        let blocks = doc_blocks(&std::fs::read_to_string(&path).unwrap(), path.parent().unwrap());
        for (index, block) in blocks.iter().enumerate() {
            let code = match block.attributes.strip_prefix("compile_fail") {
                Some(",") | None => continue,
                Some("") => {
                    let message =
                        block.code.lines().find_map(|line| Some(line.split_once("// error: ")?.1.trim()));
                    let message = message.unwrap_or_else(|| {
                        panic!("{module}: a compile_fail block with no code names its message: // error: …")
                    });
                    format!("error: {message}")
                }
                Some(code) => {
                    let code = code.strip_prefix(',').unwrap_or(code);
                    assert!(code.starts_with('E'), "{module}: name the error code: compile_fail,E0…");
                    format!("error[{code}]")
                }
            };
            let twin =
                blocks.get(index + 1).unwrap_or_else(|| panic!("{module}: no twin after the {code} block"));
            assert!(twin.attributes.is_empty(), "{module}: the twin after {code} must be a plain block");
            let name = format!("{module}_{index}");
            compiler.find_externs(&name, &twin.code, crates);
            let externs = compiler.externs.clone();
            let (compiled, messages) = compiler.compile(&format!("{name}_twin"), &twin.code, &externs);
            assert!(compiled, "{module}: the twin of the {code} block does not compile:\n{messages}");
            let (compiled, messages) = compiler.compile(&format!("{name}_fails"), &block.code, &externs);
            assert!(!compiled, "{module}: the compile_fail block compiles");
            assert!(messages.contains(&code), "{module}: expected {code}, got:\n{messages}");
            checked.push((module.clone(), code));
        }
    }
    checked
}
