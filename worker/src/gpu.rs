//! The worker's one generic GPU runner: a WebGPU device that builds any
//! exercise's shader into a pipeline and runs the [`Dispatch`] the
//! exercise declares (its buffers, uniforms and workgroups), timed in
//! parts. It knows no exercise: what to send and how to read the result is
//! the exercise's [`GpuInput`](exercises::runner::GpuInput).
//!
//! Everything here runs on the thread that created the [`Gpu`] (the worker's own
//! thread); WebGPU objects cannot move between threads, so nothing is `Send`
//! under the threaded (atomics) build, and that is fine.
//!
//! WebGPU on the web is promise-driven: `map_async` and `on_submitted_work_done`
//! call back when the browser resolves a promise, so we bridge those callbacks to
//! `async` with `futures_channel::oneshot`. There is no blocking `poll(Wait)` on
//! the web; the browser polls the device itself.

use std::cell::Cell;
use std::future::Future;

use exercises::runner::{Dispatch, GpuLimits, words};
use futures_channel::oneshot;
use wasm_bindgen::{JsCast, JsValue};

/// What the adapter is.
#[derive(Debug, Clone, PartialEq)]
pub struct GpuInfo {
    /// Adapter description, or "vendor / architecture" when the browser leaves
    /// the description empty (Chrome usually does, for privacy).
    pub name: String,
    /// True for a fallback (software) adapter such as SwiftShader: its timings
    /// say nothing about the machine's real GPU.
    pub software: bool,
    /// True when the device was created with timestamp queries, so
    /// [`GpuRun::gpu_compute_ms`] is filled in.
    pub timestamps: bool,
}

/// One GPU computation, timed in parts (milliseconds, from `performance.now()`
/// in the calling worker).
#[derive(Debug, Clone, PartialEq)]
pub struct GpuRun<T> {
    /// The computed result, copied back to wasm memory.
    pub output: T,
    /// Writing the input buffers: `write_buffer` calls plus a submit whose
    /// completion is awaited.
    pub upload_ms: f64,
    /// Wall time of `repeats` back-to-back dispatches in one submission (timer
    /// started at submit, stopped when the queue reports the work done),
    /// divided by `repeats`.
    pub compute_ms: f64,
    /// The same per dispatch from GPU timestamp queries, when the adapter has
    /// them. Chrome quantizes timestamps to 100 µs (unless started with
    /// developer features), so this is only meaningful when the whole batch of
    /// `repeats` dispatches lasts well over 100 µs; 0.0 means "below resolution".
    pub gpu_compute_ms: Option<f64>,
    /// Copying the output to a `MAP_READ` staging buffer, mapping it and
    /// reading it into wasm memory.
    pub readback_ms: f64,
}

/// A WebGPU device, ready to build pipelines and run them.
///
/// Calls take `&self` but must not overlap: WebGPU error scopes form one stack
/// per device, so two interleaved calls would mix up each other's errors (and
/// wgpu panics on out-of-order pops). An overlapping call gets `Err` instead.
#[derive(Debug)]
pub struct Gpu {
    device: wgpu::Device,
    queue: wgpu::Queue,
    info: GpuInfo,
    /// Set while a kernel call is in progress; see the type's doc.
    busy: Cell<bool>,
}

/// A shader built into a compute pipeline on one [`Gpu`].
#[derive(Debug)]
pub struct Pipeline(wgpu::ComputePipeline);

