//! The GPU runtime behind `@device(gpu)`: one wgpu device opened lazily on
//! first use, arrays kept in storage buffers (`GpuArray`), WGSL kernels from
//! `shaders/` compiled once and cached, buffers recycled through a pool.
//!
//! Elements are 32-bit words: float32 values, or 0/1 for bool. WGSL has no
//! float64 or int64: float64 uploads convert to float32 (and say float32),
//! int64 arrays stay on the CPU (see `ops.rs`).

pub mod array;
pub mod kernels;

pub use array::{GpuArray, Kind};

use crate::diagnostics::{Error, ErrorKind, Result};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Threads per workgroup of the 1-d kernels (elementwise, copies).
pub const WG: u32 = 256;
/// Largest workgroup count in one dispatch dimension (WebGPU's minimum limit).
pub const MAX_GROUPS: u32 = 65_535;
/// Bytes of idle buffers the pool keeps for reuse.
const POOL_BYTES: u64 = 512 << 20;

pub struct Gpu {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub info: wgpu::AdapterInfo,
    /// Largest storage-buffer binding, in bytes.
    pub max_binding: u64,
    pipelines: Mutex<HashMap<String, Arc<wgpu::ComputePipeline>>>,
    pool: Mutex<Pool>,
    /// Errors wgpu reported outside an error scope, and device loss.
    errors: Arc<Mutex<Vec<String>>>,
    /// Kernel submissions, and how many of them the GPU reported finished
    /// (counted by a callback that runs when the device is polled).
    submitted: std::sync::atomic::AtomicU64,
    finished: Arc<std::sync::atomic::AtomicU64>,
}

#[derive(Default)]
struct Pool {
    free: HashMap<u64, Vec<wgpu::Buffer>>,
    bytes: u64,
}

static GPU: OnceLock<Option<Gpu>> = OnceLock::new();
static INIT_ATTEMPTS: AtomicUsize = AtomicUsize::new(0);
thread_local! {
    static DISPATCHES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}
static BUFFERS_CREATED: AtomicUsize = AtomicUsize::new(0);
static PIPELINES_COMPILED: AtomicUsize = AtomicUsize::new(0);

/// How many times the GPU was looked for in this process (0 or 1): a script
/// without `@device(gpu)` never loads a driver.
pub fn init_attempts() -> usize {
    INIT_ATTEMPTS.load(Ordering::Relaxed)
}

/// Kernel launches so far on this thread (tests count what fusion saves).
pub fn dispatches() -> usize {
    DISPATCHES.with(|d| d.get())
}

/// New wgpu buffers created so far (pool misses).
pub fn buffers_created() -> usize {
    BUFFERS_CREATED.load(Ordering::Relaxed)
}

/// Pipelines compiled so far (cache misses).
pub fn pipelines_compiled() -> usize {
    PIPELINES_COMPILED.load(Ordering::Relaxed)
}

/// The device, opened on first call; `None` when no adapter exists (or
/// `ARR_NO_GPU=1` hides it, which tests use to exercise the fallback).
pub fn get() -> Option<&'static Gpu> {
    GPU.get_or_init(|| {
        INIT_ATTEMPTS.fetch_add(1, Ordering::Relaxed);
        if std::env::var("ARR_NO_GPU")
            .map(|v| v == "1")
            .unwrap_or(false)
        {
            return None;
        }
        open()
    })
    .as_ref()
}

/// `"llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan, Cpu)"`
pub fn adapter_name() -> Option<String> {
    get().map(|g| {
        format!(
            "{} ({:?}, {:?})",
            g.info.name, g.info.backend, g.info.device_type
        )
    })
}

fn open() -> Option<Gpu> {
    let instance =
        wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
    let adapter = block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
        power_preference: wgpu::PowerPreference::HighPerformance,
        ..Default::default()
    }))
    .ok()?;
    let limits = adapter.limits();
    let (device, queue) = block_on(adapter.request_device(&wgpu::DeviceDescriptor {
        label: Some("arr"),
        required_features: wgpu::Features::empty(),
        required_limits: limits.clone(),
        ..Default::default()
    }))
    .ok()?;
    let errors = Arc::new(Mutex::new(Vec::new()));
    let e2 = errors.clone();
    device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
        if let Ok(mut v) = e2.lock() {
            v.push(e.to_string());
        }
    }));
    let e3 = errors.clone();
    device.set_device_lost_callback(move |reason, msg| {
        if let Ok(mut v) = e3.lock() {
            v.push(format!("the GPU device was lost ({reason:?}): {msg}"));
        }
    });
    let max_binding = limits
        .max_storage_buffer_binding_size
        .min(limits.max_buffer_size);
    Some(Gpu {
        info: adapter.get_info(),
        device,
        queue,
        max_binding,
        pipelines: Mutex::new(HashMap::new()),
        pool: Mutex::new(Pool::default()),
        errors,
        submitted: Default::default(),
        finished: Default::default(),
    })
}

