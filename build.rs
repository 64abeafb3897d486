//! Embeds every price book in `pricing/*.toml` into the binary: the list of
//! built-in books is the folder's contents, found here at build time, so a
//! new book is one new file and no code edit.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let folder = Path::new("pricing");
    println!("cargo::rerun-if-changed=pricing");
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok())
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::from("&[\n");
    for name in &names {
        let path = folder.join(name);
        let absolute = std::fs::canonicalize(&path).unwrap_or(path);
        println!("cargo::rerun-if-changed={}", absolute.display());
        let _ = writeln!(
            code,
            "    ({:?}, include_str!({:?})),",
            format!("pricing/{name}"),
            absolute.display().to_string()
        );
    }
    code.push(']');
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let _ = std::fs::write(Path::new(&out).join("built_in_books.rs"), code);
}
