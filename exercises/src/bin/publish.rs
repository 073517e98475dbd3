//! Writes the files every exercise publishes with the site
//! (`Runner::published`) under `<folder>/<exercise id>/`: run by
//! `cargo xtask post-build` with the site's `files` folder.

use std::path::PathBuf;

fn main() -> Result<(), String> {
    let folder: PathBuf = std::env::args_os().nth(1).ok_or("usage: publish <folder>")?.into();
    for exercise in exercises::EXERCISES {
        for (path, bytes) in exercise.runner.published() {
            let file = folder.join(exercise.id).join(&path);
            let parent = file.parent().ok_or("a path without a folder")?;
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            std::fs::write(&file, bytes).map_err(|e| format!("{}: {e}", file.display()))?;
        }
    }
    Ok(())
}
