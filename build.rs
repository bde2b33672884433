//! Compiles the shipped Thai word lists into a finite-state transducer
//! (`OUT_DIR/words.fst`), embedded in the binary: the dictionary is ready at
//! first use, with nothing to load or hash (a set of 62,000 `String`s cost a
//! fresh process ~18 ms).

use std::path::PathBuf;

fn main() {
    let lists = [
        "letter-templates/dictionary/words_th.txt",
        "letter-templates/dictionary/official.txt",
    ];
    let mut words: Vec<String> = Vec::new();
    for list in lists {
        println!("cargo:rerun-if-changed={list}");
        let text = std::fs::read_to_string(list).unwrap_or_else(|e| panic!("{list}: {e}"));
        words.extend(
            text.lines()
                .map(str::trim)
                .filter(|w| !w.is_empty() && !w.starts_with('#'))
                .map(String::from),
        );
    }
    // An FST takes its keys in byte order, each once.
    words.sort_unstable();
    words.dedup();
    let set = fst::Set::from_iter(&words).expect("sorted, unique words");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("words.fst"), set.as_fst().as_bytes()).expect("OUT_DIR is writable");
    examples(&out);
}

/// Lists `examples/*.json` as `(name, text)` pairs in `OUT_DIR/examples.rs`, so
/// the clerk's page offers every example shipped, a new one without hand work.
fn examples(out: &std::path::Path) {
    println!("cargo:rerun-if-changed=examples");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/ is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut code = String::from(
        "/// Every shipped example: its name and its JSON.\npub const EXAMPLES: &[(&str, &str)] = &[\n",
    );
    for f in files {
        let name = f
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 example name");
        // The path is made when the crate compiles, not here: a build
        // script's output may be reused by a checkout elsewhere.
        code.push_str(&format!(
            "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/examples/{name}.json\"))),\n"
        ));
    }
    code.push_str("];\n");
    std::fs::write(out.join("examples.rs"), code).expect("OUT_DIR is writable");
}