impl Gpu {
    /// Requests an adapter and device.
    ///
    /// Err(reason in words) when `navigator.gpu` is missing or gives no
    /// adapter or device. Never panics for those.
    pub async fn new() -> Result<Gpu, String> {
        // wgpu's `Instance::new` panics outside a window or worker, so look
        // first; the `navigator.gpu` check gives a clearer reason than wgpu's.
        let global = js_sys::global();
        let has = |name: &str| {
            js_sys::Reflect::get(&global, &JsValue::from_str(name)).is_ok_and(|v| !v.is_undefined())
        };
        if !has("Window") && !has("WorkerGlobalScope") {
            return Err("WebGPU needs a window or a dedicated worker global".into());
        }
        let gpu_prop = js_sys::Reflect::get(&global, &"navigator".into())
            .and_then(|nav| js_sys::Reflect::get(&nav, &"gpu".into()));
        if !gpu_prop.is_ok_and(|g| !g.is_undefined() && !g.is_null()) {
            return Err(
                "navigator.gpu is missing: this browser or context does not expose \
                 WebGPU (it needs a secure context; Chromium on Linux needs \
                 --enable-unsafe-webgpu)"
                    .into(),
            );
        }

        let mut desc = wgpu::InstanceDescriptor::new_without_display_handle();
        desc.backends = wgpu::Backends::BROWSER_WEBGPU;
        let instance = wgpu::Instance::new(desc);
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            // On the web this error is always "none found"; wgpu's text lists
            // native backends, which only confuses, so it is left out.
            .map_err(|_| {
                "navigator.gpu gave no WebGPU adapter (WebGPU disabled or the GPU \
                 blocklisted; Chromium on Linux needs --enable-unsafe-webgpu)"
                    .to_string()
            })?;

        // Ask for timestamps only when offered: requesting a missing feature
        // fails the whole device request.
        let timestamps = adapter.features().contains(wgpu::Features::TIMESTAMP_QUERY);
        let required_features = if timestamps {
            wgpu::Features::TIMESTAMP_QUERY
        } else {
            wgpu::Features::empty()
        };
        // The adapter's own limits, so large matrices get the largest storage
        // bindings this GPU allows instead of the 128 MiB default.
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("perflab gpu"),
                required_features,
                required_limits: adapter.limits(),
                ..Default::default()
            })
            .await
            .map_err(|e| format!("the WebGPU adapter gave no device: {e}"))?;

        let adapter_info = adapter.get_info();
        let info = GpuInfo {
            name: adapter_name(&device, adapter_info.name),
            software: adapter_info.device_type == wgpu::DeviceType::Cpu,
            timestamps,
        };

        Ok(Gpu {
            device,
            queue,
            info,
            busy: Cell::new(false),
        })
    }

    /// What the adapter is.
    pub fn info(&self) -> &GpuInfo {
        &self.info
    }

    /// The limits a dispatch may depend on.
    pub fn limits(&self) -> GpuLimits {
        GpuLimits {
            max_workgroups_per_dimension: self.device.limits().max_compute_workgroups_per_dimension,
        }
    }

    /// Builds `wgsl` (entry point `main`, bindings as [`Gpu::run`] says)
    /// into a pipeline; Err with the compiler's message if it does not build.
    pub async fn pipeline(&self, label: &str, wgsl: &str) -> Result<Pipeline, String> {
        if self.busy.get() {
            return Err("the GPU is busy with another call; await it first".into());
        }
        let scopes = ErrorScopes::push(&self.device);
        let module = self
            .device
            .create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(label),
                source: wgpu::ShaderSource::Wgsl(wgsl.into()),
            });
        let pipeline = self
            .device
            .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(label),
                layout: None, // derived from the shader: one bind group, bindings in order
                module: &module,
                entry_point: Some("main"),
                compilation_options: Default::default(),
                cache: None,
            });
        scopes
            .check()
            .await
            .map_err(|e| format!("building the {label} pipeline failed: {e}"))?;
        Ok(Pipeline(pipeline))
    }

    /// Runs `dispatch` on `pipeline` `repeats` times back to back. The
    /// bindings are, in order: each input (read-only storage), the output
    /// (read-write storage, `output_bytes` long), and a uniform holding the
    /// uniforms. Returns the output bytes and the timings. Any WebGPU
    /// validation or out-of-memory error becomes `Err`.
    pub async fn run(
        &self,
        pipeline: &Pipeline,
        dispatch: &Dispatch,
        repeats: u32,
    ) -> Result<GpuRun<Vec<u8>>, String> {
        let inputs: Vec<&[u8]> = dispatch.inputs.iter().map(Vec::as_slice).collect();
        let (params, output_bytes, groups) = (
            &dispatch.uniforms[..],
            dispatch.output_bytes,
            dispatch.workgroups,
        );
        let inputs = &inputs[..];
        if output_bytes == 0 {
            return Err("the output buffer is empty".into());
        }
        if repeats == 0 {
            return Err("repeats must be at least 1".into());
        }
        // Check the limits here: wgpu would report them only as a validation
        // error after the fact, and a clear message helps the caller.
        let limits = self.device.limits();
        let max_binding = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size);
        let largest = inputs
            .iter()
            .map(|i| i.len() as u64)
            .chain([output_bytes])
            .max()
            .unwrap_or(0);
        if largest > max_binding {
            return Err(format!(
                "a buffer of {largest} bytes exceeds this device's storage binding limit of {max_binding} bytes"
            ));
        }
        let max_groups = limits.max_compute_workgroups_per_dimension;
        if groups.0 > max_groups || groups.1 > max_groups {
            return Err(format!(
                "{}×{} workgroups exceed this device's limit of {max_groups} per dimension",
                groups.0, groups.1
            ));
        }
        if self.busy.replace(true) {
            return Err("the GPU is busy with another call; await it first".into());
        }
        let _not_busy = ResetOnDrop(&self.busy);

        let scopes = ErrorScopes::push(&self.device);
        let result = self
            .run_in_scope(&pipeline.0, params, inputs, output_bytes, groups, repeats)
            .await;
        // A scope error is the root cause of any local failure (e.g. a failed
        // map after an out-of-memory buffer), so it is reported first.
        scopes.check().await?;
        result
    }

    /// The body of [`Gpu::run`], inside its error scopes.
    async fn run_in_scope(
        &self,
        pipeline: &wgpu::ComputePipeline,
        params: &[u32],
        inputs: &[&[u8]],
        output_bytes: u64,
        groups: (u32, u32),
        repeats: u32,
    ) -> Result<GpuRun<Vec<u8>>, String> {
        use wgpu::BufferUsages as U;
        // Destroyed when this function returns, even on error: dropping a
        // wgpu buffer on the web leaves the GPU memory to the JS garbage
        // collector, which is too late for a benchmark loop.
        let mut owned = Owned::default();
        let input_buffers: Vec<wgpu::Buffer> = inputs
            .iter()
            .map(|data| owned.buffer(&self.device, data.len() as u64, U::STORAGE | U::COPY_DST))
            .collect();
        let output = owned.buffer(&self.device, output_bytes, U::STORAGE | U::COPY_SRC);
        let uniform = owned.buffer(
            &self.device,
            (params.len() as u64 * 4).next_multiple_of(16),
            U::UNIFORM | U::COPY_DST,
        );
        let staging = owned.buffer(&self.device, output_bytes, U::MAP_READ | U::COPY_DST);

        let layout = pipeline.get_bind_group_layout(0);
        let entries: Vec<wgpu::BindGroupEntry> = input_buffers
            .iter()
            .chain([&output, &uniform])
            .enumerate()
            .map(|(i, buffer)| wgpu::BindGroupEntry {
                binding: i as u32,
                resource: buffer.as_entire_binding(),
            })
            .collect();
        let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &layout,
            entries: &entries,
        });

        // Upload.
        let start = now_ms();
        for (buffer, data) in input_buffers.iter().zip(inputs) {
            self.queue.write_buffer(buffer, 0, data);
        }
        self.queue
            .write_buffer(&uniform, 0, bytemuck::cast_slice(params));
        self.queue.submit([]);
        self.work_done().await?;
        let upload_ms = now_ms() - start;

        // Compute: all repeats in one pass of one submission. WebGPU orders
        // the dispatches of a pass (each is its own usage scope), and one pair
        // of timestamps around the pass divides Chrome's 100 µs quantum by
        // `repeats` instead of applying it to every dispatch.
        let timer = self.info.timestamps.then(|| {
            let set = self.device.create_query_set(&wgpu::QuerySetDescriptor {
                label: None,
                ty: wgpu::QueryType::Timestamp,
                count: 2,
            });
            let resolve = owned.buffer(&self.device, 16, U::QUERY_RESOLVE | U::COPY_SRC);
            let read = owned.buffer(&self.device, 16, U::MAP_READ | U::COPY_DST);
            (set, resolve, read)
        });
        let mut encoder = self.device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: None,
                timestamp_writes: timer.as_ref().map(|(set, _, _)| {
                    wgpu::ComputePassTimestampWrites {
                        query_set: set,
                        beginning_of_pass_write_index: Some(0),
                        end_of_pass_write_index: Some(1),
                    }
                }),
            });
            pass.set_pipeline(pipeline);
            pass.set_bind_group(0, &bind_group, &[]);
            for _ in 0..repeats {
                pass.dispatch_workgroups(groups.0, groups.1, 1);
            }
        }
        if let Some((set, resolve, read)) = &timer {
            encoder.resolve_query_set(set, 0..2, resolve, 0);
            encoder.copy_buffer_to_buffer(resolve, 0, read, 0, 16);
        }
        let command = encoder.finish();
        let start = now_ms();
        self.queue.submit([command]);
        self.work_done().await?;
        let compute_ms = (now_ms() - start) / f64::from(repeats);

        // Readback.
        let start = now_ms();
        let mut encoder = self.device.create_command_encoder(&Default::default());
        encoder.copy_buffer_to_buffer(&output, 0, &staging, 0, output_bytes);
        self.queue.submit([encoder.finish()]);
        let bytes = read_mapped(&staging).await?;
        let readback_ms = now_ms() - start;

        let gpu_compute_ms = match &timer {
            Some((set, _, read)) => {
                let stamps = read_mapped(read).await?;
                set.destroy();
                let mut ticks = words(&stamps);
                let lo_hi = |t: &mut dyn Iterator<Item = u32>| {
                    let lo = u64::from(t.next().unwrap_or(0));
                    lo | u64::from(t.next().unwrap_or(0)) << 32
                };
                let (begin, end) = (lo_hi(&mut ticks), lo_hi(&mut ticks));
                // Timestamps are nanoseconds on the web (period 1.0); some GPUs
                // can report end < begin, which is then no measurement at all.
                let ns = f64::from(self.queue.get_timestamp_period());
                (end >= begin).then(|| (end - begin) as f64 * ns / 1e6 / f64::from(repeats))
            }
            None => None,
        };

        Ok(GpuRun {
            output: bytes,
            upload_ms,
            compute_ms,
            gpu_compute_ms,
            readback_ms,
        })
    }

    /// Resolves when the queue has finished everything submitted so far.
    async fn work_done(&self) -> Result<(), String> {
        let (tx, rx) = oneshot::channel();
        self.queue.on_submitted_work_done(move || {
            let _ = tx.send(());
        });
        rx.await
            .map_err(|_| "the queue dropped the completion callback (device lost?)".to_string())
    }
}

