//! [`Files`] in the Origin Private File System: a path `a/b/c` is the file
//! `c` in the folders `a/b`, made as needed. A write goes through
//! `createWritable`, which writes a swap file and replaces the old one only
//! when it closes: a full quota or a closed tab leaves the old file whole.
//! No handle stays open between calls.

use std::rc::Rc;

use exercises::runner::{Files, Later, MemoryFiles};
use js_sys::{Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    File, FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemGetDirectoryOptions,
    FileSystemGetFileOptions, FileSystemRemoveOptions, FileSystemWritableFileStream, WorkerGlobalScope,
};

/// The origin's private file system, or a folder in memory saying why
/// there is none.
pub fn files() -> Rc<dyn Files> {
    thread_local! {
        static FILES: Rc<dyn Files> = match opfs_missing() {
            None => Rc::new(Opfs),
            Some(why) => Rc::new(MemoryFiles::new(&why)),
        };
    }
    FILES.with(Rc::clone)
}

/// Why this worker has no OPFS, if it has none.
fn opfs_missing() -> Option<String> {
    let scope: WorkerGlobalScope = js_sys::global().dyn_into().ok()?;
    // `navigator.storage` is undefined outside a secure context.
    let manager: JsValue = scope.navigator().storage().into();
    let has = !manager.is_undefined() && js_sys::Reflect::has(&manager, &"getDirectory".into()).unwrap_or(false);
    (!has).then(|| "this browser has no origin private file system (navigator.storage.getDirectory)".into())
}

struct Opfs;

/// A JavaScript error's name and message.
fn js(error: JsValue) -> String {
    match error.dyn_ref::<js_sys::Error>() {
        Some(e) => format!("{}: {}", String::from(e.name()), String::from(e.message())),
        None => format!("{error:?}"),
    }
}

async fn resolve<T: JsCast>(promise: Promise) -> Result<T, String> {
    JsFuture::from(promise).await.map_err(js)?.dyn_into().map_err(|_| "an unexpected value".into())
}

/// Whether `error` is a `NotFoundError` (no such file or folder).
fn not_found(error: &str) -> bool {
    error.starts_with("NotFoundError")
}

/// The folder of `path` (made if `create`) and the last name.
async fn folder_of(path: &str, create: bool) -> Result<(FileSystemDirectoryHandle, String), String> {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    let mut folder: FileSystemDirectoryHandle = resolve(scope.navigator().storage().get_directory()).await?;
    let mut parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let name = parts.pop().ok_or("an empty path")?.to_string();
    for part in parts {
        let options = FileSystemGetDirectoryOptions::new();
        options.set_create(create);
        folder = resolve(folder.get_directory_handle_with_options(part, &options)).await?;
    }
    Ok((folder, name))
}

impl Files for Opfs {
    fn kept(&self) -> Result<String, String> {
        Ok("in the origin private file system, one file per chunk".into())
    }

    fn read(&self, path: &str) -> Later<Option<Vec<u8>>> {
        let path = path.to_string();
        Box::pin(async move {
            let found = async {
                let (folder, name) = folder_of(&path, false).await?;
                let handle: FileSystemFileHandle = resolve(folder.get_file_handle(&name)).await?;
                let file: File = resolve(handle.get_file()).await?;
                let buffer = JsFuture::from(file.array_buffer()).await.map_err(js)?;
                Ok::<_, String>(Uint8Array::new(&buffer).to_vec())
            };
            match found.await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(error) if not_found(&error) => Ok(None),
                Err(error) => Err(format!("reading {path}: {error}")),
            }
        })
    }

    fn write(&self, path: &str, bytes: Vec<u8>) -> Later<()> {
        let path = path.to_string();
        Box::pin(async move {
            let written = async {
                let (folder, name) = folder_of(&path, true).await?;
                let options = FileSystemGetFileOptions::new();
                options.set_create(true);
                let handle: FileSystemFileHandle = resolve(folder.get_file_handle_with_options(&name, &options)).await?;
                let stream: FileSystemWritableFileStream = resolve(handle.create_writable()).await?;
                // A copy outside WebAssembly's memory: the threaded build's
                // memory is shared, and streams refuse views of it.
                let copy = Uint8Array::new_with_length(bytes.len() as u32);
                copy.copy_from(&bytes);
                if let Err(error) = JsFuture::from(stream.write_with_buffer_source(&copy).map_err(js)?).await {
                    // Dropping the swap file keeps the old file as it was.
                    let _ = JsFuture::from(stream.abort()).await;
                    return Err(js(error));
                }
                JsFuture::from(stream.close()).await.map_err(js)?;
                Ok::<_, String>(())
            };
            written.await.map_err(|error| format!("writing {path}: {error}"))
        })
    }

    fn remove_all(&self, path: &str) -> Later<()> {
        let path = path.to_string();
        Box::pin(async move {
            let removed = async {
                let (folder, name) = folder_of(&path, false).await?;
                let options = FileSystemRemoveOptions::new();
                options.set_recursive(true);
                JsFuture::from(folder.remove_entry_with_options(&name, &options)).await.map_err(js)?;
                Ok::<_, String>(())
            };
            match removed.await {
                Err(error) if !not_found(&error) => Err(format!("removing {path}: {error}")),
                _ => Ok(()),
            }
        })
    }
}
