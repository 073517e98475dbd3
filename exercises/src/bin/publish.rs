//! Writes what the site serves beside its modules, into the site's folder
//! (its one argument): each exercise's published files
//! (`Runner::published`) under `files/<exercise id>/`, and its variants'
//! highlighted code as `code/<exercise id>.json` (`exercises::code`). Run
//! by `cargo xtask post-build`.

use std::path::{Path, PathBuf};

fn write(file: &Path, bytes: &[u8]) -> Result<(), String> {
    let parent = file.parent().ok_or("a path without a folder")?;
    std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    std::fs::write(file, bytes).map_err(|e| format!("{}: {e}", file.display()))
}

fn main() -> Result<(), String> {
    let site: PathBuf = std::env::args_os().nth(1).ok_or("usage: publish <site folder>")?.into();
    for exercise in exercises::EXERCISES {
        for (path, bytes) in exercise.runner.published() {
            write(&site.join("files").join(exercise.id).join(&path), &bytes)?;
        }
        let code = exercises::code::exercise_code(exercise)?;
        let json = serde_json::to_vec(&code).map_err(|e| e.to_string())?;
        write(&site.join("code").join(format!("{}.json", exercise.id)), &json)?;
    }
    Ok(())
}