impl<T> GpuRun<T> {
    /// Converts the output, keeping the timings.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> GpuRun<U> {
        GpuRun {
            output: f(self.output),
            upload_ms: self.upload_ms,
            compute_ms: self.compute_ms,
            gpu_compute_ms: self.gpu_compute_ms,
            readback_ms: self.readback_ms,
        }
    }
}

/// Maps a `MAP_READ` buffer, copies its contents out and unmaps it.
async fn read_mapped(buffer: &wgpu::Buffer) -> Result<Vec<u8>, String> {
    let (tx, rx) = oneshot::channel();
    buffer.map_async(wgpu::MapMode::Read, .., move |result| {
        let _ = tx.send(result);
    });
    rx.await
        .map_err(|_| "the map callback was dropped (device lost?)".to_string())?
        .map_err(|e| format!("mapping the readback buffer failed: {e}"))?;
    let bytes = buffer
        .get_mapped_range(..)
        .map_err(|e| format!("reading the mapped buffer failed: {e:?}"))?
        .to_vec();
    buffer.unmap();
    Ok(bytes)
}

/// `performance.now()` of the current global (window or worker), in ms.
fn now_ms() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or(0.0, |p| p.now())
}

/// The adapter's description or, when the browser leaves that empty, its
/// "vendor / architecture" from `GPUDevice.adapterInfo`.
fn adapter_name(device: &wgpu::Device, description: String) -> String {
    if !description.is_empty() {
        return description;
    }
    let field = |info: &JsValue, key: &str| {
        js_sys::Reflect::get(info, &key.into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let info = device
        .as_webgpu()
        .and_then(|d| js_sys::Reflect::get(d, &"adapterInfo".into()).ok())
        .unwrap_or(JsValue::UNDEFINED);
    let parts: Vec<String> = [field(&info, "vendor"), field(&info, "architecture")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        "unknown WebGPU adapter".into()
    } else {
        parts.join(" / ")
    }
}

/// Validation and out-of-memory error scopes, popped together in the right
/// (reverse) order.
struct ErrorScopes {
    // Field order matters: fields drop in declaration order, and scopes must
    // pop innermost first, so `validation` (pushed last) comes first.
    validation: wgpu::ErrorScopeGuard,
    out_of_memory: wgpu::ErrorScopeGuard,
}

impl ErrorScopes {
    /// Pushes both scopes.
    fn push(device: &wgpu::Device) -> Self {
        let out_of_memory = device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let validation = device.push_error_scope(wgpu::ErrorFilter::Validation);
        ErrorScopes {
            validation,
            out_of_memory,
        }
    }

    /// Pops both scopes; Err with the first captured error, if any.
    fn check(self) -> impl Future<Output = Result<(), String>> {
        // Pop now (innermost first); the futures only wait for the verdicts.
        let validation = self.validation.pop();
        let out_of_memory = self.out_of_memory.pop();
        async move {
            let (validation, out_of_memory) = (validation.await, out_of_memory.await);
            match validation.or(out_of_memory) {
                Some(error) => Err(format!("WebGPU error: {error}")),
                None => Ok(()),
            }
        }
    }
}

/// Buffers created for one run, destroyed when it ends (see `run_in_scope`).
#[derive(Default)]
struct Owned(Vec<wgpu::Buffer>);

impl Owned {
    /// Creates a buffer that this set will destroy.
    fn buffer(
        &mut self,
        device: &wgpu::Device,
        size: u64,
        usage: wgpu::BufferUsages,
    ) -> wgpu::Buffer {
        let buffer = device.create_buffer(&wgpu::BufferDescriptor {
            label: None,
            size,
            usage,
            mapped_at_creation: false,
        });
        self.0.push(buffer.clone());
        buffer
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        // Destroying waits for submitted work that uses the buffer, so this is
        // safe even when an error cut the run short.
        for buffer in &self.0 {
            buffer.destroy();
        }
    }
}

/// Clears the busy flag when a call ends, however it ends.
struct ResetOnDrop<'a>(&'a Cell<bool>);

impl Drop for ResetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}