/// Drive a wgpu future to completion (native wgpu resolves them at once or
/// after a device poll).
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::yield_now();
    }
}

/// An arr error for a failure inside the GPU runtime.
pub fn gpu_error(msg: impl std::fmt::Display) -> Error {
    let m = msg.to_string();
    let kind = if m.to_lowercase().contains("memory") {
        ErrorKind::Memory
    } else {
        ErrorKind::Value
    };
    Error::new(kind, format!("GPU error: {m}"))
        .with_help("run this part on the CPU: @device(cpu) { ... } or to(x, \"cpu\")")
}

impl Gpu {
    /// Turn errors wgpu reported since the last check into an arr error.
    pub fn check(&self) -> Result<()> {
        let mut v = self.errors.lock().map_err(|_| gpu_error("lock poisoned"))?;
        if v.is_empty() {
            return Ok(());
        }
        let msg = v.join("; ");
        v.clear();
        Err(gpu_error(msg))
    }

    /// A storage buffer of at least `bytes` bytes (from the pool when one of
    /// that size is idle).
    pub fn alloc(&self, bytes: u64) -> Result<array::GpuBuf> {
        let bytes = bytes.max(4).div_ceil(4) * 4;
        if bytes > self.max_binding {
            return Err(Error::new(
                ErrorKind::Memory,
                format!(
                    "a GPU buffer of {} MiB is larger than this adapter allows in one binding ({} MiB)",
                    bytes >> 20,
                    self.max_binding >> 20
                ),
            )
            .with_help("split the array, or run this operation on the CPU: to(x, \"cpu\")"));
        }
        if let Ok(mut p) = self.pool.lock() {
            if let Some(b) = p.free.get_mut(&bytes).and_then(|v| v.pop()) {
                p.bytes -= bytes;
                return Ok(array::GpuBuf::new(b, bytes));
            }
        }
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let b = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: None,
            size: bytes,
            usage: wgpu::BufferUsages::STORAGE
                | wgpu::BufferUsages::COPY_SRC
                | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        if let Some(e) = block_on(scope.pop()) {
            return Err(gpu_error(e));
        }
        BUFFERS_CREATED.fetch_add(1, Ordering::Relaxed);
        Ok(array::GpuBuf::new(b, bytes))
    }

    /// Give an idle buffer back to the pool (or free it when the pool is full).
    fn recycle(&self, b: wgpu::Buffer, bytes: u64) {
        if let Ok(mut p) = self.pool.lock() {
            if p.bytes + bytes <= POOL_BYTES {
                p.bytes += bytes;
                p.free.entry(bytes).or_default().push(b);
                return;
            }
        }
        b.destroy();
    }

    /// Upload 32-bit words.
    pub fn upload(&self, words: &[u32]) -> Result<array::GpuBuf> {
        let b = self.alloc(words.len() as u64 * 4)?;
        if !words.is_empty() {
            self.queue
                .write_buffer(b.buffer(), 0, bytemuck::cast_slice(words));
        }
        Ok(b)
    }

    /// Read `n` words starting at word `start` of a buffer (waits for the GPU).
    pub fn read(&self, b: &array::GpuBuf, start: usize, n: usize) -> Result<Vec<u32>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let bytes = n as u64 * 4;
        let staging = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: bytes,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut enc = self
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: None });
        enc.copy_buffer_to_buffer(b.buffer(), start as u64 * 4, &staging, 0, bytes);
        self.queue.submit(Some(enc.finish()));
        let slice = staging.slice(..);
        let done: Arc<Mutex<Option<std::result::Result<(), wgpu::BufferAsyncError>>>> =
            Arc::new(Mutex::new(None));
        let d2 = done.clone();
        slice.map_async(wgpu::MapMode::Read, move |r| {
            if let Ok(mut d) = d2.lock() {
                *d = Some(r);
            }
        });
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(gpu_error)?;
        // The wait covers our submission, but when several threads share the
        // device (tests do) another thread's poll may be the one running our
        // callback and may not have run it yet: wait for it, within reason.
        let started = std::time::Instant::now();
        let r = loop {
            if let Some(r) = done.lock().ok().and_then(|mut d| d.take()) {
                break Some(r);
            }
            if started.elapsed() > std::time::Duration::from_secs(60) {
                break None;
            }
            let _ = self.device.poll(wgpu::PollType::Poll);
            std::thread::sleep(std::time::Duration::from_micros(50));
        };
        self.check()?;
        match r {
            Some(Ok(())) => {}
            Some(Err(e)) => return Err(gpu_error(e)),
            None => return Err(gpu_error("reading a buffer back did not finish in 60 s")),
        }
        let out = {
            let view = slice.get_mapped_range().map_err(gpu_error)?;
            bytemuck::cast_slice::<u8, u32>(&view).to_vec()
        };
        staging.unmap();
        Ok(out)
    }

    /// The pipeline for WGSL `src` (compiled on first use, then cached).
    pub fn pipeline(&self, src: &str) -> Result<Arc<wgpu::ComputePipeline>> {
        if let Some(p) = self.pipelines.lock().ok().and_then(|m| m.get(src).cloned()) {
            return Ok(p);
        }
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let module = self
            .device
            .create_shader_module(wgpu::ShaderModuleDescriptor {
                label: None,
                source: wgpu::ShaderSource::Wgsl(src.into()),
            });
        let p = self
            .device
            .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: None,
                layout: None,
                module: &module,
                entry_point: Some("main"),
                compilation_options: Default::default(),
                cache: None,
            });
        if let Some(e) = block_on(scope.pop()) {
            return Err(gpu_error(format!("a shader failed to compile: {e}")));
        }
        PIPELINES_COMPILED.fetch_add(1, Ordering::Relaxed);
        let p = Arc::new(p);
        if let Ok(mut m) = self.pipelines.lock() {
            m.insert(src.to_string(), p.clone());
        }
        Ok(p)
    }

    /// Run `pipeline` with `buffers` bound at 0, 1, ... over `groups`
    /// workgroups (split into x/y when over 65,535).
    pub fn dispatch(
        &self,
        pipeline: &wgpu::ComputePipeline,
        buffers: &[&wgpu::Buffer],
        groups: (u32, u32, u32),
    ) -> Result<()> {
        let layout = pipeline.get_bind_group_layout(0);
        let entries: Vec<wgpu::BindGroupEntry> = buffers
            .iter()
            .enumerate()
            .map(|(i, b)| wgpu::BindGroupEntry {
                binding: i as u32,
                resource: b.as_entire_binding(),
            })
            .collect();
        let bg = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &layout,
            entries: &entries,
        });
        let mut enc = self
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: None });
        {
            let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: None,
                timestamp_writes: None,
            });
            pass.set_pipeline(pipeline);
            pass.set_bind_group(0, &bg, &[]);
            pass.dispatch_workgroups(groups.0, groups.1, groups.2);
        }
        self.queue.submit(Some(enc.finish()));
        self.submitted.fetch_add(1, Ordering::Relaxed);
        let fin = self.finished.clone();
        self.queue.on_submitted_work_done(move || {
            fin.fetch_add(1, Ordering::Relaxed);
        });
        DISPATCHES.with(|d| d.set(d.get() + 1));
        self.check()
    }

    /// Wait until the GPU has finished everything submitted.
    pub fn sync(&self) -> Result<()> {
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(gpu_error)?;
        self.check()
    }

    /// Kernel launches submitted but not yet reported finished.
    pub fn pending(&self) -> u64 {
        let done = self.finished.load(Ordering::Relaxed);
        self.submitted.load(Ordering::Relaxed).saturating_sub(done)
    }
}

/// Wait for queued GPU work, if the GPU was ever opened (never opens it):
/// `:time` and `time()` call this so GPU work is inside what they measure.
pub fn sync_if_open() -> Result<()> {
    match GPU.get() {
        Some(Some(g)) => g.sync(),
        _ => Ok(()),
    }
}

/// Workgroup counts covering `threads` threads of `WG` each: x up to
/// 65,535, the rest in y (kernels compute `gid.x + gid.y * nwg.x * WG`).
pub fn groups_1d(threads: usize) -> Result<(u32, u32, u32)> {
    let g = threads.div_ceil(WG as usize).max(1);
    if g <= MAX_GROUPS as usize {
        return Ok((g as u32, 1, 1));
    }
    let y = g.div_ceil(MAX_GROUPS as usize);
    if y > MAX_GROUPS as usize {
        return Err(Error::new(
            ErrorKind::Limit,
            format!("{threads} GPU threads are more than one dispatch can launch"),
        ));
    }
    Ok((MAX_GROUPS, y as u32, 1))
}
